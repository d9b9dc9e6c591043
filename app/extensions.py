"""The Flask extensions, created once and bound in create_app()."""

from flask_babel import Babel
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf import CSRFProtect

from app.db import Base, render_migration_item

db = SQLAlchemy(model_class=Base, session_options={"expire_on_commit": False})
migrate = Migrate(render_as_batch=True, compare_type=True, render_item=render_migration_item)
login_manager = LoginManager()
csrf = CSRFProtect()
babel = Babel()
limiter = Limiter(key_func=get_remote_address, default_limits=[])


def account_or_address() -> str:
    """The rate-limit key of actions that need an account: the account, not the address, so a
    plenary behind one NAT is not limited as one person (anonymous requests: the address)."""
    from flask_login import current_user

    if current_user and current_user.is_authenticated:
        return f"account:{current_user.id}"
    return "address:" + (get_remote_address() or "")

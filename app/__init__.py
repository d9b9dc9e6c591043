"""Plenária: the application factory."""

from __future__ import annotations

import os
from typing import Any

from flask import Flask, request
from flask_login import current_user

from app import db as db_setup
from app.auth import passwords
from app.extensions import babel, csrf, db, limiter, login_manager, migrate
from config import CONFIGS, INSTANCE_DIR, Config, ProductionConfig

BLUEPRINTS = (
    "app.main.views",
    "app.auth.views",
    "app.conferences.views.public",
    "app.conferences.views.manage",
    "app.conferences.views.participants",
    "app.conferences.views.admin",
    "app.proposals.views.proposals",
    "app.proposals.views.comments",
    "app.proposals.views.moderation",
    "app.votes.views.public",
    "app.votes.views.manage",
    "app.votes.views.plenary",
    "app.reports.views.public",
    "app.reports.views.manage",
    "app.reports.views.importer",
    "app.api.views",
)


def create_app(config_class: type[Config] | None = None, **overrides: Any) -> Flask:
    if config_class is None:
        config_class = CONFIGS[os.environ.get("PLENARIA_CONFIG", "development")]
    if config_class is ProductionConfig:
        ProductionConfig.check()
    app = Flask(__name__, instance_path=str(INSTANCE_DIR))
    app.config.from_object(config_class)
    app.config.update(overrides)
    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite:///"):
        os.makedirs(app.instance_path, exist_ok=True)

    if app.config.get("TRUST_PROXY_HOPS"):
        from werkzeug.middleware.proxy_fix import ProxyFix

        hops = int(app.config["TRUST_PROXY_HOPS"])
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)  # type: ignore[method-assign]
    passwords.configure(fast=app.config.get("PASSWORD_HASH_FAST", False))
    _init_extensions(app)
    from app.security import install_url_converters

    install_url_converters(app)
    _register_blueprints(app)

    from app.cli import register_cli
    from app.errors import register_error_handlers
    from app.security import register_security
    from app.templating import register_templating

    register_error_handlers(app)
    register_security(app)
    register_templating(app)
    register_cli(app)
    return app


def _select_locale() -> str:
    from flask import current_app

    languages = current_app.config["LANGUAGES"]
    chosen = request.cookies.get("lang") if request else None
    if chosen in languages:
        return chosen
    if current_user and current_user.is_authenticated and current_user.locale in languages:
        return current_user.locale
    return current_app.config["BABEL_DEFAULT_LOCALE"]


def _init_extensions(app: Flask) -> None:
    from app import models  # noqa: F401 - every table in the metadata (Alembic, create_all)

    db.init_app(app)
    with app.app_context():
        db_setup.configure_sqlite_engine(db.engine, app.config["SQLITE_BUSY_TIMEOUT_MS"])
    migrate.init_app(app, db, directory=os.path.join(os.path.dirname(os.path.dirname(__file__)), "migrations"))
    csrf.init_app(app)
    babel.init_app(app, locale_selector=_select_locale)
    limiter.init_app(app)
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = None
    login_manager.session_protection = "basic"

    @login_manager.user_loader
    def _load_user(token: str):  # type: ignore[no-untyped-def]
        from app.auth.models import User

        user_id, _, version = token.partition(":")
        if not user_id.isdigit() or not version.isdigit():
            return None
        user = db.session.get(User, int(user_id))
        if user is None or user.deleted_at is not None or user.session_version != int(version):
            return None
        return user

    @app.before_request
    def _write_intent() -> None:
        db_setup.set_write_intent(request.method not in ("GET", "HEAD", "OPTIONS"))


def _register_blueprints(app: Flask) -> None:
    import importlib

    for path in BLUEPRINTS:
        module = importlib.import_module(path)
        app.register_blueprint(module.bp)

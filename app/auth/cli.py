"""`flask users admin <e-mail>`: give (or with --remove, take) the admin flag."""

from __future__ import annotations

import click
from flask.cli import AppGroup

from app.auth import services
from app.extensions import db

users_cli = AppGroup("users", help="Account commands.")


@users_cli.command("admin")
@click.argument("email")
@click.option("--remove", is_flag=True, help="Take the admin flag away instead.")
def admin_command(email: str, remove: bool) -> None:
    """Make the account with this e-mail an admin (it must exist: register first)."""
    user = services.get_user_by_email(db.session, email)
    if user is None or user.deleted_at is not None:
        click.echo(f"Não há conta com o e-mail {email!r}.", err=True)
        raise SystemExit(2)
    services.set_admin(db.session, user, is_admin=not remove)
    db.session.commit()
    click.echo(("Administração retirada de " if remove else "Agora é administração: ") + email)

"""`flask demo`: load the demo conferences into an empty database (idempotent)."""

from __future__ import annotations

import click
import sqlalchemy as sa

from app.conferences.models import Conference
from app.db import utcnow
from app.demo import alvares_2019
from app.demo.accounts import create_accounts, listing
from app.extensions import db


def print_accounts() -> None:
    click.echo("")
    click.echo("Contas de demonstração (senha de todas: %s):" % listing()[0][2])
    for role, email, _password in listing():
        click.echo(f"  {role:<28} {email}")
    click.echo("")


def demo_loaded() -> bool:
    return db.session.scalar(sa.select(sa.func.count()).select_from(Conference).where(
        Conference.slug == alvares_2019.SLUG)) > 0


def load_demo() -> None:
    now = utcnow()
    accounts = create_accounts(db.session, now)
    alvares_2019.build(db.session, accounts, now)
    db.session.commit()


@click.command("demo")
@click.option("--if-empty", is_flag=True, help="Load only when the database has no conference at all.")
def demo_command(if_empty: bool) -> None:
    """Load the demo conferences of Alvares Florence-SP (does nothing if already loaded)."""
    if if_empty and db.session.scalar(sa.select(sa.func.count()).select_from(Conference)):
        click.echo("O banco já tem conferências; a demonstração não foi carregada de novo.")
    elif demo_loaded():
        click.echo("A demonstração já está carregada.")
    else:
        load_demo()
        click.echo("Demonstração carregada: VIII Conferência Municipal de Assistência Social de Alvares Florence.")
    print_accounts()

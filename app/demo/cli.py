"""`flask demo`: load the demo conferences into an empty database (idempotent)."""

from __future__ import annotations

import click
import sqlalchemy as sa
from flask import current_app
from flask.cli import with_appcontext

from app.conferences.models import Conference
from app.conferences.queries import get_membership
from app.db import utcnow
from app.demo import alvares_2019, alvares_2025, sp_state
from app.demo.accounts import create_accounts, listing
from app.extensions import db


def print_accounts() -> None:
    click.echo("")
    click.echo(f"Contas de demonstração (senha de todas: {listing()[0][2]}):")
    for role, email, _password in listing():
        click.echo(f"  {role:<28} {email}")
    click.echo("")


def demo_loaded() -> bool:
    return db.session.scalar(sa.select(sa.func.count()).select_from(Conference).where(
        Conference.slug == alvares_2019.SLUG)) > 0


def load_demo() -> None:
    """The three demo conferences, built through the services as real use would."""
    from app.reports.pdf import render_pdf
    from app.reports.services import publish_report

    now = utcnow()
    accounts = create_accounts(db.session, now)
    viii = alvares_2019.build(db.session, accounts, now)
    secretary_membership = get_membership(db.session, viii.id, accounts.secretary.id)
    report = publish_report(db.session, accounts.secretary, secretary_membership, viii, now=now,
                            pdf_renderer=render_pdf)
    alvares_2025.build(db.session, accounts, now)
    sp_state.build(db.session, accounts, report, now)
    db.session.commit()


@click.command("demo")
@with_appcontext
@click.option("--if-empty", is_flag=True, help="Load only when the database has no conference at all.")
def demo_command(if_empty: bool) -> None:
    """Load the demo conferences of Alvares Florence-SP (does nothing if already loaded)."""
    base_url = current_app.config.get("PUBLIC_URL") or "http://127.0.0.1:5000"
    with current_app.test_request_context("/", base_url=base_url):
        if if_empty and db.session.scalar(sa.select(sa.func.count()).select_from(Conference)):
            click.echo("O banco já tem conferências; a demonstração não foi carregada de novo.")
        elif demo_loaded():
            click.echo("A demonstração já está carregada.")
        else:
            load_demo()
            click.echo("Demonstração carregada: VIII Conferência (2019, relatório publicado), "
                       "XI Conferência (2025, em votação) e Conferência Estadual de São Paulo (demonstração).")
    print_accounts()

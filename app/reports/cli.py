"""`flask report publish <slug> --by <e-mail>`: publish the next version of a conference's report
from the command line, with the same service and checks as the button on the report page.

A national conference's PDF (about 430 A4 pages for 2,000 proposals) takes close to a minute to
render, which is longer than a web worker should hold a request (gunicorn's default timeout is
30 s); the operator publishes it here instead."""

from __future__ import annotations

import click
from flask import current_app
from flask.cli import AppGroup

from app.auth.services import get_user_by_email
from app.conferences.queries import get_conference, get_membership
from app.db import utcnow
from app.errors import DomainError
from app.extensions import db
from app.reports.pdf import render_pdf
from app.reports.services import publish_report
from app.reports.views.manage import conference_url

report_cli = AppGroup("report", help="The conference report.")


@report_cli.command("publish")
@click.argument("slug")
@click.option("--by", "email", required=True, help="E-mail of the conference's secretary (or an admin) who publishes.")
@click.option("--note", default=None, help="What this version corrects (needed from version 2 on).")
def publish_command(slug: str, email: str, note: str | None) -> None:
    """Freeze and publish the next version of the report of conference SLUG, PDF included."""
    conference = get_conference(db.session, slug)
    if conference is None:
        raise click.ClickException(f"no conference with slug {slug!r}")
    user = get_user_by_email(db.session, email)
    if user is None or user.deleted_at is not None:
        raise click.ClickException(f"no account with the e-mail {email!r}")
    membership = get_membership(db.session, conference.id, user.id)
    # The PDF's links and the report's address are built as in a request to the public site.
    base = current_app.config.get("PUBLIC_URL") or "http://localhost"
    with current_app.test_request_context("/", base_url=base):
        try:
            row = publish_report(db.session, user, membership, conference, now=utcnow(), note=note,
                                 pdf_renderer=render_pdf, url=conference_url(conference))
        except DomainError as exc:
            db.session.rollback()
            raise click.ClickException(f"not published: {exc}") from exc
        db.session.commit()
    click.echo(f"Published version {row.version} of the report of {slug} "
               f"(SHA-256 {row.content_sha256}, PDF of {len(row.pdf or b'') // 1024} KiB).")

"""`flask backup create|restore` and `flask privacy purge`."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup
from sqlalchemy.exc import DBAPIError

from app.audit.services import verify_chain
from app.conferences.queries import get_conference
from app.db import utcnow
from app.extensions import db
from app.maintenance.backup import BackupError, create_backup, restore_backup
from app.maintenance.privacy import PurgeRefused, purge_conference

backup_cli = AppGroup("backup", help="Back up and restore the database.")
privacy_cli = AppGroup("privacy", help="Personal data (LGPD).")


def _url() -> str:
    return current_app.config["SQLALCHEMY_DATABASE_URI"]


@backup_cli.command("create")
@click.argument("path", required=False, type=click.Path(dir_okay=False, path_type=Path))
def backup_create(path: Path | None) -> None:
    """Write a consistent copy of the database (default: instance/backups/plenaria-<time>)."""
    stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%SZ")
    suffix = ".db" if _url().startswith("sqlite") else ".dump"
    target = path or Path(current_app.instance_path) / "backups" / f"plenaria-{stamp}{suffix}"
    try:
        report = verify_chain(db.session)
    except DBAPIError as exc:
        raise click.ClickException(f"the database cannot be read: {exc.orig}") from exc
    finally:
        db.session.remove()
    try:
        create_backup(_url(), target)
    except BackupError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(f"Backup written to {target} (audit chain: {report.events} events, "
               f"{'intact' if report.ok else f'BROKEN at event {report.broken_seq}'})")


@backup_cli.command("restore")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
def backup_restore(path: Path, yes: bool) -> None:
    """Replace the database's content with a backup, then verify the audit chain."""
    if not yes:
        click.confirm("This replaces everything in the database. Stop the app first. Continue?", abort=True)
    db.session.remove()
    db.engine.dispose()
    try:
        restore_backup(_url(), path)
    except BackupError as exc:
        raise click.ClickException(f"not restored: {exc}") from exc
    report = verify_chain(db.session)
    if not report.ok:
        click.echo(f"Restored, but the audit chain is BROKEN at event {report.broken_seq}: {report.reason}. "
                   "The restored data may have been altered: keep the app stopped and compare with another "
                   "backup.", err=True)
        raise SystemExit(1)
    click.echo(f"Restored from {path}; audit chain intact ({report.events} events).")


@privacy_cli.command("purge")
@click.argument("slug")
@click.option("--retention-days", type=click.IntRange(min=0), default=None,
              help="Days to keep personal data after the report's publication (default: PRIVACY_RETENTION_DAYS).")
@click.option("--dry-run", is_flag=True, help="Only say what would be anonymised.")
def privacy_purge(slug: str, retention_days: int | None, dry_run: bool) -> None:
    """Anonymise a conference's participants once its report is published and the retention period is over."""
    conference = get_conference(db.session, slug)
    if conference is None:
        raise click.ClickException(f"no conference with slug {slug!r}")
    days = current_app.config["PRIVACY_RETENTION_DAYS"] if retention_days is None else retention_days
    try:
        result = purge_conference(db.session, conference, retention_days=days, now=utcnow(), dry_run=dry_run)
    except PurgeRefused as exc:
        db.session.rollback()
        raise click.ClickException(f"not purged: {exc}") from exc
    if dry_run:
        db.session.rollback()
    else:
        db.session.commit()
    verb = "would be" if dry_run else "were"
    click.echo(f"{result.participations} participations {verb} anonymised, {result.accounts} accounts closed, "
               f"{result.ballots_unlinked} named ballots unlinked from their voters, "
               f"{result.reports_deleted} comment reports deleted.")

"""`flask audit verify`: exits 0 on an intact chain, 1 naming the first broken event."""

from __future__ import annotations

import click
from flask.cli import AppGroup

from app.audit.services import verify_chain
from app.extensions import db

audit_cli = AppGroup("audit", help="Audit log commands.")


@audit_cli.command("verify")
def verify_command() -> None:
    """Check every stored audit event against the hash chain."""
    report = verify_chain(db.session)
    if report.ok:
        click.echo(f"OK: {report.events} events, last hash {report.last_hash}")
        return
    click.echo(
        f"BROKEN at event {report.broken_seq}: {report.reason} "
        f"({report.events} events verified before it)",
        err=True,
    )
    raise SystemExit(1)

"""Command-line entry points registered on the app (`flask ...`)."""

from __future__ import annotations

from flask import Flask

from app.audit.cli import audit_cli
from app.auth.cli import users_cli
from app.demo.cli import demo_command
from app.maintenance.cli import backup_cli, privacy_cli
from app.reports.cli import report_cli


def register_cli(app: Flask) -> None:
    app.cli.add_command(audit_cli)
    app.cli.add_command(demo_command)
    app.cli.add_command(users_cli)
    app.cli.add_command(backup_cli)
    app.cli.add_command(privacy_cli)
    app.cli.add_command(report_cli)

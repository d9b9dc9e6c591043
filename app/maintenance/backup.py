"""Backups: SQLite's online backup API, or pg_dump/pg_restore for PostgreSQL.

A restore is only accepted when the restored audit chain verifies.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess  # noqa: S404 - runs pg_dump/pg_restore with fixed arguments, no shell
from pathlib import Path

from sqlalchemy.engine import URL, make_url


class BackupError(Exception):
    pass


def _sqlite_path(url: URL) -> Path:
    if not url.database or url.database == ":memory:":
        raise BackupError("an in-memory SQLite database cannot be backed up")
    return Path(url.database)


def _pg_env(url: URL) -> dict[str, str]:
    env = dict(os.environ)
    if url.password:
        env["PGPASSWORD"] = str(url.password)
    return env


def _pg_args(url: URL) -> list[str]:
    args = ["--host", url.host or "127.0.0.1", "--port", str(url.port or 5432), "--dbname", url.database or ""]
    if url.username:
        args += ["--username", url.username]
    return args


def _tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        raise BackupError(f"{name} was not found on this machine (install the PostgreSQL client tools)")
    return path


def create_backup(database_url: str, target: Path) -> Path:
    url = make_url(database_url)
    target.parent.mkdir(parents=True, exist_ok=True)
    if url.get_backend_name() == "sqlite":
        source = sqlite3.connect(str(_sqlite_path(url)))
        try:
            destination = sqlite3.connect(str(target))
            try:
                source.backup(destination)  # consistent even while the app is writing
            finally:
                destination.close()
        finally:
            source.close()
        return target
    if url.get_backend_name() == "postgresql":
        result = subprocess.run(  # noqa: S603 - fixed argument list
            [_tool("pg_dump"), "--format=custom", "--no-owner", "--file", str(target), *_pg_args(url)],
            env=_pg_env(url), capture_output=True, text=True, check=False)
        if result.returncode != 0:
            raise BackupError(f"pg_dump failed: {result.stderr.strip()}")
        return target
    raise BackupError(f"unsupported database: {url.get_backend_name()}")


def restore_backup(database_url: str, source: Path) -> None:
    """Replace the database's content with the backup's (the app must be stopped)."""
    if not source.is_file():
        raise BackupError(f"no backup file at {source}")
    url = make_url(database_url)
    if url.get_backend_name() == "sqlite":
        try:
            backup = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
            backup.execute("SELECT count(*) FROM sqlite_master").fetchone()
        except sqlite3.DatabaseError as exc:
            raise BackupError(f"{source} is not an SQLite database: {exc}") from exc
        try:
            destination = sqlite3.connect(str(_sqlite_path(url)))
            try:
                backup.backup(destination)
            finally:
                destination.close()
        finally:
            backup.close()
        return
    if url.get_backend_name() == "postgresql":
        result = subprocess.run(  # noqa: S603 - fixed argument list
            [_tool("pg_restore"), "--clean", "--if-exists", "--no-owner", "--single-transaction", *_pg_args(url),
             str(source)],
            env=_pg_env(url), capture_output=True, text=True, check=False)
        if result.returncode != 0:
            raise BackupError(f"pg_restore failed: {result.stderr.strip()}")
        return
    raise BackupError(f"unsupported database: {url.get_backend_name()}")

"""Backups: SQLite's online backup API, or pg_dump/pg_restore for PostgreSQL.

A backup is written next to its final name and renamed when complete, so an interrupted
one never replaces a good file. A restore first checks the file (an SQLite backup must pass
`PRAGMA integrity_check` and hold Plenária's tables; a PostgreSQL archive must be readable
and hold them too) and replaces the database's content in one transaction, so a damaged
file is refused and leaves the database as it was. The CLI then verifies the restored
audit chain (app/maintenance/cli.py).
"""

from __future__ import annotations

import contextlib
import os
import shutil
import sqlite3
import subprocess  # noqa: S404 - runs pg_dump/pg_restore with fixed arguments, no shell
from pathlib import Path

from sqlalchemy.engine import URL, make_url

# Tables that every Plenária database has since its first migration: a file without them
# is not a backup of this application (restoring it would wipe the database for nothing).
REQUIRED_TABLES = ("audit_events", "audit_head", "conferences", "users")


class BackupError(Exception):
    pass


def _sqlite_path(url: URL) -> Path:
    database = url.database or ""
    if not database or database == ":memory:" or "mode=memory" in database:
        raise BackupError("an in-memory SQLite database cannot be backed up")
    if database.startswith("file:"):  # a URI filename (sqlite:///file:/path?mode=ro&uri=true)
        database = database[len("file:"):].split("?", 1)[0]
    return Path(database)


def _readonly_uri(path: Path) -> str:
    return path.resolve().as_uri() + "?mode=ro"


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


def _short(text: str, lines: int = 5) -> str:
    kept = [line for line in text.strip().splitlines() if line.strip()]
    return "\n".join(kept[:lines]) + ("\n…" if len(kept) > lines else "")


def _partial(target: Path) -> Path:
    return target.with_name(f".{target.name}.partial")


def create_backup(database_url: str, target: Path) -> Path:
    url = make_url(database_url)
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = _partial(target)
    with contextlib.suppress(FileNotFoundError):
        partial.unlink()
    try:
        if url.get_backend_name() == "sqlite":
            _sqlite_backup(_sqlite_path(url), partial)
        elif url.get_backend_name() == "postgresql":
            result = subprocess.run(  # noqa: S603 - fixed argument list
                [_tool("pg_dump"), "--format=custom", "--no-owner", "--file", str(partial), *_pg_args(url)],
                env=_pg_env(url), capture_output=True, text=True, check=False)
            if result.returncode != 0:
                raise BackupError(f"pg_dump failed: {_short(result.stderr)}")
        else:
            raise BackupError(f"unsupported database: {url.get_backend_name()}")
        os.replace(partial, target)  # complete: only now does it take the name
    finally:
        with contextlib.suppress(FileNotFoundError):
            partial.unlink()
    return target


def _sqlite_backup(source_path: Path, partial: Path) -> None:
    if not source_path.is_file():  # sqlite3.connect would create an empty database and back that up
        raise BackupError(f"no SQLite database at {source_path}")
    # (consistent even while the app is writing)
    _sqlite_copy(sqlite3.connect(str(source_path)), partial, "the SQLite backup failed")


def _sqlite_copy(source: sqlite3.Connection, target: Path, failure: str) -> None:
    """SQLite's online backup API from an open database into the file ``target`` (one write
    transaction there); closes both, and turns any database error into a BackupError."""
    try:
        destination = sqlite3.connect(str(target))
        try:
            source.backup(destination)
        finally:
            destination.close()
    except sqlite3.DatabaseError as exc:
        raise BackupError(f"{failure}: {exc}") from exc
    finally:
        source.close()


def check_sqlite_backup(source: Path) -> sqlite3.Connection:
    """Open the backup read-only and check it whole; return the open connection."""
    try:
        backup = sqlite3.connect(_readonly_uri(source), uri=True)
    except sqlite3.DatabaseError as exc:
        raise BackupError(f"{source} cannot be opened as an SQLite database: {exc}") from exc
    try:
        problems = [row[0] for row in backup.execute("PRAGMA integrity_check")]
        if problems != ["ok"]:
            raise BackupError(f"{source} is damaged (SQLite integrity check): {'; '.join(problems[:3])}")
        tables = {row[0] for row in backup.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    except sqlite3.DatabaseError as exc:
        backup.close()
        raise BackupError(f"{source} is not an SQLite database, or is damaged: {exc}") from exc
    except BackupError:
        backup.close()
        raise
    missing = [name for name in REQUIRED_TABLES if name not in tables]
    if missing:
        backup.close()
        raise BackupError(f"{source} is not a Plenária backup (no {', '.join(missing)} table)")
    return backup


def check_pg_archive(source: Path, url: URL) -> None:
    """The archive's table of contents must be readable and list Plenária's tables' data."""
    listing = subprocess.run(  # noqa: S603 - fixed argument list
        [_tool("pg_restore"), "--list", str(source)], env=_pg_env(url), capture_output=True, text=True, check=False)
    if listing.returncode != 0:
        raise BackupError(f"{source} is not a readable pg_dump archive: {_short(listing.stderr)}")
    missing = [name for name in REQUIRED_TABLES if f"TABLE DATA public {name} " not in listing.stdout]
    if missing:
        raise BackupError(f"{source} is not a Plenária backup (no {', '.join(missing)} table)")


def restore_backup(database_url: str, source: Path) -> None:
    """Replace the database's content with the backup's (the app must be stopped). A file
    that fails its checks, or a restore that fails half-way, leaves the database as it was."""
    if not source.is_file():
        raise BackupError(f"no backup file at {source}")
    url = make_url(database_url)
    if url.get_backend_name() == "sqlite":
        _sqlite_copy(check_sqlite_backup(source), _sqlite_path(url),
                     "the restore failed, the database was left as it was")
        return
    if url.get_backend_name() == "postgresql":
        check_pg_archive(source, url)
        result = subprocess.run(  # noqa: S603 - fixed argument list
            [_tool("pg_restore"), "--clean", "--if-exists", "--no-owner", "--single-transaction",
             "--exit-on-error", *_pg_args(url), str(source)],
            env=_pg_env(url), capture_output=True, text=True, check=False)
        if result.returncode != 0:
            raise BackupError(f"pg_restore failed, the database was left as it was: {_short(result.stderr)}")
        return
    raise BackupError(f"unsupported database: {url.get_backend_name()}")

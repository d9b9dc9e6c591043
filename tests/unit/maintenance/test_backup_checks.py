"""The checks of app/maintenance/backup.py that need no server (the round trips on both
databases are in tests/faults/test_backup.py): what is refused, and that a refused or
failed backup leaves neither the database nor an older backup file damaged."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from app.maintenance.backup import BackupError, create_backup, restore_backup


def plenaria_like(path: Path, marker: str = "original") -> None:
    conn = sqlite3.connect(path)
    for table in ("audit_events", "audit_head", "conferences", "users"):
        conn.execute(f"CREATE TABLE {table} (id INTEGER PRIMARY KEY, note TEXT)")
    conn.execute("INSERT INTO conferences (note) VALUES (?)", (marker,))
    conn.commit()
    conn.close()


def marker(path: Path) -> str:
    conn = sqlite3.connect(path)
    try:
        return conn.execute("SELECT note FROM conferences").fetchone()[0]
    finally:
        conn.close()


def test_an_in_memory_database_cannot_be_backed_up(tmp_path):
    with pytest.raises(BackupError, match="in-memory"):
        create_backup("sqlite://", tmp_path / "b.db")


def test_a_missing_sqlite_file_is_not_backed_up_as_an_empty_database(tmp_path):
    with pytest.raises(BackupError, match="no SQLite database at"):
        create_backup(f"sqlite:///{tmp_path / 'missing.db'}", tmp_path / "b.db")
    assert not (tmp_path / "missing.db").exists() and not (tmp_path / "b.db").exists()


def test_unsupported_databases_are_refused(tmp_path):
    with pytest.raises(BackupError, match="unsupported database: mysql"):
        create_backup("mysql://u@localhost/x", tmp_path / "b")
    (tmp_path / "b").write_bytes(b"x")
    with pytest.raises(BackupError, match="unsupported database: mysql"):
        restore_backup("mysql://u@localhost/x", tmp_path / "b")


def test_backup_of_a_uri_filename_and_round_trip(tmp_path):
    live = tmp_path / "dir with space" / "live.db"
    live.parent.mkdir()
    plenaria_like(live)
    target = tmp_path / "backups" / "b.db"
    assert create_backup(f"sqlite:///file:{live}?mode=ro&uri=true", target) == target
    assert marker(target) == "original"
    assert [p.name for p in target.parent.iterdir()] == ["b.db"]  # no partial file left behind
    restore_backup(f"sqlite:///{live}", target)
    assert marker(live) == "original"


def test_a_failed_backup_keeps_the_previous_file(tmp_path, monkeypatch):
    live = tmp_path / "live.db"
    plenaria_like(live, "new")
    target = tmp_path / "nightly.db"
    plenaria_like(target, "last night")

    def broken_backup(self, target, **kwargs):  # type: ignore[no-untyped-def]
        target.execute("CREATE TABLE half (x)")
        raise sqlite3.OperationalError("database or disk is full")

    monkeypatch.setattr(sqlite3, "Connection", type("Broken", (sqlite3.Connection,), {"backup": broken_backup}))
    original_connect = sqlite3.connect
    monkeypatch.setattr(sqlite3, "connect", lambda *a, **k: original_connect(*a, factory=sqlite3.Connection, **k))
    with pytest.raises(BackupError, match="disk is full"):
        create_backup(f"sqlite:///{live}", target)
    monkeypatch.undo()
    assert marker(target) == "last night"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["live.db", "nightly.db"]


@pytest.mark.parametrize("content, message", [
    (b"", "not a Plenária backup"),                       # an empty file opens as an empty database
    (b"not a database at all\n" * 100, "not an SQLite database"),
])
def test_files_that_are_not_backups_are_refused_and_the_database_kept(tmp_path, content, message):
    live = tmp_path / "live.db"
    plenaria_like(live)
    bad = tmp_path / "bad.db"
    bad.write_bytes(content)
    with pytest.raises(BackupError, match=message):
        restore_backup(f"sqlite:///{live}", bad)
    assert marker(live) == "original"


def test_another_applications_sqlite_file_is_refused(tmp_path):
    live = tmp_path / "live.db"
    plenaria_like(live)
    other = tmp_path / "other.db"
    conn = sqlite3.connect(other)
    conn.execute("CREATE TABLE notes (x)")
    conn.commit()
    conn.close()
    with pytest.raises(BackupError, match="not a Plenária backup .no audit_events, audit_head, conferences, users"):
        restore_backup(f"sqlite:///{live}", other)
    assert marker(live) == "original"


def test_a_damaged_sqlite_backup_is_refused(tmp_path):
    backup = tmp_path / "b.db"
    plenaria_like(backup)
    conn = sqlite3.connect(backup)
    conn.executemany("INSERT INTO users (note) VALUES (?)", [("x" * 500,) for _ in range(200)])
    conn.commit()
    conn.close()
    data = bytearray(backup.read_bytes())
    page = 4096
    for number in range(2, len(data) // page):  # every b-tree page header but the first page's
        for offset in range(number * page, number * page + 8):
            data[offset] ^= 0x5A
    backup.write_bytes(bytes(data))
    live = tmp_path / "live.db"
    plenaria_like(live)
    with pytest.raises(BackupError, match="damaged|not an SQLite database"):
        restore_backup(f"sqlite:///{live}", backup)
    assert marker(live) == "original"


def test_a_missing_backup_file(tmp_path):
    with pytest.raises(BackupError, match="no backup file at"):
        restore_backup(f"sqlite:///{tmp_path / 'live.db'}", tmp_path / "nope.db")

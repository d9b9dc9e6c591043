"""Fast bulk writes for generated data: COPY on PostgreSQL, executemany on SQLite."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

CHUNK = 20_000


def insert_rows(conn: Connection, table: sa.Table, columns: Sequence[str], rows: Iterable[Sequence[Any]]) -> int:
    """Insert rows (tuples in ``columns`` order) with explicit ids; returns how many."""
    if conn.dialect.name == "postgresql":
        return _copy(conn, table, columns, rows)
    count = 0
    batch: list[dict[str, Any]] = []
    for row in rows:
        batch.append(dict(zip(columns, row, strict=True)))
        if len(batch) >= CHUNK:
            conn.execute(table.insert(), batch)
            count += len(batch)
            batch = []
    if batch:
        conn.execute(table.insert(), batch)
        count += len(batch)
    return count


def _copy(conn: Connection, table: sa.Table, columns: Sequence[str], rows: Iterable[Sequence[Any]]) -> int:
    raw = conn.connection.dbapi_connection
    count = 0
    statement = f"COPY {table.name} ({', '.join(columns)}) FROM STDIN"
    with raw.cursor() as cursor, cursor.copy(statement) as copy:  # type: ignore[union-attr]
        for row in rows:
            copy.write_row([getattr(v, "value", v) for v in row])
            count += 1
    return count


def next_id(conn: Connection, table: sa.Table) -> int:
    return (conn.scalar(sa.select(sa.func.max(table.c.id))) or 0) + 1


def fix_sequences(conn: Connection, tables: Iterable[sa.Table]) -> None:
    """After explicit ids, move PostgreSQL's sequences past them."""
    if conn.dialect.name != "postgresql":
        return
    for table in tables:
        if "id" in table.c:
            statement = (f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'), "  # noqa: S608
                         f"GREATEST((SELECT COALESCE(max(id), 0) FROM {table.name}), 1))")  # our own table names
            conn.exec_driver_sql(statement)

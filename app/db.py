"""Declarative base, shared column types and the engine settings both databases need.

SQLite is the embedded default (WAL, foreign keys on, a busy timeout, and write
transactions that take the write lock when they begin, so two writers queue instead of
failing with "database is locked"); PostgreSQL is production. Nothing here may work on
one of them only.
"""

from __future__ import annotations

import datetime as dt
import enum
from contextvars import ContextVar
from typing import Any, TypeVar

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlalchemy.orm import DeclarativeBase, mapped_column
from sqlalchemy.types import TypeDecorator

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = sa.MetaData(naming_convention=NAMING_CONVENTION)


class UTCDateTime(TypeDecorator):
    """A timezone-aware datetime, stored in UTC on both databases, read back aware."""

    impl = sa.DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: dt.datetime | None, dialect: Any) -> dt.datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTCDateTime column")
        value = value.astimezone(dt.UTC)
        if dialect.name == "sqlite":
            return value.replace(tzinfo=None)
        return value

    def process_result_value(self, value: dt.datetime | None, dialect: Any) -> dt.datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=dt.UTC)
        return value.astimezone(dt.UTC)


E = TypeVar("E", bound=enum.Enum)


def enum_type(enum_cls: type[E], name: str) -> sa.Enum:
    """A portable enum: a VARCHAR holding the values plus a named CHECK constraint."""
    return sa.Enum(
        enum_cls,
        name=name,
        native_enum=False,
        create_constraint=True,
        length=max(len(m.value) for m in enum_cls) + 4,
        values_callable=lambda members: [m.value for m in members],
        validate_strings=True,
    )


def enum_column(enum_cls: type[E], name: str, **kwargs: Any) -> Any:
    return mapped_column(enum_type(enum_cls, name), **kwargs)


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


# --- SQLite transaction handling -------------------------------------------------------
# pysqlite's own transaction handling is switched off so that SQLAlchemy's BEGIN,
# SAVEPOINT and our BEGIN IMMEDIATE are what SQLite sees (the SQLAlchemy docs' recipe).
_write_intent: ContextVar[bool] = ContextVar("sqlite_write_intent", default=True)


def set_write_intent(flag: bool) -> None:
    """Requests that only read (GET, HEAD) begin deferred transactions; all others immediate."""
    _write_intent.set(flag)


def configure_sqlite_engine(engine: Engine, busy_timeout_ms: int) -> None:
    if engine.dialect.name != "sqlite":
        return

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={int(busy_timeout_ms)}")
        if engine.url.database not in (None, "", ":memory:"):
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Any) -> None:
        connection.exec_driver_sql("BEGIN IMMEDIATE" if _write_intent.get() else "BEGIN")


def render_migration_item(type_: str, obj: Any, autogen_context: Any) -> str | bool:
    """Migrations spell our UTCDateTime as a plain timezone-aware DateTime (no app import)."""
    if type_ == "type" and isinstance(obj, UTCDateTime):
        return "sa.DateTime(timezone=True)"
    return False

"""The lock that orders ballots and a round's state changes.

On PostgreSQL, a transaction-scoped advisory lock per round: ballots take it shared,
state changes (open, close, counts…) exclusive. Unlike row share locks, advisory locks
queue in arrival order, so a waiting close is not starved by a steady stream of ballots:
ballots that arrive after the close request wait for it and then see the round closed.
On SQLite every write transaction already begins with the database's write lock
(BEGIN IMMEDIATE, see app/db.py), which orders them the same way.
"""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import Session

ROUND_LOCK_NAMESPACE = 0x504C_0001  # "PL" + 1: this app's advisory-lock space for rounds


def _key(round_id: int) -> sa.ColumnElement:
    return sa.cast(sa.literal((ROUND_LOCK_NAMESPACE << 32) | round_id), sa.BigInteger)


def _postgres(session: Session) -> bool:
    return session.get_bind().dialect.name == "postgresql"


def lock_round_for_ballot(session: Session, round_id: int) -> None:
    if _postgres(session):
        session.execute(sa.select(sa.func.pg_advisory_xact_lock_shared(_key(round_id))))


def lock_round_for_change(session: Session, round_id: int) -> None:
    if _postgres(session):
        session.execute(sa.select(sa.func.pg_advisory_xact_lock(_key(round_id))))

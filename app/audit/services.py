"""Writing and verifying the audit hash chain.

Each event's hash covers the previous event's hash and the event's own fields, so
altering, deleting or reordering a stored event breaks the chain from that point on.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from app.audit.models import GENESIS_HASH, AuditEvent, AuditHead


def canonical_json(data: dict[str, Any]) -> str:
    return json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)


def event_hash(
    *,
    prev_hash: str,
    seq: int,
    created_at: dt.datetime,
    actor_id: int | None,
    conference_id: int | None,
    action: str,
    subject_type: str,
    subject_id: int | None,
    data: str,
) -> str:
    parts = [
        prev_hash,
        str(seq),
        created_at.astimezone(dt.UTC).isoformat(timespec="microseconds"),
        "" if actor_id is None else str(actor_id),
        "" if conference_id is None else str(conference_id),
        action,
        subject_type,
        "" if subject_id is None else str(subject_id),
        data,
    ]
    return hashlib.sha256("\x1f".join(parts).encode("utf-8")).hexdigest()


def _hash_of(event: AuditEvent) -> str:
    return event_hash(
        prev_hash=event.prev_hash,
        seq=event.seq,
        created_at=event.created_at,
        actor_id=event.actor_id,
        conference_id=event.conference_id,
        action=event.action,
        subject_type=event.subject_type,
        subject_id=event.subject_id,
        data=event.data,
    )


def record_event(
    session: Session,
    *,
    actor_id: int | None,
    action: str,
    subject_type: str,
    subject_id: int | None,
    now: dt.datetime,
    conference_id: int | None = None,
    data: dict[str, Any] | None = None,
) -> AuditEvent:
    """Append one event. Takes the chain head's row lock until the transaction ends."""
    head = session.get(AuditHead, 1, with_for_update=True, populate_existing=True)
    if head is None:  # created by the migration (and by create_all in tests)
        raise RuntimeError("the audit chain head row is missing; run `flask db upgrade`")
    if now.tzinfo is None:
        raise ValueError("audit events need an aware datetime")
    created_at = now.astimezone(dt.UTC)
    event = AuditEvent(
        seq=head.last_seq + 1,
        created_at=created_at,
        actor_id=actor_id,
        conference_id=conference_id,
        action=action,
        subject_type=subject_type,
        subject_id=subject_id,
        data=canonical_json(data or {}),
        prev_hash=head.last_hash,
    )
    event.hash = _hash_of(event)
    session.add(event)
    head.last_seq = event.seq
    head.last_hash = event.hash
    session.flush()
    return event


@dataclass(frozen=True)
class ChainReport:
    ok: bool
    events: int
    last_hash: str
    broken_seq: int | None = None
    reason: str = ""


def verify_chain(session: Session, batch: int = 1000) -> ChainReport:
    """Walk the whole chain in order and report the first event that does not fit."""
    result = session.scalars(
        sa.select(AuditEvent).order_by(AuditEvent.seq).execution_options(yield_per=batch)
    )
    try:
        report = _walk(result)
    finally:
        result.close()  # a server-side cursor on PostgreSQL; never leave it open
    if not report.ok:
        return report
    head = session.get(AuditHead, 1)
    if head is not None and (head.last_seq != report.events or head.last_hash != report.last_hash):
        return ChainReport(False, report.events, report.last_hash, report.events + 1,
                           "the chain head does not match the last event (events removed from the end?)")
    return report


def _walk(events: Iterable[AuditEvent]) -> ChainReport:
    expected_prev = GENESIS_HASH
    expected_seq = 1
    count = 0
    for event in events:
        if event.seq != expected_seq:
            return ChainReport(False, count, expected_prev, expected_seq, "event missing (deleted?)")
        if event.prev_hash != expected_prev:
            return ChainReport(False, count, expected_prev, event.seq, "link to the previous event broken")
        if _hash_of(event) != event.hash:
            return ChainReport(False, count, expected_prev, event.seq, "content altered")
        expected_prev = event.hash
        expected_seq += 1
        count += 1
    return ChainReport(True, count, expected_prev)


def last_event(session: Session) -> AuditEvent | None:
    return session.scalars(sa.select(AuditEvent).order_by(AuditEvent.seq.desc()).limit(1)).first()

import datetime as dt

import pytest
import sqlalchemy as sa

from app.audit.models import AuditEvent, AuditHead
from app.audit.services import record_event, verify_chain

NOW = dt.datetime(2026, 11, 25, 12, 0, tzinfo=dt.UTC)


def _record(session, n=3):
    for i in range(n):
        record_event(session, actor_id=None, action=f"test.{i}", subject_type="thing", subject_id=i,
                     now=NOW + dt.timedelta(seconds=i), data={"i": i, "texto": "ação"})


def test_intact_chain_verifies(session):
    _record(session, 5)
    report = verify_chain(session)
    assert report.ok
    assert report.events == 5
    head = session.get(AuditHead, 1)
    assert head.last_seq == 5 and head.last_hash == report.last_hash


def test_each_event_links_to_the_previous(session):
    _record(session, 3)
    events = session.scalars(sa.select(AuditEvent).order_by(AuditEvent.seq)).all()
    assert [e.seq for e in events] == [1, 2, 3]
    assert events[0].prev_hash == "0" * 64
    assert events[1].prev_hash == events[0].hash
    assert events[2].prev_hash == events[1].hash


def test_altered_data_is_named(session):
    _record(session, 4)
    session.execute(sa.update(AuditEvent).where(AuditEvent.seq == 2).values(data='{"i":99}'))
    session.expire_all()
    report = verify_chain(session)
    assert not report.ok
    assert report.broken_seq == 2
    assert "altered" in report.reason


def test_altered_actor_is_detected(session, make):
    user = make.user()
    _record(session, 2)
    session.execute(sa.update(AuditEvent).where(AuditEvent.seq == 1).values(actor_id=user.id))
    session.expire_all()
    assert verify_chain(session).broken_seq == 1


def test_deleted_event_in_the_middle_is_named(session):
    _record(session, 4)
    session.execute(sa.delete(AuditEvent).where(AuditEvent.seq == 3))
    session.expire_all()
    report = verify_chain(session)
    assert not report.ok
    assert report.broken_seq == 3


def test_deleted_last_event_is_detected_through_the_head(session):
    _record(session, 3)
    session.execute(sa.delete(AuditEvent).where(AuditEvent.seq == 3))
    session.expire_all()
    report = verify_chain(session)
    assert not report.ok


def test_rewritten_chain_tail_still_breaks_at_the_head(session):
    """Recomputing one event's hash is not enough: the next event's link breaks."""
    _record(session, 3)
    event = session.get(AuditEvent, 2)
    event.data = '{"i":42}'
    from app.audit.services import _hash_of

    event.hash = _hash_of(event)
    session.flush()
    report = verify_chain(session)
    assert not report.ok and report.broken_seq == 3


def test_naive_timestamps_are_refused(session):
    with pytest.raises(ValueError):
        record_event(session, actor_id=None, action="x", subject_type="y", subject_id=None,
                     now=dt.datetime(2026, 1, 1))


def test_cli_verify_exit_codes(runner, session):
    _record(session, 2)
    result = runner.invoke(args=["audit", "verify"])
    assert result.exit_code == 0, result.output
    assert "OK: 2 events" in result.output
    session.execute(sa.update(AuditEvent).where(AuditEvent.seq == 1).values(action="forged"))
    session.expire_all()
    result = runner.invoke(args=["audit", "verify"])
    assert result.exit_code == 1
    assert "BROKEN at event 1" in result.output

"""Golden files of the final report: a fixed conference built through the services with a
fixed clock (tests/unit/reports/scenario.py), published, and its JSON and CSV compared
byte for byte with tests/golden/report.json and tests/golden/report.csv.

What may differ between runs is normalised before comparing and checked on its own: the
integrity block (the sequence number and hash of the last audit event) depends on the
database ids written into the audit events, and PostgreSQL does not roll its sequences back
between tests. Nothing else in the report may depend on ids (a test asserts it has none).

To regenerate the golden files after an intended change of the report:

    UPDATE_GOLDEN=1 .venv/bin/pytest tests/golden

then read the diff (git diff tests/golden) before committing it.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import sqlalchemy as sa

from app.audit.models import AuditEvent
from app.audit.services import verify_chain
from app.reports.render import to_csv, to_json
from tests.unit.reports import scenario

HERE = Path(__file__).resolve().parent
UPDATE = os.environ.get("UPDATE_GOLDEN") == "1"
NORMALISED_SEQ = 0
NORMALISED_HASH = "<hash of the last audit event: checked separately>"


def normalised(report: dict) -> dict:
    copy = json.loads(json.dumps(report))
    copy["integrity"]["audit_last_seq"] = NORMALISED_SEQ
    copy["integrity"]["audit_last_hash"] = NORMALISED_HASH
    return copy


def compare(name: str, text: str) -> None:
    path = HERE / name
    if UPDATE:
        path.write_bytes(text.encode("utf-8"))
    expected = path.read_bytes()
    assert text.encode("utf-8") == expected, f"{name} differs from the golden file (UPDATE_GOLDEN=1 to regenerate)"


def _keys(value):
    if isinstance(value, dict):
        for key, inner in value.items():
            yield key
            yield from _keys(inner)
    elif isinstance(value, list):
        for inner in value:
            yield from _keys(inner)


def test_published_report_matches_the_golden_files(session, make):
    s = scenario.build(session, make)
    row = s.publish()
    report = json.loads(row.content)

    assert row.content == to_json(report)  # stored canonical, as served
    assert not [k for k in _keys(report) if k == "id" or k.endswith("_id")]
    compare("report.json", to_json(normalised(report)))
    compare("report.csv", to_csv(report))

    # The integrity block, on its own: the last audit event before publication, in an intact chain.
    integrity = report["integrity"]
    event = session.get(AuditEvent, integrity["audit_last_seq"])
    assert event is not None and event.hash == integrity["audit_last_hash"]
    following = session.scalars(sa.select(AuditEvent).where(AuditEvent.seq > event.seq)).all()
    assert [e.action for e in following] == ["report.published"]
    assert integrity["generated_at"] == report["generated_at"] == "2019-10-01T09:00:00-03:00"
    assert verify_chain(session).ok


def test_the_same_data_gives_the_same_bytes(session, make):
    s = scenario.build(session, make)
    from app.reports.services import draft_report

    first = draft_report(session, s.conference, now=scenario.GENERATED_AT, url=scenario.URL)
    second = draft_report(session, s.conference, now=scenario.GENERATED_AT, url=scenario.URL)
    assert to_json(first) == to_json(second) and to_csv(first) == to_csv(second)
    assert first["status"] == "draft" and first["unresolved"] == []

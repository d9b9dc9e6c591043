"""The plain rows a report is built from (read by app/reports/data.py, built by build.py)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field


@dataclass(frozen=True)
class EixoRow:
    id: int
    number: int
    title: str
    cap_municipal: int | None
    cap_estadual: int | None
    cap_federal: int | None


@dataclass(frozen=True)
class ProposalRow:
    id: int
    code: str
    eixo_id: int
    sphere: str
    title: str
    body: str
    final_wording: str | None
    state: str
    withdrawn_reason: str | None = None
    merged_into_code: str | None = None
    origin_conference: str | None = None
    origin_code: str | None = None
    origin_url: str | None = None


@dataclass(frozen=True)
class RoundRow:
    id: int
    title: str
    kind: str
    secret: bool
    majority_rule: str
    quorum_percent: int
    quorum_needed: int
    quorum_met: bool
    electorate: int
    voters_online: int
    voters_in_person: int
    opened_at: dt.datetime
    closed_at: dt.datetime


@dataclass(frozen=True)
class ResultRow:
    round_id: int
    proposal_id: int
    yes: int
    no: int
    abstain: int
    in_person_yes: int
    in_person_no: int
    in_person_abstain: int
    outcome: str
    rank: int | None
    forwarded: bool


@dataclass(frozen=True)
class ConferenceRow:
    slug: str
    title: str
    edition: int
    sphere: str
    municipio: str | None
    uf: str
    ibge_code: str | None
    porte: str | None
    theme: str
    venue: str
    starts_at: dt.datetime
    ends_at: dt.datetime
    timezone: str
    url: str


@dataclass(frozen=True)
class ReportInput:
    conference: ConferenceRow
    eixos: tuple[EixoRow, ...]
    # (segment, credential) → participants; (segment, credential) → of them checked in
    participants: dict[tuple[str, str], int]
    checked_in: dict[tuple[str, str], int]
    proposals: tuple[ProposalRow, ...]
    rounds: tuple[RoundRow, ...]  # closed rounds only, in closing order
    results: tuple[ResultRow, ...]
    settlements: dict[int, str] = field(default_factory=dict)  # proposal id → reason "not deliberated"
    in_active_round: frozenset[int] = frozenset()  # proposals in a round not closed yet
    audit_last_seq: int = 0
    audit_last_hash: str = "0" * 64
    generated_at: dt.datetime | None = None
    version: int | None = None  # None: a draft

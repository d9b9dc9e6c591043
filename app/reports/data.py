"""Reading the rows a report is built from: a fixed number of queries whatever the size."""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from flask import url_for
from sqlalchemy.orm import Session, aliased

from app.audit.services import last_event
from app.conferences.models import Conference
from app.conferences.queries import participant_counts
from app.proposals.constants import ProposalState
from app.proposals.models import Proposal
from app.reports.inputs import ConferenceRow, EixoRow, ProposalRow, ReportInput, ResultRow, RoundRow
from app.reports.models import ProposalSettlement
from app.votes.constants import RoundState
from app.votes.models import RoundItem, RoundResult, VotingRound


def _conference_row(conference: Conference, url: str) -> ConferenceRow:
    return ConferenceRow(
        slug=conference.slug, title=conference.title, edition=conference.edition, sphere=conference.sphere.value,
        municipio=conference.municipio, uf=conference.uf, ibge_code=conference.ibge_code,
        porte=conference.porte.value if conference.porte else None, theme=conference.theme, venue=conference.venue,
        starts_at=conference.starts_at, ends_at=conference.ends_at, timezone=conference.timezone, url=url,
    )


def _proposals(session: Session, conference_id: int) -> tuple[ProposalRow, ...]:
    target = aliased(Proposal)
    rows = session.execute(
        sa.select(Proposal, target.code).outerjoin(target, target.id == Proposal.merged_into_id)
        .where(Proposal.conference_id == conference_id, Proposal.state != ProposalState.DRAFT)
        .order_by(Proposal.code)
    ).all()
    return tuple(
        ProposalRow(
            id=p.id, code=p.code, eixo_id=p.eixo_id, sphere=p.sphere.value, title=p.title, body=p.body,
            final_wording=p.final_wording, state=p.state.value, withdrawn_reason=p.withdrawn_reason,
            merged_into_code=merged_code, origin_conference=p.origin_conference, origin_code=p.origin_code,
            origin_url=p.origin_url,
        )
        for p, merged_code in rows
    )


def _rounds(session: Session, conference_id: int) -> tuple[RoundRow, ...]:
    rounds = session.scalars(
        sa.select(VotingRound)
        .where(VotingRound.conference_id == conference_id, VotingRound.state == RoundState.CLOSED)
        .order_by(VotingRound.closed_at, VotingRound.id)
    )
    return tuple(
        RoundRow(
            id=r.id, title=r.title, kind=r.kind.value, secret=r.secret, majority_rule=r.majority_rule.value,
            quorum_percent=r.quorum_percent, quorum_needed=r.quorum_needed or 0, quorum_met=bool(r.quorum_met),
            electorate=r.electorate_size or 0, voters_online=r.voters_online or 0,
            voters_in_person=r.voters_in_person or 0, opened_at=r.opened_at, closed_at=r.closed_at,
        )
        for r in rounds
    )


def _results(session: Session, conference_id: int) -> tuple[ResultRow, ...]:
    rows = session.scalars(
        sa.select(RoundResult).join(VotingRound, VotingRound.id == RoundResult.round_id)
        .where(VotingRound.conference_id == conference_id, VotingRound.state == RoundState.CLOSED)
        .order_by(RoundResult.round_id, RoundResult.proposal_id)
    )
    return tuple(
        ResultRow(
            round_id=r.round_id, proposal_id=r.proposal_id, yes=r.yes, no=r.no, abstain=r.abstain,
            in_person_yes=r.in_person_yes, in_person_no=r.in_person_no, in_person_abstain=r.in_person_abstain,
            outcome=r.outcome.value, rank=r.rank, forwarded=r.forwarded,
        )
        for r in rows
    )


def read_report_input(
    session: Session, conference: Conference, *, generated_at: dt.datetime, version: int | None = None,
    url: str | None = None,
) -> ReportInput:
    counts = participant_counts(session, conference.id)
    settlements = dict(session.execute(
        sa.select(ProposalSettlement.proposal_id, ProposalSettlement.reason)
        .join(Proposal, Proposal.id == ProposalSettlement.proposal_id)
        .where(Proposal.conference_id == conference.id)
    ).all())
    active = frozenset(session.scalars(
        sa.select(RoundItem.proposal_id).join(VotingRound, VotingRound.id == RoundItem.round_id)
        .where(VotingRound.conference_id == conference.id, VotingRound.state != RoundState.CLOSED)
    ))
    audit = last_event(session)
    return ReportInput(
        conference=_conference_row(
            conference, url or url_for("conferences.detail", slug=conference.slug, _external=True)),
        eixos=tuple(EixoRow(e.id, e.number, e.title, e.cap_municipal, e.cap_estadual, e.cap_federal)
                    for e in conference.eixos),
        participants=dict(counts.matrix),
        checked_in=dict(counts.checked_in),
        proposals=_proposals(session, conference.id),
        rounds=_rounds(session, conference.id),
        results=_results(session, conference.id),
        settlements=settlements,
        in_active_round=active,
        audit_last_seq=audit.seq if audit else 0,
        audit_last_hash=audit.hash if audit else "0" * 64,
        generated_at=generated_at,
        version=version,
    )

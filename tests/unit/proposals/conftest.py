"""Helpers of the proposals unit tests: a conference with participants, shortcuts to the
services, row counts and audit events. Every test that touches the database also checks,
on its way out, that the audit hash chain still verifies."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest
import sqlalchemy as sa

from app.audit.models import AuditEvent
from app.conferences.constants import Credential, Segment
from app.conferences.models import Conference, Eixo, Participation
from app.proposals import comments, services
from app.proposals.constants import ProposalState
from app.proposals.models import Comment, CommentReport, Proposal, ProposalVersion
from tests.unit.shared import _audit_chain_stays_valid, count  # noqa: F401 - the fixture is on for these tests

NOW = dt.datetime(2026, 9, 26, 12, 30, tzinfo=dt.UTC)
BODY = "Garantir equipe de referência completa em todos os CRAS do município."


def later(**delta: float) -> dt.datetime:
    return NOW + dt.timedelta(**delta)


def row_counts(session) -> dict[str, int]:  # type: ignore[no-untyped-def]
    """Rows of every table the proposals area writes (to assert that nothing was written)."""
    return {model.__tablename__: count(session, model)
            for model in (Proposal, ProposalVersion, Comment, CommentReport, AuditEvent)}


def events(session, action: str | None = None) -> list[AuditEvent]:  # type: ignore[no-untyped-def]
    stmt = sa.select(AuditEvent).order_by(AuditEvent.seq)
    if action is not None:
        stmt = stmt.where(AuditEvent.action == action)
    return list(session.scalars(stmt))


def data(event: AuditEvent) -> dict[str, Any]:
    return json.loads(event.data)


def versions_of(session, proposal: Proposal) -> list[ProposalVersion]:  # type: ignore[no-untyped-def]
    return list(session.scalars(
        sa.select(ProposalVersion).where(ProposalVersion.proposal_id == proposal.id).order_by(ProposalVersion.number)
    ))


class World:
    """One conference (phase proposals, 3 eixos, no per-participant limit) and shortcuts."""

    def __init__(self, session, make, conference: Conference) -> None:  # type: ignore[no-untyped-def]
        self.session = session
        self.make = make
        self.conference = conference
        self.secretary = make.secretary(conference)
        self.author = make.participation(conference, make.user("Maria Autora"))

    def eixo(self, number: int, conference: Conference | None = None) -> Eixo:
        conference = conference or self.conference
        return self.session.scalars(
            sa.select(Eixo).where(Eixo.conference_id == conference.id, Eixo.number == number)
        ).one()

    def participant(self, segment: Segment = Segment.USUARIO,
                    credential: Credential = Credential.PENDING) -> Participation:
        return self.make.participation(self.conference, segment=segment, credential=credential)

    def submit(self, membership: Participation | None = None, *, eixo: int = 1, sphere: str = "municipal",
               title: str = "Ampliar o CRAS", body: str = BODY, justification: str | None = None,
               conference: Conference | None = None, now: dt.datetime = NOW) -> Proposal:
        membership = membership or self.author
        conference = conference or self.conference
        return services.submit_proposal(
            self.session, membership.user, membership, conference, eixo_id=self.eixo(eixo, conference).id,
            sphere=sphere, title=title, body=body, justification=justification, now=now,
        )

    def comment(self, membership: Participation, proposal: Proposal, *, body: str = "Concordo.",
                stance: str | None = None, parent: Comment | None = None, now: dt.datetime = NOW) -> Comment:
        return comments.post_comment(
            self.session, membership.user, membership, proposal, body=body, stance=stance,
            parent_id=parent.id if parent is not None else None, now=now,
        )

    def force_state(self, proposal: Proposal, state: ProposalState) -> None:
        """Put a proposal in a state no service of this area reaches (in_vote, approved…)."""
        if state == ProposalState.MERGED:
            proposal.merged_into_id = self.submit(self.participant(), title="Destino").id
        proposal.state = state
        self.session.flush()

    def set_phase(self, phase: Any) -> None:
        self.conference.phase = phase
        self.session.flush()


@pytest.fixture
def world(session, make) -> World:  # type: ignore[no-untyped-def]
    return World(session, make, make.conference(proposals_per_participant=0))

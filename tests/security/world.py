"""The seeded world of the security tests: two conferences, A and B, each with its people,
proposals, a comment, a draft, an open and a closed voting round, and a published report.

A is the conference under test; B gives the "of another conference" actors and the
foreign ids that must never work through A's addresses. Both are in the voting phase (the
phase where most actions are possible); the tests switch A to another phase for the few
actions that only exist there (submitting proposals, commenting, the author's edit).

Built through the services (the factories only write the people and the empty conference),
then committed, so every request of a test sees it. Only plain values (ids, slugs, codes,
login tokens) leave this module: the tests never hold ORM objects across requests.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.orm import Session

from app.conferences import services as conference_services
from app.conferences.constants import Credential, Segment
from app.conferences.phases import Phase
from app.db import utcnow
from app.proposals import comments as comment_services
from app.proposals import services as proposal_services
from app.reports import services as report_services
from app.votes import ballots, closing, rounds
from tests.factories import Factories

# The kinds of actor of the access matrix (DESIGN.md, "Who uses it").
ANON = "anonymous"
STRANGER = "participant_elsewhere"  # a delegate of conference B, nothing in A
PENDING = "participant"  # registered in A, credential pending; author of A's proposal
OBSERVER = "observer"  # registered in A as observador; author of A's comment
DELEGATE = "delegate"  # accredited delegate of A, checked in, in the open round's electorate
OTHER_SECRETARY = "secretary_elsewhere"  # secretary of conference B
SECRETARY = "secretary"  # secretary of A
ADMIN = "admin"

ACTORS = (ANON, STRANGER, PENDING, OBSERVER, DELEGATE, OTHER_SECRETARY, SECRETARY, ADMIN)


@dataclass
class Site:
    """One conference of the world, as plain values."""

    slug: str
    conference_id: int
    eixo_ids: list[int]
    proposals: dict[str, str] = field(default_factory=dict)  # role → code
    proposal_ids: dict[str, int] = field(default_factory=dict)  # role → id
    comment_id: int = 0
    rounds: dict[str, int] = field(default_factory=dict)  # "draft" | "open" | "closed" → id
    receipt: str = ""  # the delegate's ballot in the closed round
    participations: dict[str, int] = field(default_factory=dict)  # role → participation id
    tokens: dict[str, str] = field(default_factory=dict)  # role → Flask-Login id ("user:version")
    emails: dict[str, str] = field(default_factory=dict)  # role → login e-mail (password: factories.PASSWORD)
    report_version: int = 1


@dataclass
class World:
    a: Site
    b: Site
    admin_token: str

    def token(self, actor: str) -> str | None:
        """The login token of an actor of the matrix (None: anonymous)."""
        return {
            ANON: None,
            STRANGER: self.b.tokens.get("delegate"),
            PENDING: self.a.tokens["pending"],
            OBSERVER: self.a.tokens["observer"],
            DELEGATE: self.a.tokens["delegate"],
            OTHER_SECRETARY: self.b.tokens["secretary"],
            SECRETARY: self.a.tokens["secretary"],
            ADMIN: self.admin_token,
        }[actor]


def _conference(session: Session, make: Factories, slug: str, now: dt.datetime) -> tuple[Site, dict[str, Any]]:
    conference = make.conference(phase=Phase.PROPOSALS, slug=slug, eixos=3)
    people = {
        "pending": make.participation(conference, segment=Segment.USUARIO),
        "observer": make.participation(conference, segment=Segment.TRABALHADOR, credential=Credential.OBSERVADOR,
                                       checked_in=True),
        "delegate": make.delegate(conference, segment=Segment.USUARIO),
        "secretary": make.secretary(conference),
    }
    site = Site(slug=slug, conference_id=conference.id, eixo_ids=[e.id for e in conference.eixos])
    site.participations = {role: p.id for role, p in people.items()}
    site.tokens = {role: p.user.get_id() for role, p in people.items()}
    site.emails = {role: p.user.email for role, p in people.items()}
    secretary = people["secretary"]

    def submit(role: str, author: str, eixo: int = 0, sphere: str = "municipal") -> None:
        member = people[author]
        proposal = proposal_services.submit_proposal(
            session, member.user, member, conference, eixo_id=site.eixo_ids[eixo], sphere=sphere,
            title=f"Proposta {role} de {slug}", body=f"Texto da proposta {role}.", justification=None, now=now)
        site.proposals[role] = proposal.code
        site.proposal_ids[role] = proposal.id

    submit("debated", "pending")  # E1-M-01: debated, in no round; its author is the pending participant
    submit("open", "observer")  # in the open round
    submit("closed", "delegate")  # voted and approved in the closed round
    submit("draft", "delegate")  # in the draft round
    comment = comment_services.post_comment(
        session, people["observer"].user, people["observer"], _proposal(session, site, "debated"),
        body="Um comentário do debate.", stance=None, now=now)
    site.comment_id = comment.id

    for expected in (Phase.PROPOSALS, Phase.DEBATE):
        conference_services.advance_phase(session, secretary.user, secretary, conference, expected=expected, now=now)

    def new_round(key: str, proposal_role: str):  # type: ignore[no-untyped-def]
        voting_round = rounds.create_round(session, secretary.user, secretary, conference,
                                           title=f"Rodada {key}", kind="deliberation", now=now)
        rounds.set_round_proposals(session, secretary.user, secretary, voting_round,
                                   proposal_ids=[site.proposal_ids[proposal_role]], now=now)
        site.rounds[key] = voting_round.id
        return voting_round

    closed = rounds.open_round(session, secretary.user, secretary, new_round("closed", "closed"), now=now)
    delegate = people["delegate"]
    ballot = ballots.cast_ballot(session, delegate.user, delegate, closed,
                                 choices={site.proposal_ids["closed"]: "yes"}, now=now)
    site.receipt = ballot.receipt
    closing.close_round(session, secretary.user, secretary, closed, now=now)

    # The report is published once the conference is closed; the world then goes back to the
    # voting phase, so that one conference holds a published report and live rounds.
    conference.phase = Phase.CLOSED
    session.flush()
    report_services.publish_report(session, secretary.user, secretary, conference, now=now,
                                   url=f"https://plenaria.example/conferencias/{slug}")
    conference.phase = Phase.VOTING
    session.flush()

    rounds.open_round(session, secretary.user, secretary, new_round("open", "open"), now=now)
    new_round("draft", "draft")
    return site, people


def _proposal(session: Session, site: Site, role: str):  # type: ignore[no-untyped-def]
    from app.proposals.models import Proposal

    return session.get(Proposal, site.proposal_ids[role])


def build(session: Session) -> World:
    make = Factories(session)
    now = utcnow()
    a, _ = _conference(session, make, "seguranca-a", now)
    b, b_people = _conference(session, make, "seguranca-b", now)
    # A code that exists only in B (A's proposals are all eixo 1, municipal).
    b.proposals["only_b"] = ""
    conference_b = b_people["pending"].conference
    conference_b.phase = Phase.PROPOSALS
    session.flush()
    member = b_people["pending"]
    proposal = proposal_services.submit_proposal(
        session, member.user, member, conference_b, eixo_id=b.eixo_ids[1], sphere="estadual",
        title="Proposta só de B", body="Texto.", justification=None, now=now)
    b.proposals["only_b"], b.proposal_ids["only_b"] = proposal.code, proposal.id
    conference_b.phase = Phase.VOTING
    session.flush()
    admin = make.user("Administração", admin=True)
    world = World(a=a, b=b, admin_token=admin.get_id())
    session.commit()
    return world

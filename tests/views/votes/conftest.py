"""Fixtures of the voting view tests: a conference in its voting phase with a secretary,
delegates of every segment (checked in), the people who must never vote, and shortcuts to
the round services (the services have their own unit tests)."""

from __future__ import annotations

import datetime as dt
import itertools
import re
from collections.abc import Iterable, Mapping
from typing import Any

import pytest
import sqlalchemy as sa

from app.conferences.constants import Credential, Segment
from app.conferences.phases import Phase
from app.proposals.constants import ProposalState
from app.proposals.models import Proposal
from app.votes import ballots, closing, counts, rounds
from app.votes.models import Ballot, InPersonCount, RoundVoter, Vote, VotingRound

NOW = dt.datetime(2026, 11, 25, 15, 0, tzinfo=dt.UTC)
SEGMENTS = (Segment.USUARIO, Segment.USUARIO, Segment.TRABALHADOR, Segment.ENTIDADE, Segment.GOVERNO)
_seq = itertools.count(1)





def login(client: Any, participation_or_user: Any) -> Any:
    user = getattr(participation_or_user, "user", participation_or_user)
    with client.session_transaction() as sess:
        sess["_user_id"] = user.get_id()
        sess["_fresh"] = True
    return client


def logout(client: Any) -> Any:
    with client.session_transaction() as sess:
        sess.clear()
    return client


def stored(session: Any, voting_round: VotingRound) -> dict[str, int]:
    def n(model: Any) -> int:
        return session.scalar(sa.select(sa.func.count()).select_from(model).where(model.round_id == voting_round.id))
    return {"ballots": n(Ballot), "votes": n(Vote), "voters": n(RoundVoter), "counts": n(InPersonCount)}


def receipts_in(page: str) -> list[str]:
    return re.findall(r"\b[A-Z2-9]{5}-[A-Z2-9]{5}-[A-Z2-9]{5}\b", page)


class Plenary:
    """A conference in the voting phase, its people, and shortcuts to the round services."""

    def __init__(self, session: Any, make: Any) -> None:
        self.session = session
        self.make = make
        self.conference = make.conference(phase=Phase.VOTING, slug=f"plenaria-{next(_seq)}")
        self.secretary = make.secretary(self.conference)
        self.second_secretary = make.secretary(self.conference)
        self.delegates = [make.delegate(self.conference, segment=s) for s in SEGMENTS]
        self.absent = make.delegate(self.conference, checked_in=False)
        self.observer = make.participation(self.conference, credential=Credential.OBSERVADOR, checked_in=True)
        self.guest = make.participation(self.conference, credential=Credential.CONVIDADO, checked_in=True)
        self.participant = make.participation(self.conference)
        self.other = make.conference(phase=Phase.VOTING, slug=f"outra-{next(_seq)}")
        self.outsider = make.secretary(self.other)

    @property
    def slug(self) -> str:
        return self.conference.slug

    def proposals(self, n: int, *, state: ProposalState = ProposalState.SUBMITTED, eixo: int = 1,
                  sphere: str = "municipal", conference: Any = None) -> list[Proposal]:
        conference = conference or self.conference
        eixo_row = next(e for e in conference.eixos if e.number == eixo)
        made = []
        for _ in range(n):
            k = next(_seq)
            letter = {"municipal": "M", "estadual": "E", "federal": "F"}[sphere]
            p = Proposal(conference_id=conference.id, eixo_id=eixo_row.id, sphere=sphere, sequence=k,
                         code=f"E{eixo}-{letter}-{k:03d}", title=f"Proposta número {k}",
                         body=f"Texto da proposta {k}.", state=state, search_text="")
            self.session.add(p)
            made.append(p)
        self.session.flush()
        return made

    def create(self, *, title: str = "Rodada do eixo 1", kind: str = "deliberation", **settings: Any) -> VotingRound:
        return rounds.create_round(self.session, self.secretary.user, self.secretary, self.conference,
                                   title=title, kind=kind, now=NOW, **settings)

    def prepare(self, proposals: Iterable[Proposal], **settings: Any) -> VotingRound:
        voting_round = self.create(**settings)
        return rounds.set_round_proposals(self.session, self.secretary.user, self.secretary, voting_round,
                                          proposal_ids=[p.id for p in proposals], now=NOW)

    def start(self, proposals: Iterable[Proposal], **settings: Any) -> VotingRound:
        voting_round = self.prepare(proposals, **settings)
        return rounds.open_round(self.session, self.secretary.user, self.secretary, voting_round, now=NOW)

    def add_late(self, voting_round: VotingRound, delegate: Any) -> Any:
        return rounds.add_late_delegate(self.session, self.secretary.user, self.secretary, voting_round, delegate,
                                        now=NOW)

    def vote(self, delegate: Any, voting_round: VotingRound, choices: Mapping[Proposal, str]) -> Ballot:
        return ballots.cast_ballot(self.session, delegate.user, delegate, voting_round,
                                   choices={p.id: c for p, c in choices.items()}, now=NOW)

    def count(self, voting_round: VotingRound, figures: Mapping[Proposal, tuple[int, int, int]],
              secretary: Any = None) -> VotingRound:
        secretary = secretary or self.secretary
        return counts.enter_counts(self.session, secretary.user, secretary, voting_round,
                                   counts={p.id: f for p, f in figures.items()}, now=NOW)

    def close(self, voting_round: VotingRound) -> VotingRound:
        return closing.close_round(self.session, self.secretary.user, self.secretary, voting_round, now=NOW)

    def url(self, voting_round: VotingRound | int | None = None, suffix: str = "", *, manage: bool = False) -> str:
        base = f"/conferencias/{self.slug}/{'gestao/votacoes' if manage else 'votacoes'}"
        if voting_round is None:
            return f"{base}/{suffix}"
        rid = voting_round if isinstance(voting_round, int) else voting_round.id
        return f"{base}/{rid}{'/' + suffix if suffix else ''}"


@pytest.fixture
def plenary(session, make) -> Plenary:  # type: ignore[no-untyped-def]
    return Plenary(session, make)

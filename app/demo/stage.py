"""A small toolkit for building demo conferences through the real services."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from sqlalchemy.orm import Session

from app.auth.models import User
from app.conferences import services as conference_services
from app.conferences.models import Conference, Participation
from app.conferences.phases import Phase
from app.conferences.queries import get_membership
from app.demo.accounts import DemoAccounts
from app.proposals import comments as comment_services
from app.proposals import services as proposal_services
from app.proposals.models import Comment, Proposal
from app.votes import ballots, closing, counts, rounds
from app.votes.models import VotingRound


@dataclass
class Stage:
    session: Session
    accounts: DemoAccounts
    conference: Conference
    now: dt.datetime
    proposals: dict[str, Proposal] = field(default_factory=dict)  # demo key → proposal

    @property
    def secretary(self) -> User:
        return self.accounts.secretary

    def member(self, user: User) -> Participation | None:
        return get_membership(self.session, self.conference.id, user.id)

    def person(self, login: str) -> tuple[User, Participation | None]:
        user = self.accounts.people[login]
        return user, self.member(user)

    def advance_to(self, phase: Phase) -> None:
        membership = self.member(self.secretary)
        while self.conference.phase != phase:
            conference_services.advance_phase(self.session, self.secretary, membership, self.conference,
                                              expected=self.conference.phase, now=self.now)

    def eixo_id(self, number: int) -> int:
        return next(e.id for e in self.conference.eixos if e.number == number)

    def propose(self, key: str, login: str, eixo: int, sphere: str, title: str, body: str,
                justification: str | None = None) -> Proposal:
        user, membership = self.person(login)
        proposal = proposal_services.submit_proposal(
            self.session, user, membership, self.conference, eixo_id=self.eixo_id(eixo), sphere=sphere,
            title=title, body=body, justification=justification, now=self.now)
        self.proposals[key] = proposal
        return proposal

    def comment(self, key: str, login: str, body: str, stance: str | None = None,
                reply_to: Comment | None = None) -> Comment:
        user, membership = self.person(login)
        return comment_services.post_comment(
            self.session, user, membership, self.proposals[key], body=body, stance=stance,
            parent_id=reply_to.id if reply_to else None, now=self.now)

    def round(self, title: str, keys: list[str], kind: str = "deliberation", **settings) -> VotingRound:  # type: ignore[no-untyped-def]
        membership = self.member(self.secretary)
        voting_round = rounds.create_round(self.session, self.secretary, membership, self.conference, title=title,
                                           kind=kind, now=self.now, **settings)
        rounds.set_round_proposals(self.session, self.secretary, membership, voting_round,
                                   proposal_ids=[self.proposals[k].id for k in keys], now=self.now)
        rounds.open_round(self.session, self.secretary, membership, voting_round, now=self.now)
        return voting_round

    def vote(self, voting_round: VotingRound, login: str, choices: dict[str, str]) -> None:
        user, membership = self.person(login)
        ballots.cast_ballot(self.session, user, membership, voting_round,
                            choices={self.proposals[k].id: c for k, c in choices.items()}, now=self.now)

    def in_person(self, voting_round: VotingRound, figures: dict[str, tuple[int, int, int]]) -> None:
        counts.enter_counts(self.session, self.secretary, self.member(self.secretary), voting_round,
                            counts={self.proposals[k].id: f for k, f in figures.items()}, now=self.now)

    def close(self, voting_round: VotingRound) -> None:
        closing.close_round(self.session, self.secretary, self.member(self.secretary), voting_round, now=self.now)

    def final_wording(self, key: str, text: str) -> None:
        proposal_services.set_final_wording(self.session, self.secretary, self.member(self.secretary),
                                            self.proposals[key], final_wording=text, now=self.now)


def spread(plan: list[tuple[str, int]]) -> list[str]:
    """[("yes", 3), ("no", 1)] → ["yes", "yes", "yes", "no"]: one choice per voter, in order."""
    return [choice for choice, n in plan for _ in range(n)]

"""What the concurrency tests run in their threads and processes: one "request" each,
committing like a view does (one commit; on a DomainError, a rollback), and the seeding
of a conference through the services, committed."""

from __future__ import annotations

import datetime as dt
import traceback
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from flask import Flask
from sqlalchemy.orm import Session

from app.auth.models import User
from app.conferences.constants import Segment
from app.conferences.models import Conference, Participation
from app.conferences.phases import Phase
from app.db import set_write_intent
from app.errors import DomainError
from app.extensions import db
from app.proposals.constants import ProposalState
from app.proposals.models import Proposal
from app.votes import ballots, closing, rounds
from app.votes.models import VotingRound
from tests import factories

NOW = dt.datetime(2026, 11, 25, 15, 0, tzinfo=dt.UTC)
SEGMENTS = (Segment.USUARIO, Segment.TRABALHADOR, Segment.ENTIDADE, Segment.GOVERNO)


@dataclass
class Outcome:
    """``ok``: committed (acknowledged to the user); ``refused``: a DomainError, rolled back;
    ``error``: anything else (a 500 in production: always a failure of the test)."""

    kind: str
    value: Any = None
    error: BaseException | None = None
    trace: str = ""

    def __repr__(self) -> str:
        what = self.value if self.kind == "ok" else f"{type(self.error).__name__}: {self.error}"
        return f"<{self.kind} {what}>"


def attempt(app: Flask, action: Callable[[Session], Any]) -> Outcome:
    """One request: its own app context and session, one commit."""
    with app.app_context():
        set_write_intent(True)  # a POST: on SQLite, BEGIN IMMEDIATE
        try:
            value = action(db.session)
            db.session.commit()
            return Outcome("ok", value)
        except DomainError as exc:
            db.session.rollback()
            return Outcome("refused", error=exc)
        except Exception as exc:  # noqa: BLE001 - the test asserts that none happens
            db.session.rollback()
            return Outcome("error", error=exc, trace=traceback.format_exc())
        finally:
            db.session.remove()


# --- the services as a view would call them -------------------------------------------------

def cast(participation_id: int, round_id: int, choices: dict[int, str]) -> Callable[[Session], str]:
    def action(session: Session) -> str:
        membership = session.get(Participation, participation_id)
        voting_round = session.get(VotingRound, round_id)
        assert membership is not None and voting_round is not None
        ballot = ballots.cast_ballot(session, membership.user, membership, voting_round, choices=choices, now=NOW)
        return ballot.receipt
    return action


def close(participation_id: int, round_id: int) -> Callable[[Session], str | None]:
    def action(session: Session) -> str | None:
        membership = session.get(Participation, participation_id)
        voting_round = session.get(VotingRound, round_id)
        assert membership is not None and voting_round is not None
        closed = closing.close_round(session, membership.user, membership, voting_round, now=NOW)
        return closed.results_digest
    return action


# --- seeding ----------------------------------------------------------------------------------

@dataclass
class Seed:
    conference_id: int
    secretaries: list[int]                 # participation ids
    delegates: list[int]                   # participation ids, checked in
    proposals: list[int]
    rounds: list[int] = field(default_factory=list)


def seed(app: Flask, *, delegates: int, proposals: int, rounds_: int = 1, secretaries: int = 1,
         **settings: Any) -> Seed:
    """A conference in its voting phase and ``rounds_`` open rounds of ``proposals`` each."""
    with app.app_context():
        session = db.session
        make = factories.Factories(session)
        conference: Conference = make.conference(phase=Phase.VOTING)
        secs = [make.secretary(conference) for _ in range(secretaries)]
        dels = [make.delegate(conference, segment=SEGMENTS[i % len(SEGMENTS)]) for i in range(delegates)]
        secretary = secs[0]
        actor: User = secretary.user
        result = Seed(conference.id, [s.id for s in secs], [d.id for d in dels], [])
        eixo = conference.eixos[0]
        for index in range(rounds_):
            items: Sequence[Proposal] = []
            for n in range(proposals):
                number = index * proposals + n + 1
                items.append(Proposal(conference_id=conference.id, eixo_id=eixo.id, sphere="municipal",
                                      sequence=number, code=f"E1-M-{number:02d}", title=f"Proposta {number}",
                                      body="Texto.", state=ProposalState.SUBMITTED, search_text=""))
            session.add_all(items)
            session.flush()
            result.proposals.extend(p.id for p in items)
            voting_round = rounds.create_round(session, actor, secretary, conference, title=f"Rodada {index + 1}",
                                               kind="deliberation", now=NOW, **settings)
            rounds.set_round_proposals(session, actor, secretary, voting_round, proposal_ids=[p.id for p in items],
                                       now=NOW)
            rounds.open_round(session, actor, secretary, voting_round, now=NOW)
            result.rounds.append(voting_round.id)
        session.commit()
        session.remove()
        return result


# --- processes --------------------------------------------------------------------------------

def cast_in_process(url: str, participation_id: int, round_id: int, choices: dict[int, str],
                    barrier: Any, results: Any) -> None:
    """A separate process: its own app, engine and connections; waits at the barrier, then votes."""
    from app import create_app
    from config import TestConfig

    app = create_app(TestConfig, SQLALCHEMY_DATABASE_URI=url)
    with app.app_context():
        db.engine.connect().close()  # connect before the barrier: the race is about the ballot
    barrier.wait(timeout=60)
    outcome = attempt(app, cast(participation_id, round_id, choices))
    error = outcome.error
    results.put((outcome.kind, outcome.value, type(error).__name__ if error else None,
                 isinstance(error, DomainError), str(error) if error else "", outcome.trace))
    with app.app_context():
        db.engine.dispose()

"""What the fault tests share besides the servers (servers.py) and the throwaway cluster
(postgres_cluster.py): people who log in and vote over HTTP like a browser, a conference seeded
with open rounds, and the checks that every acknowledged ballot is stored whole and nothing else is."""

from __future__ import annotations

import datetime as dt
import random
import re
import sys
import threading
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import requests
import sqlalchemy as sa

from tests.faults.servers import Gunicorn

ROOT = Path(__file__).resolve().parents[2]
GUNICORN = str(Path(sys.executable).with_name("gunicorn"))
PASSWORD = "senha-de-teste-1"  # tests/factories.py
CSRF_RE = re.compile(r'<input[^>]*name="csrf_token"[^>]*>')
VALUE_RE = re.compile(r'value="([^"]+)"')
RECEIPT_RE = re.compile(r"/comprovante/([A-Z0-9-]+)")
CHOICES = ("yes", "no", "abstain")
NOW = dt.datetime(2026, 11, 25, 15, 0, tzinfo=dt.UTC)


# --- people voting over HTTP --------------------------------------------------------------

def csrf_token(html: str) -> str:
    tag = CSRF_RE.search(html)
    assert tag is not None, "no CSRF token on the page"
    value = VALUE_RE.search(tag.group(0))
    assert value is not None
    return value.group(1)


class Browser:
    """One person's cookie jar; redirects are not followed (the ballot's 302 is the ack)."""

    def __init__(self, base: str) -> None:
        self.base = base
        self.http = requests.Session()

    def get(self, path: str) -> requests.Response:
        return self.http.get(self.base + path, allow_redirects=False, timeout=60)

    def post(self, path: str, data: dict[str, str]) -> requests.Response:
        return self.http.post(self.base + path, data=data, allow_redirects=False, timeout=60)

    def login(self, email: str, password: str = PASSWORD) -> None:
        page = self.get("/entrar")
        assert page.status_code == 200, page.status_code
        done = self.post("/entrar", {"email": email, "password": password, "next": "",
                                     "csrf_token": csrf_token(page.text)})
        assert done.status_code == 302, f"login of {email} failed: {done.status_code}"


@dataclass
class Attempt:
    status: int | str            # an HTTP status, or "connection error"
    receipt: str | None = None   # from the 302 to the receipt: the acknowledgement
    excerpt: str = ""
    retry_after: str | None = None
    leaked: bool = False         # a traceback or a driver's message in the page


@dataclass
class BallotTask:
    """One person's ballot: a delegate's (or, in a round that allows it, a change of it), or
    one that must be refused (``refused``: an observer's, or a delegate's second ballot in a
    round that does not allow changing it) and leave nothing."""

    person: int                   # index into Plenary.people
    round_id: int
    choices: dict[int, str]
    change: bool = False
    refused: bool = False
    attempts: list[Attempt] = field(default_factory=list)

    @property
    def acknowledged(self) -> Attempt | None:
        return next((a for a in self.attempts if a.receipt), None)


@dataclass
class Plenary:
    slug: str
    conference_id: int
    rounds: dict[int, list[int]]          # round id -> proposal ids
    change_rounds: set[int]               # rounds where a delegate may change the ballot
    people: list[tuple[int, str]]         # (participation id, e-mail): the delegates, then the observers
    observers: int = 0

    @property
    def delegates(self) -> list[tuple[int, str]]:
        return self.people[:len(self.people) - self.observers]


def seed_plenary(database_url: str, *, delegates: int, rounds: int, proposals: int,
                 change_rounds: int = 1, observers: int = 0) -> Plenary:
    """Create the schema and a conference in its voting phase with ``rounds`` open named
    rounds (the last ``change_rounds`` of them allow changing the vote), ``delegates``
    checked-in delegates and ``observers`` checked-in observers (voice, no vote), committed."""
    from app import create_app
    from app.conferences.constants import Credential, Segment
    from app.conferences.phases import Phase
    from app.extensions import db
    from app.proposals.constants import ProposalState
    from app.proposals.models import Proposal
    from app.votes import rounds as round_services
    from config import TestConfig
    from tests import factories

    segments = (Segment.USUARIO, Segment.TRABALHADOR, Segment.ENTIDADE, Segment.GOVERNO)
    app = create_app(TestConfig, SQLALCHEMY_DATABASE_URI=database_url)
    with app.app_context():
        db.drop_all()
        db.create_all()
        session = db.session
        make = factories.Factories(session)
        conference = make.conference(phase=Phase.VOTING)
        secretary = make.secretary(conference)
        people = [make.delegate(conference, segment=segments[i % 4]) for i in range(delegates)]
        people += [make.participation(conference, segment=segments[i % 4], credential=Credential.OBSERVADOR,
                                      checked_in=True) for i in range(observers)]
        eixo = conference.eixos[0]
        by_round: dict[int, list[int]] = {}
        changeable: set[int] = set()
        for index in range(rounds):
            items = [Proposal(conference_id=conference.id, eixo_id=eixo.id, sphere="municipal",
                              sequence=index * proposals + n + 1, code=f"E1-M-{index * proposals + n + 1:02d}",
                              title=f"Proposta {index * proposals + n + 1}", body="Texto.",
                              state=ProposalState.SUBMITTED, search_text="")
                     for n in range(proposals)]
            session.add_all(items)
            session.flush()
            allow_change = index >= rounds - change_rounds
            voting_round = round_services.create_round(
                session, secretary.user, secretary, conference, title=f"Rodada {index + 1}", kind="deliberation",
                allow_change=allow_change, now=NOW)
            round_services.set_round_proposals(session, secretary.user, secretary, voting_round,
                                               proposal_ids=[p.id for p in items], now=NOW)
            round_services.open_round(session, secretary.user, secretary, voting_round, now=NOW)
            by_round[voting_round.id] = [p.id for p in items]
            if allow_change:
                changeable.add(voting_round.id)
        plenary = Plenary(conference.slug, conference.id, by_round, changeable,
                          [(p.id, p.user.email) for p in people], observers)
        session.commit()
        session.remove()
        db.engine.dispose()
    return plenary


def ballot_tasks(plenary: Plenary, rng: random.Random) -> list[list[BallotTask]]:
    """Per person, the ballots in a random order of rounds: a delegate votes in each round,
    changes the vote in a change round, and every fourth delegate tries a second ballot in
    a round that does not allow it (refused); an observer tries every round (refused)."""
    out = []
    for index in range(len(plenary.people)):
        observer = index >= len(plenary.delegates)
        tasks = []
        for round_id in rng.sample(sorted(plenary.rounds), len(plenary.rounds)):
            proposals = plenary.rounds[round_id]
            tasks.append(BallotTask(index, round_id, {p: rng.choice(CHOICES) for p in proposals}, refused=observer))
            if observer:
                continue
            if round_id in plenary.change_rounds:
                tasks.append(BallotTask(index, round_id, {p: rng.choice(CHOICES) for p in proposals}, change=True))
            elif index % 4 == 0:
                again = {p: "abstain" if tasks[-1].choices[p] != "abstain" else "yes" for p in proposals}
                tasks.append(BallotTask(index, round_id, again, refused=True))
        out.append(tasks)
    return out


def vote_path(plenary: Plenary, round_id: int) -> str:
    return f"/conferencias/{plenary.slug}/votacoes/{round_id}/votar"


def cast_with_retries(browser: Browser, plenary: Plenary, task: BallotTask, token: str, *,
                      max_attempts: int = 40, pause: float = 0.25) -> None:
    """Post the ballot until it is acknowledged (302 to the receipt) or refused as already
    stored (409 after a failed attempt whose commit did happen): what a delegate does."""
    data = {"csrf_token": token, **{f"p-{pid}": choice for pid, choice in task.choices.items()}}
    for _ in range(max_attempts):
        try:
            response = browser.post(vote_path(plenary, task.round_id), data)
        except requests.ConnectionError as exc:
            task.attempts.append(Attempt("connection error", excerpt=type(exc).__name__))
            time.sleep(pause)
            continue
        location = response.headers.get("Location", "")
        found = RECEIPT_RE.search(location) if response.status_code == 302 else None
        leaked = any(word in response.text for word in ("Traceback", "psycopg", "sqlalchemy", "sqlite3"))
        task.attempts.append(Attempt(response.status_code, found.group(1) if found else None,
                                     _excerpt(response.text), response.headers.get("Retry-After"), leaked))
        if found or response.status_code not in (502, 503, 504):
            return
        time.sleep(pause)


def _excerpt(html: str) -> str:
    match = re.search(r'<p class="lead">(.*?)</p>', html, re.S)
    if match:
        return match.group(1).strip()
    match = re.search(r"<h1[^>]*>(.*?)</h1>", html, re.S)
    return match.group(1).strip() if match else html[:200]


def run_burst(server: Gunicorn, plenary: Plenary, per_delegate: list[list[BallotTask]], *, threads: int,
              on_progress: Callable[[int], None] | None = None) -> list[BallotTask]:
    """Every delegate logs in, then ``threads`` threads post the ballots; ``on_progress``
    hears the number of finished ballots after each (to inject a fault midway)."""
    browsers = []
    for _participation_id, email in plenary.people:
        browser = Browser(server.base)
        browser.login(email)
        browsers.append(browser)
    first_round = min(plenary.rounds)
    tokens = [csrf_token(b.get(f"/conferencias/{plenary.slug}/votacoes/{first_round}").text) for b in browsers]
    pending = list(range(len(browsers)))
    lock = threading.Lock()
    done = [0]
    failures: list[BaseException] = []

    def work() -> None:
        while True:
            with lock:
                if not pending:
                    return
                index = pending.pop()
            try:
                for task in per_delegate[index]:
                    cast_with_retries(browsers[index], plenary, task, tokens[index])
                    with lock:
                        done[0] += 1
                        finished = done[0]
                    if on_progress is not None:
                        on_progress(finished)
            except BaseException as exc:  # noqa: BLE001 - reported by the test
                failures.append(exc)
                return

    workers = [threading.Thread(target=work, daemon=True) for _ in range(threads)]
    for thread in workers:
        thread.start()
    for thread in workers:
        thread.join(timeout=240)
    assert not any(t.is_alive() for t in workers), "the burst did not finish"
    assert not failures, failures
    return [task for tasks in per_delegate for task in tasks]


# --- what the database holds ----------------------------------------------------------------

@dataclass
class Stored:
    receipt: str
    voter_id: int | None
    votes: dict[int, str]


def stored_ballots(database_url: str, plenary: Plenary) -> tuple[dict[tuple[int, int], Stored], dict[str, Any]]:
    """The ballots by (participation id, round id), and a few totals, read afresh."""
    engine = sa.create_engine(database_url)
    try:
        with engine.connect() as conn:
            rounds = list(plenary.rounds)
            ballots = conn.execute(sa.text(
                "SELECT id, round_id, receipt, voter_id FROM ballots WHERE round_id IN :r"
            ).bindparams(sa.bindparam("r", expanding=True)), {"r": rounds}).all()
            votes = conn.execute(sa.text(
                "SELECT ballot_id, round_id, proposal_id, voter_id, choice FROM votes WHERE round_id IN :r"
            ).bindparams(sa.bindparam("r", expanding=True)), {"r": rounds}).all()
            voters = conn.execute(sa.text(
                "SELECT round_id, participation_id FROM round_voters WHERE round_id IN :r"
            ).bindparams(sa.bindparam("r", expanding=True)), {"r": rounds}).all()
    finally:
        engine.dispose()
    by_id = {b.id: b for b in ballots}
    out: dict[tuple[int, int], Stored] = {}
    for b in ballots:
        out[(b.voter_id, b.round_id)] = Stored(b.receipt, b.voter_id, {})
    mismatched = 0
    for v in votes:
        ballot = by_id[v.ballot_id]
        if ballot.round_id != v.round_id or ballot.voter_id != v.voter_id:
            mismatched += 1
        out[(ballot.voter_id, ballot.round_id)].votes[v.proposal_id] = v.choice
    totals = {
        "ballots": len(ballots), "votes": len(votes), "mismatched_votes": mismatched,
        "round_voters": {(r.participation_id, r.round_id) for r in voters},
    }
    return out, totals


@dataclass
class Tally:
    sent: int = 0                 # ballots (tasks) sent
    requests: int = 0             # HTTP attempts, retries included
    acknowledged: int = 0
    stored: int = 0
    stored_unacknowledged: int = 0
    confirmed_by_409: int = 0
    refused: int = 0              # ballots that had to be refused (observers, a second ballot): all were
    statuses: Counter = field(default_factory=Counter)

    def line(self) -> str:
        codes = ", ".join(f"{k}: {v}" for k, v in sorted(self.statuses.items(), key=lambda kv: str(kv[0])))
        return (f"ballots sent {self.sent} ({self.requests} requests), acknowledged {self.acknowledged}, "
                f"stored {self.stored} (after changes of vote; {self.stored_unacknowledged} committed without the "
                f"ack reaching the client, {self.confirmed_by_409} confirmed by a 409 on retry), refused "
                f"{self.refused} (nothing stored); statuses: {codes}")


def check_ballots(database_url: str, plenary: Plenary, tasks: list[BallotTask], *,
                  allowed_statuses: set[int | str]) -> Tally:
    """Every acknowledged ballot is stored with exactly its votes; every stored ballot is one
    that was sent and accepted, whole (never a mix of two, never missing a vote); refused
    ballots left nothing; nothing else is stored."""
    stored, totals = stored_ballots(database_url, plenary)
    tally = Tally(sent=len(tasks))
    by_key: dict[tuple[int, int], list[BallotTask]] = {}
    for task in tasks:
        participation_id = plenary.people[task.person][0]
        by_key.setdefault((participation_id, task.round_id), []).append(task)
        tally.requests += len(task.attempts)
        tally.statuses.update(a.status for a in task.attempts)
    unexpected = [a for t in tasks for a in t.attempts if a.status not in allowed_statuses]
    assert not unexpected, f"unexpected answers: {unexpected[:5]}"
    assert not [a for t in tasks for a in t.attempts if a.leaked], "a page showed a traceback or a driver's error"
    for task in tasks:
        final = task.attempts[-1].status
        if task.refused:
            assert not task.acknowledged and final in (403, 409), task
            tally.refused += 1
        else:
            # Acknowledged, or refused as already registered after its first try died in flight.
            assert task.acknowledged or final == 409, task
    assert set(stored) <= set(by_key), "a ballot is stored that nobody sent"
    assert totals["mismatched_votes"] == 0, "a vote does not match its ballot's round or voter"
    assert totals["round_voters"] == set(stored), "round_voters and ballots disagree"
    expected_votes = 0
    for key, sent in by_key.items():
        ballot = stored.get(key)
        accepted = [t for t in sent if not t.refused]
        acks = [t.acknowledged for t in accepted if t.acknowledged]
        tally.acknowledged += len(acks)
        if not accepted:
            assert ballot is None, f"a refused ballot was stored: {key}"
            continue
        assert ballot is not None, f"ballot lost: {key} {acks}"
        tally.stored += 1
        expected_votes += len(ballot.votes)
        for ack in acks:
            assert ack.receipt == ballot.receipt, f"stored receipt differs from the acknowledged one: {key}"
        # The stored votes are exactly one of the accepted ballots sent, whole.
        assert any(ballot.votes == t.choices for t in accepted), f"half-stored or mixed ballot: {key} {ballot.votes}"
        last_ack = next((t for t in reversed(accepted) if t.acknowledged), None)
        if last_ack is not None:
            later = accepted[accepted.index(last_ack) + 1:]
            possible = [last_ack.choices] + [t.choices for t in later if not t.acknowledged]
            assert ballot.votes in possible, f"an acknowledged ballot was lost or overwritten: {key}"
        else:
            tally.stored_unacknowledged += 1
        for t in accepted:
            for n, attempt in enumerate(t.attempts):
                if attempt.status == 409:  # "already voted" only ever follows an attempt that died in flight
                    assert n > 0 and t.attempts[n - 1].status in ("connection error", 503), t.attempts
                    tally.confirmed_by_409 += 1
    assert totals["votes"] == expected_votes, "votes stored outside the ballots counted"
    return tally


def chain_ok(database_url: str) -> bool:
    from app import create_app
    from app.audit.services import verify_chain
    from app.extensions import db
    from config import TestConfig

    app = create_app(TestConfig, SQLALCHEMY_DATABASE_URI=database_url)
    with app.app_context():
        try:
            return verify_chain(db.session).ok
        finally:
            db.session.remove()
            db.engine.dispose()

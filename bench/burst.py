"""The plenary burst: every delegate of a round submits a ballot, as fast as the server
takes them. Delegates log in and open the ballot page first (not timed), as they would
while the secretary reads the proposals; then all ballots go at once.

Afterwards the stored rows are compared with what the server acknowledged.
"""

from __future__ import annotations

import asyncio
import random
import time
from dataclasses import dataclass, field

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from bench.common import median, percentile
from bench.generate import PASSWORD
from bench.http import Response, Session, gather_limited


@dataclass
class Voter:
    email: str
    participation_id: int
    segment: str
    session: Session | None = None
    csrf: str | None = None


@dataclass
class BurstResult:
    sent: int
    acknowledged: int
    errors: int
    seconds: float
    latencies: list[float] = field(default_factory=list)
    statuses: dict[int, int] = field(default_factory=dict)
    receipts: list[str] = field(default_factory=list)
    locked_messages: int = 0

    @property
    def per_second(self) -> float:
        return self.sent / self.seconds if self.seconds else 0.0

    def summary(self) -> dict:
        return {
            "ballots_sent": self.sent, "acknowledged": self.acknowledged, "errors": self.errors,
            "seconds": round(self.seconds, 2), "ballots_per_second": round(self.per_second, 1),
            "p50_ms": round(1000 * median(self.latencies), 1),
            "p95_ms": round(1000 * percentile(self.latencies, 95), 1),
            "p99_ms": round(1000 * percentile(self.latencies, 99), 1),
            "statuses": {str(k): v for k, v in sorted(self.statuses.items())},
            "database_locked_messages": self.locked_messages,
        }


def plan_choices(proposal_ids: list[int], seed: int) -> dict[str, str]:
    rng = random.Random(seed)
    return {f"p-{pid}": rng.choices(("yes", "no", "abstain"), weights=(6, 3, 1))[0] for pid in proposal_ids}


async def login_and_open(voter: Voter, ports: list[int], index: int, slug: str, round_id: int) -> Voter:
    port = ports[index % len(ports)]
    session = Session("127.0.0.1", port)
    page = await session.request("GET", "/entrar")
    await session.request("POST", "/entrar", {"email": voter.email, "password": PASSWORD,
                                               "csrf_token": page.csrf_token() or "", "next": ""})
    ballot = await session.request("GET", f"/conferencias/{slug}/votacoes/{round_id}")
    voter.session, voter.csrf = session, ballot.csrf_token()
    if voter.csrf is None:
        raise RuntimeError(f"no ballot form for {voter.email} (status {ballot.status})")
    return voter


async def prepare(voters: list[Voter], ports: list[int], slug: str, round_id: int, concurrency: int = 16) -> None:
    results = await gather_limited(
        [login_and_open(v, ports, i, slug, round_id) for i, v in enumerate(voters)], concurrency)
    failures = [r for r in results if isinstance(r, Exception)]
    if failures:
        raise RuntimeError(f"{len(failures)} delegates could not open the ballot: {failures[0]!r}")


def _record(result: BurstResult, response: Response | BaseException, receipt_marker: str) -> None:
    if isinstance(response, BaseException):
        result.errors += 1
        result.statuses[0] = result.statuses.get(0, 0) + 1
        return
    result.latencies.append(response.seconds)
    result.statuses[response.status] = result.statuses.get(response.status, 0) + 1
    if "database is locked" in response.text:
        result.locked_messages += 1
    location = response.headers.get("location", "")
    if response.status == 302 and receipt_marker in location:
        result.acknowledged += 1
        result.receipts.append(location.rsplit("/", 1)[-1])
    else:
        result.errors += 1


async def burst(voters: list[Voter], slug: str, round_id: int, proposal_ids: list[int],
                concurrency: int = 64) -> BurstResult:
    """Our app: each prepared delegate posts the ballot form with its CSRF token."""
    path = f"/conferencias/{slug}/votacoes/{round_id}/votar"
    result = BurstResult(sent=len(voters), acknowledged=0, errors=0, seconds=0.0)
    coros = [v.session.request("POST", path, {"csrf_token": v.csrf, **plan_choices(proposal_ids, i)})
             for i, v in enumerate(voters) if v.session]
    started = time.perf_counter()
    responses = await gather_limited(coros, concurrency)
    result.seconds = time.perf_counter() - started
    for response in responses:
        _record(result, response, "/comprovante/")
    return result


async def baseline_burst(voters: list[Voter], port: int, round_id: int, proposal_ids: list[int],
                         concurrency: int = 64) -> BurstResult:
    """The minimal app: the same form, no session, no token."""
    result = BurstResult(sent=len(voters), acknowledged=0, errors=0, seconds=0.0)
    coros = [Session("127.0.0.1", port).request("POST", f"/votar/{round_id}/{v.participation_id}/{v.segment}",
                                                plan_choices(proposal_ids, i))
             for i, v in enumerate(voters)]
    started = time.perf_counter()
    responses = await gather_limited(coros, concurrency)
    result.seconds = time.perf_counter() - started
    for response in responses:
        _record(result, response, "/comprovante/")
    return result


def stored(engine: Engine, round_id: int, per_ballot: int) -> dict[str, int]:
    with engine.connect() as conn:
        ballots = conn.scalar(sa.text("SELECT count(*) FROM ballots WHERE round_id = :r"), {"r": round_id})
        votes = conn.scalar(sa.text("SELECT count(*) FROM votes WHERE round_id = :r"), {"r": round_id})
        voters = conn.scalar(sa.text("SELECT count(*) FROM round_voters WHERE round_id = :r"), {"r": round_id})
        short = conn.scalar(sa.text(
            "SELECT count(*) FROM (SELECT ballot_id FROM votes WHERE round_id = :r GROUP BY ballot_id "
            "HAVING count(*) <> :n) AS partial"), {"r": round_id, "n": per_ballot})
    return {"ballots": ballots, "votes": votes, "round_voters": voters, "ballots_not_whole": short}


def integrity(result: BurstResult, rows: dict[str, int], per_ballot: int, receipts_found: int | None = None) -> dict:
    ok = (rows["ballots"] == result.acknowledged and rows["votes"] == result.acknowledged * per_ballot
          and rows["round_voters"] == result.acknowledged and rows["ballots_not_whole"] == 0
          and (receipts_found is None or receipts_found == result.acknowledged))
    return {**rows, "acknowledged": result.acknowledged, "stored_equals_acknowledged": ok}


def receipts_stored(engine: Engine, round_id: int, receipts: list[str]) -> int:
    if not receipts:
        return 0
    with engine.connect() as conn:
        found = set(conn.scalars(sa.text("SELECT receipt FROM ballots WHERE round_id = :r"), {"r": round_id}))
    return sum(1 for receipt in receipts if receipt in found)


def run(coro):  # type: ignore[no-untyped-def]
    return asyncio.run(coro)

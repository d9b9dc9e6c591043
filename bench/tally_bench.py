"""Closing a round of D delegates × P proposals, against a bare GROUP BY over the same rows.

Run by bench/run.py in its own process (so that its peak memory is its own):
    python -m bench.tally_bench --db sqlite:////tmp/x.db --delegates 2000 --proposals 500
"""

from __future__ import annotations

import argparse
import json
import sys

import sqlalchemy as sa

from app.auth.models import User
from app.db import utcnow
from app.extensions import db
from app.votes.closing import close_round
from app.votes.models import VotingRound
from bench.common import bench_app, best_of, fresh_database, peak_rss_mb
from bench.generate import generate
from bench.sizes import Size

BARE = "SELECT proposal_id, choice, count(*) FROM votes WHERE round_id = :r GROUP BY proposal_id, choice"


def run(url: str, delegates: int, proposals: int, repeat: int) -> dict:
    fresh_database(url)
    app = bench_app(url)
    size = Size("tally", participants=delegates, delegates=delegates, proposals=proposals, comments=0, rounds=1,
                proposals_per_round=proposals)
    generated = generate(app, size, seed=4, close_rounds=False)
    with app.app_context():
        round_id = db.session.scalar(sa.select(VotingRound.id).where(VotingRound.conference_id == generated.conference_id))
        votes = db.session.scalar(sa.text("SELECT count(*) FROM votes WHERE round_id = :r"), {"r": round_id})
        if db.engine.dialect.name == "postgresql":
            db.session.execute(sa.text("ANALYZE"))
            db.session.commit()
        secretary = db.session.scalars(sa.select(User).where(User.email == generated.secretary_email)).one()
        secretary.is_admin = True
        db.session.commit()

        def bare() -> None:
            db.session.execute(sa.text(BARE), {"r": round_id}).all()
            db.session.rollback()

        def ours() -> None:
            voting_round = db.session.get(VotingRound, round_id)
            close_round(db.session, secretary, None, voting_round, now=utcnow())
            db.session.flush()
            db.session.rollback()  # reopen it for the next repetition

        bare()  # warm the cache for both
        bare_time, bare_times = best_of(bare, repeat)
        ours_time, ours_times = best_of(ours, repeat)
    return {
        "database": make_name(url), "delegates": delegates, "proposals": proposals, "votes": votes,
        "close_seconds": round(ours_time, 4), "bare_group_by_seconds": round(bare_time, 4),
        "ratio": round(ours_time / bare_time, 2) if bare_time else None,
        "close_all_runs": [round(t, 4) for t in ours_times], "bare_all_runs": [round(t, 4) for t in bare_times],
        "peak_rss_mb": peak_rss_mb(), "aim": "ratio <= 1.5",
    }


def make_name(url: str) -> str:
    return "postgresql" if url.startswith("postgres") else "sqlite"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--db", required=True)
    parser.add_argument("--delegates", type=int, default=2000)
    parser.add_argument("--proposals", type=int, default=500)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args(argv)
    print(json.dumps(run(args.db, args.delegates, args.proposals, args.repeat)))
    return 0


if __name__ == "__main__":
    sys.exit(main())

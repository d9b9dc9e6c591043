"""The burst's baseline: a minimal Flask app that receives the same ballot form and inserts
the same rows (round voter, ballot, votes) with plain psycopg: no ORM, no login, no CSRF,
no checks. Served by gunicorn exactly like the real app: `bench.baseline_app:app`.
"""

from __future__ import annotations

import os
import secrets

import psycopg
from flask import Flask, redirect, request

app = Flask(__name__)
_connection: psycopg.Connection | None = None


def connection() -> psycopg.Connection:
    global _connection
    if _connection is None or _connection.closed:
        url = os.environ["BASELINE_DATABASE_URL"].replace("postgresql+psycopg://", "postgresql://")
        _connection = psycopg.connect(url)
    return _connection


@app.post("/votar/<int:round_id>/<int:voter_id>/<segment>")
def vote(round_id: int, voter_id: int, segment: str):  # type: ignore[no-untyped-def]
    choices = [(int(key[2:]), value) for key, value in request.form.items() if key.startswith("p-") and value]
    conn = connection()
    with conn.transaction(), conn.cursor() as cur:
        cur.execute("INSERT INTO round_voters (round_id, participation_id) VALUES (%s, %s)", (round_id, voter_id))
        cur.execute(
            "INSERT INTO ballots (round_id, receipt, voter_id, segment, cast_at) VALUES (%s, %s, %s, %s, now()) "
            "RETURNING id", (round_id, secrets.token_hex(7).upper(), voter_id, segment))
        ballot_id = cur.fetchone()[0]  # type: ignore[index]
        cur.executemany(
            "INSERT INTO votes (round_id, ballot_id, proposal_id, voter_id, segment, choice) "
            "VALUES (%s, %s, %s, %s, %s, %s)",
            [(round_id, ballot_id, pid, voter_id, segment, choice) for pid, choice in choices])
    return redirect(f"/comprovante/{ballot_id}")

"""Rate limits: proposal and comment creation (per account, so a plenary behind one NAT is not
one person), the API (per address, generous), the existing login and registration limits'
pages, the ballot never limited, the storage shared between instances through Redis, and a
storage failure that lets requests through instead of stopping the plenary.

The test app runs with the limiter off (TestConfig); each test here builds a second app with it
on, sharing the test's database connection (as tests/views/test_errors_and_security.py does).
"""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from limits import parse_many

from app import create_app
from app.conferences.constants import Segment
from app.conferences.phases import Phase
from app.extensions import db, limiter
from config import Config, TestConfig
from tests.environment import unavailable
from tests.views.helpers import text

ROOT = Path(__file__).resolve().parents[2]
REDIS_URI = "redis://127.0.0.1:6379/15"


@contextmanager
def limited_app(app, connection=None, **settings) -> Iterator:
    """A second app with the limiter on, bound to the test's connection."""
    shared = connection if connection is not None else db._app_engines[app][None]
    settings.setdefault("RATELIMIT_STORAGE_URI", "memory://")
    limited = create_app(TestConfig, RATELIMIT_ENABLED=True,
                         SQLALCHEMY_DATABASE_URI=app.config["SQLALCHEMY_DATABASE_URI"], **settings)
    engines = db._app_engines[limited]
    own_engine = engines[None]
    engines[None] = shared
    in_memory = settings["RATELIMIT_STORAGE_URI"].startswith("memory")
    if in_memory:  # (resetting a Redis storage would empty every limiter key of the database)
        limiter.reset()
    try:
        yield limited
    finally:
        if in_memory:
            limiter.reset()
        limiter.enabled = False
        engines[None] = own_engine
        own_engine.dispose()


def login(client, user_or_participation) -> None:
    user = getattr(user_or_participation, "user", user_or_participation)
    with client.session_transaction() as sess:
        sess["_user_id"] = user.get_id()
        sess["_fresh"] = True


def assert_html_429(response) -> None:
    assert response.status_code == 429
    assert response.mimetype == "text/html"
    page = text(response)
    assert "<h1>Muitas tentativas</h1>" in page and 'lang="pt-BR"' in page
    assert "Aguarde alguns minutos e tente de novo." in page
    assert "Traceback" not in page
    assert int(response.headers["Retry-After"]) > 0


# --- the defaults ------------------------------------------------------------------------------

def per_minute(spec: str) -> float:
    """The most requests a limit string lets through in one minute."""
    return min(item.amount * max(1, 60 // item.get_expiry()) for item in parse_many(spec))


def test_default_limits_are_configured_and_sensible():
    # The API must let a plenary of 2,000 delegates behind one NAT read it at once.
    assert per_minute(Config.API_LIMIT) >= 2000
    assert all(item.get_expiry() >= 60 for item in parse_many(Config.API_LIMIT))  # no per-second burst cap
    # Creation limits are per account: generous for a person, tight for a script.
    assert 1 <= per_minute(Config.PROPOSAL_LIMIT) <= 10
    assert 1 <= per_minute(Config.COMMENT_LIMIT) <= 20
    assert Config.RATELIMIT_STORAGE_URI == "memory://" or "RATELIMIT_STORAGE_URI" in os.environ


def test_limits_come_from_the_environment():
    env = dict(os.environ, PROPOSAL_LIMIT="1 per day", COMMENT_LIMIT="2 per day", API_LIMIT="3 per day",
               RATELIMIT_STORAGE_URI="redis://127.0.0.1:6379/3")
    code = ("from config import Config as C; "
            "print(C.PROPOSAL_LIMIT, C.COMMENT_LIMIT, C.API_LIMIT, C.RATELIMIT_STORAGE_URI, sep='|')")
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True,
                         check=True).stdout.strip()
    assert out == "1 per day|2 per day|3 per day|redis://127.0.0.1:6379/3"


# --- proposals and comments: per account ------------------------------------------------------

@pytest.fixture
def debate(make, session):
    conference = make.conference(phase=Phase.PROPOSALS)
    ana = make.participation(conference, segment=Segment.USUARIO)
    beto = make.participation(conference, segment=Segment.TRABALHADOR)
    session.commit()
    return conference, ana, beto


def proposal_form(conference, n: int) -> dict:
    return {"eixo_id": conference.eixos[0].id, "sphere": "municipal", "title": f"Proposta {n}", "body": "Texto."}


def test_proposal_creation_is_limited_per_account(app, session, debate):
    conference, ana, beto = debate
    url = f"/conferencias/{conference.slug}/propostas/nova"
    with limited_app(app, PROPOSAL_LIMIT="2 per minute") as limited:
        client = limited.test_client()
        login(client, ana)
        assert [client.post(url, data=proposal_form(conference, n)).status_code for n in (1, 2)] == [302, 302]
        assert_html_429(client.post(url, data=proposal_form(conference, 3)))
        assert client.get(url).status_code == 200  # reading the form is not limited
        other = limited.test_client()  # the same address (one NAT), another account
        login(other, beto)
        assert other.post(url, data=proposal_form(conference, 4)).status_code == 302
    from app.proposals.models import Proposal

    titles = {p.title for p in session.query(Proposal).filter_by(conference_id=conference.id)}
    assert titles == {"Proposta 1", "Proposta 2", "Proposta 4"}  # the refused one wrote nothing


def test_comment_creation_is_limited_per_account(app, session, debate, make):
    conference, ana, beto = debate
    from tests.views.proposals.conftest import Debates

    proposal = Debates(session, make).proposal(conference, ana)
    conference.phase = Phase.DEBATE
    session.commit()
    url = f"/conferencias/{conference.slug}/propostas/{proposal.code}/comentarios/"
    with limited_app(app, COMMENT_LIMIT="3 per minute") as limited:
        client = limited.test_client()
        login(client, ana)
        first = client.post(url, data={"body": "Primeiro."})
        assert first.status_code == 302
        from app.proposals.models import Comment

        root = session.query(Comment).filter_by(proposal_id=proposal.id).one()
        assert client.post(url, data={"body": "Segundo."}).status_code == 302
        assert client.post(url, data={"body": "Resposta.", "parent_id": root.id}).status_code == 302  # replies count
        assert_html_429(client.post(url, data={"body": "Quarto."}))
        other = limited.test_client()
        login(other, beto)
        assert other.post(url, data={"body": "De outra pessoa."}).status_code == 302
    session.expire_all()
    bodies = sorted(c.body for c in session.query(Comment).filter_by(proposal_id=proposal.id))
    assert bodies == ["De outra pessoa.", "Primeiro.", "Resposta.", "Segundo."]


# --- the API: per address, one budget for all of it --------------------------------------------

def test_the_api_is_limited_per_address_with_a_json_429(app, session, debate):
    conference, _ana, _beto = debate
    with limited_app(app, API_LIMIT="3 per minute") as limited:
        client = limited.test_client()
        paths = ["/api/v1/conferences", f"/api/v1/conferences/{conference.slug}",
                 f"/api/v1/conferences/{conference.slug}/proposals"]
        assert [client.get(p).status_code for p in paths] == [200, 200, 200]  # one budget for the whole API
        refused = client.get("/api/v1/openapi.json")
        assert refused.status_code == 429 and refused.mimetype == "application/json"
        error = refused.get_json()["error"]
        assert error["status"] == 429 and error["title"] == "Muitas tentativas" and error["message"]
        assert int(refused.headers["Retry-After"]) > 0
        other = client.get("/api/v1/conferences", environ_base={"REMOTE_ADDR": "10.1.2.3"})
        assert other.status_code == 200
        # The web pages are not limited at all.
        assert {client.get(f"/conferencias/{conference.slug}").status_code for _ in range(10)} == {200}


def test_the_existing_login_and_registration_limits_answer_with_the_page(app, session):
    with limited_app(app, LOGIN_LIMIT_PER_ADDRESS="1 per minute", REGISTER_LIMIT="1 per minute") as limited:
        client = limited.test_client()
        assert client.post("/entrar", data={"email": "a@b.org", "password": "x"}).status_code == 422
        assert_html_429(client.post("/entrar", data={"email": "c@d.org", "password": "x"}))
        assert client.post("/cadastro", data={}).status_code == 422
        assert_html_429(client.post("/cadastro", data={}))


# --- the ballot is never limited ------------------------------------------------------------------

def test_the_ballot_and_the_pages_are_never_limited(app, session, make):
    """With every limit at one request a minute, delegates behind one address all vote, and the
    round's page and the results keep answering."""
    from tests.views.votes.conftest import Plenary

    plenary = Plenary(session, make)
    proposal, = plenary.proposals(1)
    voting_round = plenary.start([proposal])
    closed = plenary.start(plenary.proposals(1))
    plenary.close(closed)
    session.commit()
    tiny = dict.fromkeys(("LOGIN_LIMIT_PER_ACCOUNT", "LOGIN_LIMIT_PER_ADDRESS", "REGISTER_LIMIT", "PROPOSAL_LIMIT", "COMMENT_LIMIT", "API_LIMIT"), "1 per minute")
    vote_url = plenary.url(voting_round, "votar")
    with limited_app(app, **tiny) as limited:
        statuses = []
        for delegate in plenary.delegates:
            client = limited.test_client()
            login(client, delegate)
            statuses.append(client.post(vote_url, data={f"p-{proposal.id}": "yes"}).status_code)
            statuses += [client.post(vote_url, data={f"p-{proposal.id}": "no"}).status_code for _ in range(2)]
        assert statuses[::3] == [302] * len(plenary.delegates)  # every vote is stored
        assert 429 not in statuses and 500 not in statuses  # then "you have already voted", never a 429
        for path in (plenary.url(voting_round), plenary.url(closed, "resultado"), f"/conferencias/{plenary.slug}", "/"):
            assert {client.get(path).status_code for _ in range(5)} == {200}, path


# --- storage: shared through Redis, and failing open ----------------------------------------------

INSTANCE = """
import sys
from app import create_app
from app.extensions import db
from config import TestConfig

app = create_app(TestConfig, RATELIMIT_ENABLED=True, SQLALCHEMY_DATABASE_URI="sqlite://",
                 RATELIMIT_STORAGE_URI=sys.argv[1], RATELIMIT_KEY_PREFIX=sys.argv[2], API_LIMIT="3 per minute")
with app.app_context():
    db.create_all()
client = app.test_client()
print(",".join(str(client.get("/api/v1/conferences").status_code) for _ in range(int(sys.argv[3]))))
"""


def run_instance(storage: str, prefix: str, requests: int) -> list[int]:
    """Another app instance, in its own process (its own limiter), making ``requests`` calls."""
    out = subprocess.run([sys.executable, "-c", INSTANCE, storage, prefix, str(requests)], cwd=ROOT,
                         capture_output=True, text=True, timeout=120, env=dict(os.environ, PLENARIA_CONFIG="test"))
    assert out.returncode == 0, out.stderr[-2000:]
    return [int(s) for s in out.stdout.strip().splitlines()[-1].split(",")]


@pytest.fixture
def redis_prefix():
    redis = pytest.importorskip("redis")
    client = redis.Redis.from_url(REDIS_URI)
    try:
        client.ping()
    except redis.exceptions.ConnectionError:
        unavailable("Redis is not running on 127.0.0.1:6379 (.ci/run starts it)")
    prefix = f"plenaria-test-{uuid.uuid4().hex}"
    yield prefix
    for key in client.scan_iter(match=f"*{prefix}*"):
        client.delete(key)
    client.close()


def test_two_instances_share_the_limit_through_redis(redis_prefix):
    assert run_instance(REDIS_URI, redis_prefix, 3) == [200, 200, 200]
    assert run_instance(REDIS_URI, redis_prefix, 2) == [429, 429]  # the other instance used the budget


def test_with_memory_storage_each_instance_counts_alone():
    prefix = f"plenaria-test-{uuid.uuid4().hex}"
    assert run_instance("memory://", prefix, 3) == [200, 200, 200]
    assert run_instance("memory://", prefix, 3) == [200, 200, 200]


def test_a_storage_failure_lets_requests_through(app, session):
    """Redis down (nothing listens on port 1): requests are served, never a 500."""
    with limited_app(app, RATELIMIT_STORAGE_URI="redis://127.0.0.1:1/0", API_LIMIT="100 per minute") as limited:
        client = limited.test_client()
        assert [client.get("/api/v1/conferences").status_code for _ in range(3)] == [200, 200, 200]

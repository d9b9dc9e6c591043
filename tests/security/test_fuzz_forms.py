"""Bad input never makes a 500: property-based fuzzing (hypothesis) of every form endpoint (every
POST route, and the GET routes that read a query string), as the actor allowed to use it,
against the seeded world (tests/security/world.py).

Values are random unicode (right-to-left marks, combining marks, emoji, astral characters),
huge, numeric-looking (huge, negative, non-ASCII digits), valid-looking enum values and real ids
of both conferences, NUL characters (which must be refused with a 400), repeated fields,
missing fields and unknown fields. For every example: no 500, no traceback text, and a request
that was refused (4xx) wrote nothing (every row of every table is compared).

Each request runs in a savepoint that is rolled back, so every example sees the same world.
``PLENARIA_FUZZ_EXAMPLES`` raises the number of examples per endpoint (default 30).
"""

from __future__ import annotations

import io
import json
import os
import re
import socket
from typing import Any
from unittest import mock
from urllib.parse import quote, urlencode

import pytest
import sqlalchemy as sa
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from werkzeug.datastructures import FileStorage, MultiDict
from werkzeug.test import encode_multipart

from app.conferences.phases import Phase
from app.reports.models import PublishedReport
from tests.security.access_table import ROWS, Row
from tests.security.test_access_matrix import url_for_row
from tests.security.world import (
    ADMIN,
    ANON,
    DELEGATE,
    OBSERVER,
    OTHER_SECRETARY,
    PENDING,
    SECRETARY,
    STRANGER,
)

pytestmark = pytest.mark.filterwarnings("ignore:Generating overly large repr:hypothesis.errors.HypothesisWarning")
EXAMPLES = int(os.environ.get("PLENARIA_FUZZ_EXAMPLES", "30"))
FUZZ = settings(max_examples=EXAMPLES, deadline=None, derandomize=True, database=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                       HealthCheck.large_base_example])
PREFERENCE = (SECRETARY, ADMIN, DELEGATE, OBSERVER, PENDING, STRANGER, OTHER_SECRETARY, ANON)

CONFERENCE_FIELDS = ["slug", "title", "edition", "sphere", "municipio", "uf", "ibge_code", "porte", "theme",
                     "description", "venue", "starts_at", "ends_at", "timezone"]
ROUND_FIELDS = ["title", "secret", "allow_change", "double_entry", "majority_rule", "quorum_percent", "max_choices",
                "forward_count"]
PROPOSAL_FIELDS = ["eixo_id", "sphere", "title", "body", "justification"]

# The fields each form reads (the fuzzer adds unknown ones, drops some and repeats others).
FIELDS: dict[str, list[str]] = {
    "main.preferences": ["contraste", "fonte", "lang", "next"],
    "auth.register": ["display_name", "email", "password", "password_confirm", "accept_privacy"],
    "auth.login": ["email", "password", "next"],
    "auth.logout": [],
    "auth.account": ["display_name"],
    "auth.change_password": ["current_password", "new_password", "new_password_confirm"],
    "auth.logout_everywhere": [],
    "auth.delete_account": ["password", "confirm"],
    "admin.new_conference": CONFERENCE_FIELDS,
    "admin.secretaries": ["email"],
    "admin.remove_secretary": [],
    "conferences.join": ["segment", "organisation"],
    "manage.edit": CONFERENCE_FIELDS,
    "manage.eixos": ["title", "description"],
    "manage.edit_eixo": ["title", "description"],
    "manage.move_eixo": ["direction"],
    "manage.rules": ["majority_rule", "quorum_percent", "proposals_per_participant", "reports_to_hide",
                     "caps-0-eixo_id", "caps-0-cap_municipal", "caps-0-cap_estadual", "caps-0-cap_federal",
                     "caps-1-eixo_id", "caps-1-cap_federal"],
    "manage.advance_phase": ["expected"],
    "participants.set_credential": ["credential", "back"],
    "participants.set_presence": ["present", "back"],
    "participants.bulk": ["ids", "action", "back"],
    "participants.import_csv": ["file"],
    "participants.import_confirm": ["csv_text"],
    "report_admin.settle": ["nd-E1-M-01-reason"],
    "report_admin.publish": ["note"],
    "report_import.upload": ["file", "url"],
    "report_import.confirm": ["report_text", "include_optional", "eixo_1", "eixo_2"],
    "manage_rounds.new": ["kind", *ROUND_FIELDS],
    "manage_rounds.edit": ROUND_FIELDS,
    "manage_rounds.proposals": ["proposal_ids", "acao"],
    "manage_rounds.open_round": [],
    "manage_rounds.delete": [],
    "plenary.add_elector": ["participation_id"],
    "plenary.counts": ["rows-0-proposal_id", "rows-0-yes", "rows-0-no", "rows-0-abstain", "rows-1-proposal_id",
                       "rows-1-yes"],
    "plenary.close": ["confirm"],
    "proposals.new": PROPOSAL_FIELDS,
    "proposals.edit": ["title", "body", "justification"],
    "proposals.withdraw": ["reason"],
    "proposals.final_wording": ["final_wording"],
    "proposals.merge": ["proposal_ids", *PROPOSAL_FIELDS],
    "comments.create": ["body", "stance", "parent_id"],
    "comments.edit": ["body", "stance"],
    "comments.delete": ["next"],
    "comments.report": ["reason"],
    "comments.hide": ["reason", "next"],
    "comments.restore": ["next"],
    "rounds.vote": ["p-{open}", "p-{closed}", "escolhas"],
}
# The query strings the GET pages read.
QUERIES: dict[str, list[str]] = {
    "main.search": ["q"],
    "auth.login": ["next"],
    "auth.register": ["next"],
    "proposals.index": ["eixo", "esfera", "situacao", "segmento", "q", "ordem", "page"],
    "proposals.detail": ["debate", "responder"],
    "participants.index": ["segmento", "credencial", "presenca", "q", "page"],
    "manage_rounds.proposals": ["eixo", "esfera", "situacao"],
    "plenary.panel": ["auto"],
    "rounds.published_ballots": ["comprovante", "page"],
    "comments.hide": ["next"],
    "api.proposals": ["eixo", "sphere", "state", "q", "page"],
    "api.round_ballots": ["page"],
}
MULTIPART = {"participants.import_csv", "report_import.upload"}


def as_state_conference(seeded) -> None:
    """Report imports happen in state conferences, before voting."""
    seeded.connection.execute(sa.text("UPDATE conferences SET sphere = 'estadual', municipio = NULL, "
                                      "ibge_code = NULL WHERE id = :id"), {"id": seeded.world.a.conference_id})


SETUP = {"report_import.upload": as_state_conference, "report_import.confirm": as_state_conference}
PHASES = {"report_import.upload": Phase.DEBATE, "report_import.confirm": Phase.DEBATE}


# --- values ------------------------------------------------------------------------------------

SPECIAL = [
    "", " ", "\t", "0", "1", "-1", "2", "3", "00001", "2147483647", "2147483648", "-2147483649",
    "9223372036854775807", "9223372036854775808", "99999999999999999999999999999999", "-99999999999999999999",
    "1.5", "1e309", "NaN", "inf", "0x1F", "١٢٣", "²", "𝟗", "½",
    "\u202eatad", "\u200f\u200e", "a\u0301\u0302\u0303\u0304\u0305", "𝕻𝖑𝖊𝖓á𝖗𝖎𝖆", "👩🏽‍⚕️🇧🇷", "\ufeff", "\u2028\u2029",
    "\r\n", "<script>alert(1)</script>", "\"><img src=x onerror=alert(1)>", "' OR '1'='1' --", "../../etc/passwd",
    "%00", "{{7*7}}", "${7*7}", "null", "true", "[]", "{}", "[[", "javascript:alert(1)", "//evil.example",
    "/\\evil.example", "https://evil.example/", "http://127.0.0.1:5432/", "http://[::1", "http://a:b@c/",
    "ftp://x/", "http://169.254.169.254/latest/meta-data/",
    "2019-09-26T12:30", "9999-12-31T23:59", "0001-01-01T00:00", "2019-02-30T25:61", "2019-09-26",
    "municipal", "estadual", "federal", "nacional", "yes", "no", "abstain", "selected", "delegado", "observador",
    "convidado", "pending", "usuario", "trabalhador", "entidade", "governo", "simple", "absolute", "two_thirds",
    "deliberation", "priority", "check_in", "undo_check_in", "up", "down", "todas", "sim", "nao", "y", "on", "en",
    "pt_BR", "mais", "menos", "favor", "contra", "neutro", "preparation", "voting", "closed", "SP", "3501103",
    "America/Sao_Paulo", "Europe/Lisbon", "pequeno_i", "codigo", "votos", "E1-M-01", "E2-E-01", "nova-conf",
]


def world_ids(seeded) -> list[str]:
    a, b = seeded.world.a, seeded.world.b
    ids: list[int] = [a.conference_id, b.conference_id, a.comment_id, b.comment_id, *a.eixo_ids, *b.eixo_ids]
    for site in (a, b):
        ids += list(site.proposal_ids.values()) + list(site.rounds.values()) + list(site.participations.values())
    return sorted({str(i) for i in ids})


def values(seeded) -> st.SearchStrategy[str]:
    unicode_text = st.text(st.characters(codec="utf-8"), max_size=120)
    return st.one_of(
        st.sampled_from(SPECIAL),
        st.sampled_from(world_ids(seeded)),
        unicode_text,
        st.integers(min_value=-(2**70), max_value=2**70).map(str),
        st.builds(lambda s, n: s * n, st.sampled_from(["a", "ç", "👍", "x "]), st.sampled_from([301, 5_001, 70_000])),
        st.text(st.sampled_from("\x00a-1"), min_size=1, max_size=5),  # NUL characters, often
    )


def report_texts(seeded) -> st.SearchStrategy[str]:
    """Random JSON, and the real published report with parts removed or replaced."""
    real = json.loads(seeded.connection.execute(sa.select(PublishedReport.content).limit(1)).scalar_one())
    leaves = st.one_of(st.none(), st.booleans(), st.integers(-(2**40), 2**40), st.text(max_size=20))
    any_json = st.recursive(leaves, lambda inner: st.one_of(st.lists(inner, max_size=4),
                                                            st.dictionaries(st.text(max_size=8), inner, max_size=4)),
                            max_leaves=12)

    def mutated(key: str, replacement: Any, drop: bool) -> str:
        copy = dict(real)
        if drop:
            copy.pop(key, None)
        else:
            copy[key] = replacement
        return json.dumps(copy)

    return st.one_of(any_json.map(json.dumps), st.builds(mutated, st.sampled_from(sorted(real)), any_json, st.booleans()),
                     st.just(json.dumps(real)))


def csv_texts() -> st.SearchStrategy[str]:
    cell = st.one_of(st.sampled_from(SPECIAL), st.text(st.characters(codec="utf-8", exclude_characters="\x00"),
                                                        max_size=30), st.emails())
    row = st.lists(cell, min_size=0, max_size=6).map(lambda cells: ";".join(c.replace(";", ",") for c in cells))
    return st.lists(row, max_size=8).map(lambda rows: "\n".join(["nome;e-mail;segmento;organização;credencial", *rows]))


def forms(seeded, endpoint: str) -> st.SearchStrategy[MultiDict]:
    a = seeded.world.a
    names = [n.format(open=a.proposal_ids["open"], closed=a.proposal_ids["closed"]) for n in FIELDS[endpoint]]
    value = values(seeded)
    if endpoint == "report_import.confirm":
        value = st.one_of(value, report_texts(seeded))
    if endpoint == "participants.import_confirm":
        value = st.one_of(value, csv_texts())
    key = st.one_of(st.sampled_from(names or ["x"]), st.sampled_from(names or ["x"]),
                    st.text(st.characters(codec="utf-8"), min_size=1, max_size=12))
    pairs = st.lists(st.tuples(key, st.one_of(value, st.lists(value, min_size=2, max_size=3))), max_size=8)

    def build(items: list[tuple[str, Any]]) -> MultiDict:
        data: MultiDict = MultiDict()
        for name, v in items:
            for one in (v if isinstance(v, list) else [v]):
                data.add(name, one)
        return data

    return pairs.map(build)


def files() -> st.SearchStrategy[tuple[bytes, str]]:
    content = st.one_of(
        st.binary(max_size=2000),
        csv_texts().flatmap(lambda t: st.sampled_from(["utf-8", "utf-8-sig", "latin-1", "cp1252", "utf-16"])
                            .map(lambda enc: t.encode(enc, errors="replace"))),
        st.just(b"\x89PNG\r\n\x1a\n\x00\x00"),
        st.just(b'{"schema": "plenaria.report/1"}'),
    )
    name = st.one_of(st.sampled_from(["lista.csv", "r.json", "foto.png", "a.txt", "", ".csv", "x" * 300 + ".csv"]),
                     st.text(st.characters(codec="utf-8", exclude_characters="\x00/\\"), max_size=20))
    return st.tuples(content, name)


def has_nul(data: MultiDict) -> bool:
    return any("\x00" in k or "\x00" in v for k, v in data.items(multi=True))


# --- the endpoints ---------------------------------------------------------------------------------

def main_row(endpoint: str) -> Row:
    return next(r for r in ROWS if r.endpoint == endpoint and not r.label)


def actor_for(row: Row, method: str) -> str:
    allowed = row.methods[method].allowed
    return next(a for a in PREFERENCE if a in allowed)


POST_ENDPOINTS = sorted(r.endpoint for r in ROWS if not r.label and "POST" in r.methods)
GET_ENDPOINTS = sorted(QUERIES)


def test_every_form_endpoint_is_fuzzed(app):
    posts = {rule.endpoint for rule in app.url_map.iter_rules() if "POST" in (rule.methods or ())}
    assert posts == set(FIELDS) == set(POST_ENDPOINTS)
    print(f"\nfuzzed: {len(POST_ENDPOINTS)} POST endpoints and {len(GET_ENDPOINTS)} GET endpoints with a query "
          f"string, {EXAMPLES} examples each, plus the URL fuzzing of every route")


def check(response, *, nul: bool, before: str, after: str, what: str) -> None:
    body = response.get_data(as_text=True)
    assert response.status_code < 500, f"{what}: {response.status_code}"
    assert "Traceback" not in body and "werkzeug.exceptions" not in body, what
    if nul:
        assert response.status_code == 400 and "caractere nulo" in body, f"{what}: NUL gave {response.status_code}"
    if response.status_code >= 400:
        assert after == before, f"{what}: refused with {response.status_code}, yet something was written"


def no_network():
    """The report import may be given any URL: nothing leaves the machine during the tests."""
    def refuse(*_args: Any, **_kwargs: Any):
        raise OSError("network disabled in the tests")

    return mock.patch.object(socket, "create_connection", refuse)


@pytest.mark.parametrize("endpoint", POST_ENDPOINTS)
def test_post_forms_never_fail(seeded, endpoint):
    row = main_row(endpoint)
    actor = actor_for(row, "POST")
    url = url_for_row(seeded.app, seeded.world.a, row)
    phase = PHASES.get(endpoint, row.phase)

    @FUZZ
    @given(data=forms(seeded, endpoint), upload=files())
    def run(data: MultiDict, upload: tuple[bytes, str]) -> None:
        nul = has_nul(data)
        kwargs: dict[str, Any] = {"data": data}
        if endpoint in MULTIPART:
            content, name = upload
            fields = MultiDict(data)
            fields.add("file", FileStorage(io.BytesIO(content), filename=name))
            boundary, body = encode_multipart(fields)
            kwargs = {"data": body, "content_type": f"multipart/form-data; boundary={boundary}"}
        with seeded.undone(phase), no_network():
            if endpoint in SETUP:
                SETUP[endpoint](seeded)
            before = seeded.fingerprint()
            response = seeded.client(actor).post(url, **kwargs)
            response.get_data()
            after = seeded.fingerprint()
        check(response, nul=nul, before=before, after=after, what=f"POST {url} as {actor} with {dict(data.lists())!r:.300}")

    run()


@pytest.mark.parametrize("endpoint", GET_ENDPOINTS)
def test_query_strings_never_fail(seeded, endpoint):
    row = main_row(endpoint)
    actor = actor_for(row, "GET")
    base = url_for_row(seeded.app, seeded.world.a, row).split("?", 1)[0]

    @FUZZ
    @given(params=st.lists(st.tuples(st.one_of(st.sampled_from(QUERIES[endpoint]), st.text(max_size=5)),
                                     values(seeded)), max_size=6))
    def run(params: list[tuple[str, str]]) -> None:
        url = base + ("?" + urlencode(params) if params else "")
        nul = any("\x00" in k or "\x00" in v for k, v in params)
        response = seeded.request(actor, "GET", url, phase=row.phase)
        check(response, nul=nul, before="", after="", what=f"GET {url[:300]} as {actor}")

    run()


# --- the URLs themselves -------------------------------------------------------------------------

SEGMENT = st.one_of(
    st.text(st.characters(codec="utf-8", exclude_characters="\x00"), min_size=1, max_size=40),
    st.integers(min_value=-(2**80), max_value=2**80).map(str),
    st.sampled_from(["0", "9" * 30, "E1-M-01", "..", "%", "%2F", "a b", "ç", "👍", "v1", "1.csv"]),
)


def test_random_values_in_every_url_never_fail(seeded):
    rules = sorted((r for r in seeded.app.url_map.iter_rules() if r.endpoint != "static" and r.arguments),
                   key=lambda r: r.rule)

    @settings(FUZZ, max_examples=max(EXAMPLES * 10, 150))
    @given(st.sampled_from(rules), st.data(), st.sampled_from([ANON, ADMIN, SECRETARY, DELEGATE]))
    def run(rule, data, actor) -> None:  # type: ignore[no-untyped-def]
        path = rule.rule
        for name in sorted(rule.arguments):
            value = data.draw(SEGMENT, label=name)
            path = path.replace(f"<{name}>", quote(value, safe=""))
            path = re.sub(rf"<[^<>]*:{name}>", quote(value, safe=""), path)
        method = "GET" if "GET" in rule.methods else "POST"
        response = seeded.request(actor, method, path, data={} if method == "POST" else None)
        check(response, nul=False, before="", after="", what=f"{method} {path[:300]} as {actor}")

    run()


# --- huge bodies -----------------------------------------------------------------------------------

@pytest.mark.parametrize("endpoint", POST_ENDPOINTS)
def test_huge_bodies_are_refused_or_handled_never_a_500(seeded, endpoint):
    """Just under MAX_CONTENT_LENGTH in one field: handled (usually a 422); beyond it: 413."""
    row = main_row(endpoint)
    actor = actor_for(row, "POST")
    url = url_for_row(seeded.app, seeded.world.a, row)
    limit = seeded.app.config["MAX_CONTENT_LENGTH"]
    a = seeded.world.a
    name = (FIELDS[endpoint] or ["x"])[0].format(open=a.proposal_ids["open"], closed=a.proposal_ids["closed"])
    for size, expected in ((limit - 4096, None), (limit + 1, 413)):
        with seeded.undone(PHASES.get(endpoint, row.phase)), no_network():
            if endpoint in SETUP:
                SETUP[endpoint](seeded)
            before = seeded.fingerprint()
            response = seeded.client(actor).post(url, data={name: "ç" * (size // 2)})
            response.get_data()
            after = seeded.fingerprint()
        check(response, nul=False, before=before, after=after, what=f"POST {url} with {size} bytes in {name}")
        if expected is not None:
            assert response.status_code == expected, (endpoint, size, response.status_code)


# --- the report import, with reports that are well formed but odd ------------------------------------

def odd_reports(seeded) -> st.SearchStrategy[str]:
    """A published report of another conference whose forwarded deliberations and origin carry
    random values: NUL characters, huge texts, wrong types, huge numbers."""
    real = json.loads(seeded.connection.execute(sa.select(PublishedReport.content).limit(1)).scalar_one())
    text = st.one_of(st.text(st.characters(codec="utf-8"), max_size=40), st.sampled_from(SPECIAL),
                     st.builds(lambda n: "x" * n, st.sampled_from([201, 601, 5001, 100_001])))
    anything = st.one_of(text, st.integers(-(2**70), 2**70), st.none(), st.booleans(), st.lists(text, max_size=2),
                         st.dictionaries(text, text, max_size=2))
    plain = st.sampled_from(["Texto.", "Proposta encaminhada", "Cofinanciamento"])
    entry = st.fixed_dictionaries(
        {"code": st.one_of(st.just("E1-E-01"), st.just("E1-E-01"), text),
         "title": st.one_of(plain, text), "text": st.one_of(plain, plain, text),
         "eixo": st.one_of(st.integers(-3, 3), st.integers(-(2**70), 2**70), st.just(1))},
        optional={"eixo_title": anything, "sphere": anything, "votes": anything})
    origin = st.fixed_dictionaries(
        {"title": st.one_of(text, st.just("Conferência de origem")),
         "url": st.one_of(st.just("https://origem.example/c"), text.map(lambda t: "https://" + t))},
        optional={"eixos": st.one_of(anything, st.lists(st.fixed_dictionaries({"number": anything, "title": anything}),
                                                         max_size=3)),
                  "slug": anything, "edition": anything, "territory": anything})

    def report(conference: dict, estadual: list, federal: list) -> str:
        for n, item in enumerate(estadual + federal):  # mostly distinct codes, so that some are imported
            if item["code"] == "E1-E-01":
                item["code"] = f"E1-E-{n:02d}"
        return json.dumps({**real, "status": "published", "conference": {**real["conference"], **conference},
                           "forwarded": {"estadual": estadual, "federal": federal}})

    return st.builds(report, origin, st.lists(entry, min_size=1, max_size=3), st.lists(entry, max_size=2))


def test_the_report_import_of_odd_reports_never_fails(seeded):
    a = seeded.world.a
    url = f"/conferencias/{a.slug}/gestao/relatorio/importar/confirmar"

    @FUZZ
    @given(report=odd_reports(seeded), eixo=st.sampled_from([str(a.eixo_ids[0]), "", "999999999999"]),
           optional=st.booleans())
    def run(report: str, eixo: str, optional: bool) -> None:
        data = {"report_text": report, "eixo_1": eixo, "eixo_-1": eixo, "eixo_0": eixo, "eixo_2": eixo,
                "eixo_3": eixo}
        if optional:
            data["include_optional"] = "y"
        with seeded.undone(Phase.DEBATE), no_network():
            as_state_conference(seeded)
            before = seeded.fingerprint()
            response = seeded.client(SECRETARY).post(url, data=data)
            response.get_data()
            after = seeded.fingerprint()
        check(response, nul=False, before=before, after=after, what=f"POST {url} with {report[:300]}")

    run()

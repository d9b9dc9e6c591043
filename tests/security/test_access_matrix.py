"""Access control, proven for every route: every endpoint of the URL map × every kind of actor ×
every method the route allows, against one seeded world (tests/security/world.py), checked
cell by cell against the expected table (tests/security/access_table.py).

A route without its row in the table fails ``test_every_route_is_classified``. Each request
runs in a savepoint that is rolled back, so every cell sees the same world.

The second half: ids in URLs and forms are never trusted. Conference B's proposal codes,
comments, rounds, participations, eixos and ballots, used through conference A's addresses,
are not found (or refused), and nothing is written.
"""

from __future__ import annotations

from typing import Any

import pytest
import sqlalchemy as sa

from app.conferences.models import Eixo, Participation
from app.proposals.models import Proposal
from tests.security import access_table
from tests.security.access_table import LOGIN, ROWS, Row
from tests.security.world import ACTORS, ADMIN, DELEGATE, OBSERVER, PENDING, SECRETARY, Site

FILLED = {"version": 1, "fmt": "csv"}  # the published report; CSV downloads (PDFs are slow to render)


def url_for_row(app: Any, site: Site, row: Row, **override: Any) -> str:
    """The row's endpoint with its URL filled from the seeded world."""
    rule = next(r for r in app.url_map.iter_rules() if r.endpoint == row.endpoint)
    values: dict[str, Any] = {
        "slug": site.slug,
        "code": site.proposals[row.code],
        "comment_id": site.comment_id,
        "round_id": site.rounds[row.round],
        "participation_id": site.participations[row.participation],
        "eixo_id": site.eixo_ids[0],
        "receipt": site.receipt,
        **FILLED,
    }
    values.update(override)
    url = app.url_map.bind("localhost").build(row.endpoint, {k: values[k] for k in rule.arguments})
    return url + (f"?{row.query}" if row.query else "")


def outcome(response: Any) -> int | str:
    """The status, with a redirect to the login page told apart from any other redirect."""
    location = response.headers.get("Location", "")
    if response.status_code == 302 and location.startswith("/entrar"):
        assert "next=" in location, location
        return LOGIN
    return response.status_code


def cell_ids() -> list[Any]:
    return [pytest.param(r, id=r.id) for r in ROWS]


# --- the table covers the URL map ----------------------------------------------------------

def test_every_route_is_classified(app):
    """A route added without its row in tests/security/access_table.py fails here."""
    routes = {rule.endpoint for rule in app.url_map.iter_rules()}
    classified = {r.endpoint for r in ROWS}
    missing = sorted(routes - classified - set(access_table.UNCLASSIFIED_ON_PURPOSE))
    assert not missing, f"routes without a row in tests/security/access_table.py: {missing}"
    stale = sorted(classified - routes)
    assert not stale, f"rows for routes that no longer exist: {stale}"


def test_every_method_of_every_route_is_classified(app):
    """Each method a route allows (besides HEAD and OPTIONS) has its cells in the table."""
    problems = []
    for rule in app.url_map.iter_rules():
        if rule.endpoint in access_table.UNCLASSIFIED_ON_PURPOSE:
            continue
        allowed = set(rule.methods or ()) - {"HEAD", "OPTIONS"}
        rows = [r for r in ROWS if r.endpoint == rule.endpoint]
        main = [r for r in rows if not r.label]
        if len(main) != 1:
            problems.append(f"{rule.endpoint}: {len(main)} unlabelled rows (one expected)")
            continue
        for r in rows:
            if set(r.methods) - allowed:
                problems.append(f"{r.id}: methods {sorted(set(r.methods) - allowed)} not allowed by the route")
        if set(main[0].methods) != allowed:
            problems.append(f"{rule.endpoint}: the table has {sorted(main[0].methods)}, the route {sorted(allowed)}")
    assert not problems, "\n".join(problems)


def test_the_size_of_the_matrix(app):
    """Reported in docs/security.md: endpoints × actors × methods."""
    endpoints = {r.endpoint for r in ROWS}
    cells = sum(len(r.methods) * len(ACTORS) for r in ROWS)
    method_pairs = sum(len(r.methods) for r in ROWS if not r.label)
    assert len(endpoints) == len([e for e in {rule.endpoint for rule in app.url_map.iter_rules()} if e != "static"])
    assert cells >= method_pairs * len(ACTORS)
    print(f"\naccess matrix: {len(endpoints)} endpoints, {method_pairs} endpoint-methods × {len(ACTORS)} actors "
          f"= {method_pairs * len(ACTORS)} cells, plus {cells - method_pairs * len(ACTORS)} cells of variants")


# --- the cells ------------------------------------------------------------------------------

@pytest.mark.parametrize("row", cell_ids())
def test_access_matrix(seeded, row: Row):
    app, world = seeded.app, seeded.world
    url = url_for_row(app, world.a, row)
    wrong = []
    for method, cells in row.methods.items():
        for actor in ACTORS:
            response = seeded.request(actor, method, url, phase=row.phase, data={} if method == "POST" else None)
            got = outcome(response)
            if got == 500 or got != cells.expected(actor):
                wrong.append(f"{method} {url} as {actor}: expected {cells.expected(actor)}, got {got}")
            elif got == 302 and cells.expected(actor) == 302:
                assert not response.headers["Location"].startswith("/entrar")
    assert not wrong, "\n".join(wrong)


@pytest.mark.parametrize("method", ["GET", "POST", "PUT", "DELETE", "PATCH"])
def test_methods_a_route_does_not_allow_are_405(seeded, method):
    """Every route refuses the methods it does not declare, for anonymous visitors and the admin."""
    app, world = seeded.app, seeded.world
    wrong = []
    for r in ROWS:
        if r.label:
            continue
        rule = next(x for x in app.url_map.iter_rules() if x.endpoint == r.endpoint)
        if method in (rule.methods or ()):
            continue
        url = url_for_row(app, world.a, r)
        for actor in ("anonymous", ADMIN):
            response = seeded.request(actor, method, url)
            if response.status_code != 405:
                wrong.append(f"{method} {url} as {actor}: {response.status_code}")
            elif set(response.headers.get("Allow", "").split(", ")) != set(rule.methods or ()):
                wrong.append(f"{method} {url}: Allow {response.headers.get('Allow')!r}, the route has {rule.methods}")
    assert not wrong, "\n".join(wrong)


# --- ids in URLs are never trusted ------------------------------------------------------------

def _main_row(endpoint: str) -> Row:
    return next(r for r in ROWS if r.endpoint == endpoint and not r.label)


def _a_url(seeded, endpoint: str, **values: Any) -> str:
    return url_for_row(seeded.app, seeded.world.a, _main_row(endpoint), **values)


def _foreign_object_urls(seeded) -> list[tuple[str, str, str, str]]:
    """(method, url, endpoint, what) for each of B's objects named under A's slug."""
    a, b = seeded.world.a, seeded.world.b
    only_b = b.proposals["only_b"]
    shared_code = a.proposals["debated"]  # B has a proposal with the same code: A's is meant
    cases: list[tuple[str, str, str, str]] = []

    def add(endpoint: str, methods: tuple[str, ...], what: str, **values: Any) -> None:
        url = _a_url(seeded, endpoint, **values)
        cases.extend((m, url, endpoint, what) for m in methods)

    for endpoint, methods in (("proposals.detail", ("GET",)), ("proposals.history_page", ("GET",)),
                              ("proposals.edit", ("GET", "POST")), ("proposals.withdraw", ("GET", "POST")),
                              ("proposals.final_wording", ("GET", "POST")), ("comments.create", ("POST",)),
                              ("report_admin.settle", ("POST",)), ("api.proposal", ("GET",))):
        add(endpoint, methods, "B's proposal code under A's slug", code=only_b)
    for endpoint, methods in (("comments.edit", ("GET", "POST")), ("comments.delete", ("POST",)),
                              ("comments.report", ("GET", "POST")), ("comments.hide", ("GET", "POST")),
                              ("comments.restore", ("POST",))):
        for code in (shared_code, only_b):
            add(endpoint, methods, f"B's comment under A's proposal {code}", code=code, comment_id=b.comment_id)
    for endpoint, methods in (
        ("manage_rounds.edit", ("GET", "POST")), ("manage_rounds.proposals", ("GET", "POST")),
        ("manage_rounds.open_round", ("POST",)), ("manage_rounds.delete", ("POST",)),
        ("plenary.panel", ("GET",)), ("plenary.add_elector", ("POST",)), ("plenary.counts", ("GET", "POST")),
        ("plenary.close", ("GET", "POST")), ("rounds.detail", ("GET",)), ("rounds.vote", ("POST",)),
        ("rounds.results", ("GET",)), ("rounds.published_ballots", ("GET",)), ("rounds.receipt", ("GET",)),
        ("api.round_detail", ("GET",)), ("api.round_ballots", ("GET",)),
    ):
        for state, round_id in b.rounds.items():
            add(endpoint, methods, f"B's {state} round under A's slug", round_id=round_id, receipt=b.receipt)
    add("rounds.receipt", ("GET",), "B's receipt under A's closed round", round_id=a.rounds["closed"],
        receipt=b.receipt)
    for endpoint in ("participants.set_credential", "participants.set_presence"):
        for role, pid in b.participations.items():
            add(endpoint, ("POST",), f"B's {role} participation under A's slug", participation_id=pid)
    add("admin.remove_secretary", ("POST",), "B's secretary under A's secretariat page",
        participation_id=b.participations["secretary"])
    for endpoint, methods in (("manage.edit_eixo", ("GET", "POST")), ("manage.move_eixo", ("POST",))):
        add(endpoint, methods, "B's eixo under A's slug", eixo_id=b.eixo_ids[0])
    return cases


FOREIGN_FORMS = {  # a valid-looking form for each POST above, so that only the foreign id is wrong
    "proposals.edit": {"title": "Tomada", "body": "Texto trocado."},
    "proposals.withdraw": {"reason": "Retirada por outra conferência."},
    "proposals.final_wording": {"final_wording": "Redação trocada."},
    "comments.create": {"body": "Comentário infiltrado."},
    "comments.edit": {"body": "Editado de fora."},
    "comments.report": {"reason": "Denúncia de fora."},
    "comments.hide": {"reason": "Ocultado de fora."},
    "report_admin.settle": {"nd-E2-E-01-reason": "Não deliberada de fora."},
    "manage_rounds.edit": {"title": "Rodada tomada", "majority_rule": "simple", "quorum_percent": "0"},
    "plenary.close": {"confirm": "y"},
    "participants.set_credential": {"credential": "delegado"},
    "participants.set_presence": {"present": "1"},
    "manage.edit_eixo": {"title": "Eixo tomado"},
    "manage.move_eixo": {"direction": "up"},
    "plenary.add_elector": {"participation_id": "1"},
}


@pytest.mark.parametrize("actor", [SECRETARY, ADMIN, DELEGATE, OBSERVER, PENDING])
def test_another_conferences_objects_through_our_urls_are_not_found(seeded, actor):
    """Acting on conference B's objects through conference A's addresses: 404, nothing written.

    As A's secretary and the admin (who pass every permission check of A, so only the id
    check stands between them and B's objects) and as A's participants (who may also be
    stopped earlier, at the secretariat's door: 403).
    """
    before = seeded.fingerprint()
    wrong = []
    cases = _foreign_object_urls(seeded)
    for method, url, endpoint, what in cases:
        data = FOREIGN_FORMS.get(endpoint, {}) if method == "POST" else None
        with seeded.undone():
            response = seeded.client(actor).open(url, method=method, data=data)
            response.get_data()
            after = seeded.fingerprint()
        got = outcome(response)
        # 404, or the refusal this actor gets at the door of this page anyway (the matrix's cell).
        door = _main_row(endpoint).methods[method]
        stopped_at_the_door = actor not in door.allowed and got == door.expected(actor)
        if got != 404 and not stopped_at_the_door:
            wrong.append(f"{method} {url} ({what}) as {actor}: {got}")
        if after != before:
            wrong.append(f"{method} {url} ({what}) as {actor}: the database changed")
    assert not wrong, "\n".join(wrong)
    assert len(cases) > 80


# --- foreign ids in forms ---------------------------------------------------------------------

def _rows(seeded, model: Any, *ids: int) -> list[tuple]:
    table = model.__table__
    return [tuple(r) for r in seeded.connection.execute(sa.select(table).where(table.c.id.in_(ids))
                                                        .order_by(table.c.id)).all()]


def test_foreign_ids_in_forms_touch_nothing_of_the_other_conference(seeded):
    """Ids of B's objects smuggled into A's forms (bulk accreditation, late delegates, round
    proposals, aglutinação, counts, ballots, replies, caps, the eixo of a new proposal)."""
    from app.conferences.phases import Phase

    a, b = seeded.world.a, seeded.world.b
    slug = a.slug
    b_participations = list(b.participations.values())
    b_proposals = list(b.proposal_ids.values())

    def b_state() -> tuple:
        return (_rows(seeded, Participation, *b_participations), _rows(seeded, Proposal, *b_proposals),
                _rows(seeded, Eixo, *b.eixo_ids))

    before = b_state()
    attempts = [  # (actor, url, data, phase, acceptable statuses)
        (SECRETARY, f"/conferencias/{slug}/gestao/inscricoes/lote",
         {"action": "delegado", "ids": b_participations}, None, {302}),
        (SECRETARY, f"/conferencias/{slug}/gestao/inscricoes/lote",
         {"action": "check_in", "ids": b_participations}, None, {302}),
        (SECRETARY, f"/conferencias/{slug}/gestao/votacoes/{a.rounds['open']}/eleitorado",
         {"participation_id": b.participations["delegate"]}, None, {404}),
        (SECRETARY, f"/conferencias/{slug}/gestao/votacoes/{a.rounds['draft']}/propostas",
         {"proposal_ids": b_proposals}, None, {302, 422}),
        (SECRETARY, f"/conferencias/{slug}/propostas/aglutinar",
         {"proposal_ids": b_proposals[:2], "eixo_id": a.eixo_ids[0], "sphere": "municipal", "title": "Junta",
          "body": "Texto."}, None, {422}),
        (SECRETARY, f"/conferencias/{slug}/propostas/aglutinar",
         {"proposal_ids": [a.proposal_ids["debated"], b_proposals[0]], "eixo_id": a.eixo_ids[0],
          "sphere": "municipal", "title": "Junta", "body": "Texto."}, None, {422}),
        (SECRETARY, f"/conferencias/{slug}/gestao/votacoes/{a.rounds['open']}/contagem",
         {"rows-0-proposal_id": b.proposal_ids["open"], "rows-0-yes": "5"}, None, {400, 422}),
        (DELEGATE, f"/conferencias/{slug}/votacoes/{a.rounds['open']}/votar",
         {f"p-{b.proposal_ids['open']}": "yes"}, None, {422}),
        (DELEGATE, f"/conferencias/{slug}/propostas/{a.proposals['debated']}/comentarios/",
         {"body": "Resposta", "parent_id": b.comment_id}, Phase.DEBATE, {422}),
        (PENDING, f"/conferencias/{slug}/propostas/nova",
         {"eixo_id": b.eixo_ids[0], "sphere": "municipal", "title": "No eixo de B", "body": "Texto."},
         Phase.PROPOSALS, {422}),
        (SECRETARY, f"/conferencias/{slug}/gestao/regras",
         {"majority_rule": "simple", "quorum_percent": "50", "proposals_per_participant": "3", "reports_to_hide": "3",
          "caps-0-eixo_id": b.eixo_ids[0], "caps-0-cap_municipal": "1"}, None, {302, 400, 422}),
    ]
    wrong = []
    for actor, url, data, phase, statuses in attempts:
        with seeded.undone(phase):
            baseline = seeded.fingerprint()
            response = seeded.client(actor).post(url, data=data)
            response.get_data()
            after = b_state()
            unchanged = seeded.fingerprint() == baseline
        if response.status_code not in statuses:
            wrong.append(f"POST {url} {data} as {actor}: {response.status_code}, expected {sorted(statuses)}")
        if after != before:
            wrong.append(f"POST {url} {data} as {actor}: conference B's rows changed")
        if response.status_code >= 400 and not unchanged:
            wrong.append(f"POST {url} {data} as {actor}: refused with {response.status_code}, yet wrote something")
    assert not wrong, "\n".join(wrong)

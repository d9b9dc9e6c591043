"""API v1, rounds part: shapes, no figures of open rounds, ballots only once closed,
clean JSON errors, and the OpenAPI document."""

import pytest

from app.api.openapi import build_document
from app.votes.models import Ballot

jsonschema_rs = pytest.importorskip("jsonschema_rs")

ITEM_KEYS = {"proposal", "yes", "no", "abstain", "in_person", "by_segment", "outcome", "rank", "forwarded"}
ROUND_KEYS = {"id", "title", "kind", "state", "secret", "majority_rule", "electorate", "opened_at", "closed_at",
              "results"}


@pytest.fixture
def rounds_world(plenary):
    proposals = plenary.proposals(3)
    a, b, c = proposals
    closed = plenary.start([a, b], title="Encerrada")
    plenary.vote(plenary.delegates[0], closed, {a: "yes", b: "no"})
    plenary.vote(plenary.delegates[1], closed, {a: "yes", b: "abstain"})
    plenary.vote(plenary.delegates[2], closed, {a: "no"})
    plenary.count(closed, {a: (2, 0, 0), b: (0, 1, 1)})
    plenary.close(closed)
    still_open = plenary.start([c], title="Aberta")
    plenary.vote(plenary.delegates[0], still_open, {c: "yes"})
    plenary.vote(plenary.delegates[1], still_open, {c: "yes"})
    draft = plenary.create(title="Rascunho secreto")
    return {"closed": closed, "open": still_open, "draft": draft, "proposals": proposals}


def api(plenary, suffix=""):
    return f"/api/v1/conferences/{plenary.slug}/rounds{suffix}"


def test_list_has_the_issue_shape_results_only_for_closed_rounds_and_no_drafts(client, plenary, rounds_world,
                                                                               schema_of):
    response = client.get(api(plenary))
    assert response.status_code == 200 and response.headers["Access-Control-Allow-Origin"] == "*"
    schema_of("RoundList").validate(response.get_json())
    items = response.get_json()["items"]
    assert {i["title"] for i in items} == {"Encerrada", "Aberta"}
    for item in items:
        assert set(item) == ROUND_KEYS
    by_title = {i["title"]: i for i in items}
    assert by_title["Aberta"]["results"] is None and by_title["Aberta"]["state"] == "open"
    assert by_title["Aberta"]["electorate"] == 5 and by_title["Aberta"]["closed_at"] is None
    closed = by_title["Encerrada"]
    assert closed["state"] == "closed" and closed["kind"] == "deliberation" and closed["secret"] is False
    assert closed["majority_rule"] == "simple" and closed["closed_at"] and closed["opened_at"]
    results = closed["results"]
    assert results["voters"] == 5 and results["quorum_met"] is True  # 3 online + 2 in person
    a, b, _c = rounds_world["proposals"]
    first, second = results["items"]
    assert set(first) == ITEM_KEYS
    assert first["proposal"] == a.code
    assert (first["yes"], first["no"], first["abstain"]) == (4, 1, 0)  # totals: online + in person
    assert first["in_person"] == {"yes": 2, "no": 0, "abstain": 0}
    assert first["by_segment"] == {"usuario": {"yes": 2, "no": 0, "abstain": 0},
                                   "trabalhador": {"yes": 0, "no": 1, "abstain": 0},
                                   "entidade": {"yes": 0, "no": 0, "abstain": 0},
                                   "governo": {"yes": 0, "no": 0, "abstain": 0}}
    assert (first["outcome"], first["rank"], first["forwarded"]) == ("approved", None, False)
    assert second["proposal"] == b.code and (second["yes"], second["no"], second["abstain"]) == (0, 2, 2)


def test_no_figure_of_an_open_round_in_the_list_or_detail(client, plenary, rounds_world, schema_of):
    open_id = rounds_world["open"].id
    detail = client.get(api(plenary, f"/{open_id}")).get_json()
    schema_of("Round").validate(detail)
    schema_of("Round").validate(client.get(api(plenary, f"/{rounds_world['closed'].id}")).get_json())
    assert detail["results"] is None and set(detail) == ROUND_KEYS
    listed = next(i for i in client.get(api(plenary)).get_json()["items"] if i["id"] == open_id)
    assert listed == detail
    for payload in (detail, listed):
        assert "yes" not in str(payload) and "voters" not in str(payload)


def test_detail_404s_for_drafts_unknown_ids_other_conferences_and_slugs(client, plenary, rounds_world, schema_of):
    for url in (api(plenary, f"/{rounds_world['draft'].id}"), api(plenary, "/999999"),
                f"/api/v1/conferences/{plenary.other.slug}/rounds/{rounds_world['closed'].id}",
                "/api/v1/conferences/nao-existe/rounds", "/api/v1/conferences/nao-existe/rounds/1"):
        response = client.get(url)
        assert response.status_code == 404, url
        assert response.get_json()["error"]["status"] == 404
        schema_of("Error").validate(response.get_json())


def test_ballots_are_published_once_closed_with_receipts_and_choices(client, plenary, rounds_world, session,
                                                                    schema_of):
    closed = rounds_world["closed"]
    a, b, _c = rounds_world["proposals"]
    response = client.get(api(plenary, f"/{closed.id}/ballots"))
    assert response.status_code == 200
    body = response.get_json()
    schema_of("BallotPage").validate(body)
    assert (body["page"], body["pages"], body["total"]) == (1, 1, 3)
    receipts = sorted(x.receipt for x in session.query(Ballot).filter_by(round_id=closed.id))
    assert [i["receipt"] for i in body["items"]] == receipts
    assert sorted((sorted(i["choices"].items()) for i in body["items"]), key=str) == sorted(
        [sorted({a.code: "yes", b.code: "no"}.items()), sorted({a.code: "yes", b.code: "abstain"}.items()),
         [(a.code, "no")]], key=str)
    assert all(set(i) == {"receipt", "choices"} for i in body["items"])
    empty = client.get(api(plenary, f"/{closed.id}/ballots?page=5")).get_json()
    assert empty["items"] == [] and empty["page"] == 5


def test_ballots_of_an_open_round_are_404_and_bad_pages_are_400(client, plenary, rounds_world):
    response = client.get(api(plenary, f"/{rounds_world['open'].id}/ballots"))
    assert response.status_code == 404
    assert "published once it is closed" in response.get_json()["error"]["message"]
    for bad in ("0", "-1", "abc", "1.5", "100001"):
        response = client.get(api(plenary, f"/{rounds_world['closed'].id}/ballots?page={bad}"))
        assert response.status_code == 400, bad
        assert response.get_json()["error"]["parameter"] == "page"


def test_priority_round_yes_holds_selections_and_rank(client, plenary):
    proposals = plenary.proposals(3, state="approved")
    p1, p2, p3 = proposals
    voting_round = plenary.start(proposals, kind="priority", max_choices=2, forward_count=1)
    for delegate, picks in zip(plenary.delegates, [(p1, p2), (p1,), (p2, p3)], strict=False):
        plenary.vote(delegate, voting_round, dict.fromkeys(picks, "selected"))
    plenary.close(voting_round)
    items = client.get(api(plenary, f"/{voting_round.id}")).get_json()["results"]["items"]
    assert [(i["proposal"], i["yes"], i["no"], i["abstain"], i["rank"], i["outcome"], i["forwarded"]) for i in items] == [
        (p1.code, 2, 0, 0, 1, "tie", False), (p2.code, 2, 0, 0, 1, "tie", False),
        (p3.code, 1, 0, 0, 3, "not_forwarded", False)]
    ballots = client.get(api(plenary, f"/{voting_round.id}/ballots")).get_json()["items"]
    assert ballots
    assert {v for b in ballots for v in b["choices"].values()} == {"selected"}


def test_list_query_count_does_not_grow_with_rounds(client, plenary, count_queries):
    def closed_round(title):
        proposals = plenary.proposals(2)
        voting_round = plenary.start(proposals, title=title)
        plenary.vote(plenary.delegates[0], voting_round, {proposals[0]: "yes"})
        plenary.close(voting_round)

    closed_round("R1")
    url = api(plenary)
    client.get(url)
    with count_queries() as one:
        client.get(url)
    for n in range(2, 6):
        closed_round(f"R{n}")
    with count_queries() as five:
        body = client.get(url).get_json()
    assert len(body["items"]) == 5 and one.count == five.count


def test_openapi_documents_the_rounds_endpoints(client):
    document = client.get("/api/v1/openapi.json").get_json()
    for path in ("/conferences/{slug}/rounds", "/conferences/{slug}/rounds/{id}",
                 "/conferences/{slug}/rounds/{id}/ballots"):
        assert path in document["paths"]
    schemas = document["components"]["schemas"]
    assert set(schemas["Round"]["required"]) == ROUND_KEYS
    assert set(schemas["RoundResultItem"]["required"]) == ITEM_KEYS
    assert "in-person" in schemas["RoundResults"]["properties"]["voters"]["description"]
    assert document == build_document()
    for name in ("Round", "RoundList", "RoundResults", "RoundResultItem", "BallotPage", "VoteFigures"):
        jsonschema_rs.meta.validate({"$schema": "https://json-schema.org/draft/2020-12/schema", **schemas[name]})

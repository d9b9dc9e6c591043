"""API v1, proposals: shapes (checked against the OpenAPI document), filters, 400s naming the
parameter, 404s, hidden and removed comments, and no e-mail address anywhere."""

from __future__ import annotations

import datetime as dt

import jsonschema_rs
import pytest

from app.db import utcnow
from app.proposals.constants import ProposalSphere, ProposalState, Stance

SUMMARY_KEYS = {"code", "title", "eixo", "sphere", "state", "author", "comments", "stances", "merged_into", "url"}


@pytest.fixture
def validate(client):  # type: ignore[no-untyped-def]
    document = client.get("/api/v1/openapi.json").get_json()

    def _validate(data, schema_name: str) -> None:  # type: ignore[no-untyped-def]
        schema = {"$ref": f"#/components/schemas/{schema_name}", "components": document["components"]}
        errors = [str(e) for e in jsonschema_rs.Draft202012Validator(schema).iter_errors(data)]
        assert not errors, errors

    return _validate


def api(world, path: str = "") -> str:  # type: ignore[no-untyped-def]
    return f"/api/v1/conferences/{world.slug}/proposals{path}"


@pytest.fixture
def debate(world, pm):  # type: ignore[no-untyped-def]
    target = pm.proposal(world.conference, None, eixo=2, sphere=ProposalSphere.ESTADUAL, title="Aglutinada")
    source = pm.proposal(world.conference, world.other, title="Fonte", state=ProposalState.MERGED,
                         merged_into=target)
    main = pm.proposal(world.conference, world.author, eixo=1, title="Ônibus para o CRAS", body="Texto **forte**",
                       justification="Porque sim")
    main.final_wording = "Redação final"
    root = pm.comment(main, world.other, "Concordo", stance=Stance.A_FAVOR,
                      created_at=dt.datetime(2019, 9, 26, 15, 30, tzinfo=dt.UTC))
    pm.comment(main, world.author, "Resposta", parent=root, stance=Stance.CONTRA, edited_at=utcnow())
    pm.comment(main, world.other, "Ofensa", stance=Stance.CONTRA, hidden_at=utcnow(), hidden_reason="ofensivo",
               hidden_by_id=world.secretary_user.id)
    pm.comment(main, world.other, "", deleted_at=utcnow())
    return {"target": target, "source": source, "main": main}


def test_list_shape(client, world, debate, validate):
    response = client.get(api(world))
    assert response.status_code == 200 and response.headers["Content-Type"].startswith("application/json")
    data = response.get_json()
    validate(data, "ProposalList")
    assert (data["page"], data["pages"], data["total"]) == (1, 1, 3)
    items = {item["code"]: item for item in data["items"]}
    assert all(set(item) == SUMMARY_KEYS for item in data["items"])
    main = items["E1-M-02"]
    assert main["author"] == {"name": "Ana Autora", "segment": "usuario"}
    assert (main["comments"], main["stances"]) == (2, {"a_favor": 1, "contra": 1, "neutro": 0})
    assert (main["eixo"], main["sphere"], main["state"]) == (1, "municipal", "submitted")
    assert main["url"].endswith(f"/conferencias/{world.slug}/propostas/E1-M-02")
    assert items["E2-E-01"]["author"] == {"name": "Secretaria", "segment": None}
    assert items["E1-M-01"]["merged_into"] == "E2-E-01" and items["E1-M-01"]["state"] == "merged"


def test_list_filters(client, world, debate):
    def codes(query: str) -> list[str]:
        return [item["code"] for item in client.get(api(world, query)).get_json()["items"]]

    assert codes("?eixo=2") == ["E2-E-01"]
    assert codes("?sphere=estadual") == ["E2-E-01"]
    assert codes("?state=merged") == ["E1-M-01"]
    assert codes("?q=onibus") == ["E1-M-02"]
    assert codes("?eixo=1&state=submitted") == ["E1-M-02"]
    assert codes("?eixo=3") == []
    assert codes("?page=2") == []


def test_list_pagination(client, world, pm):
    pm.bulk_proposals(world.conference, world.author, 120)
    data = client.get(api(world, "?page=3")).get_json()
    assert (data["page"], data["pages"], data["total"], len(data["items"])) == (3, 3, 120, 20)


@pytest.mark.parametrize(("query", "parameter"), [
    ("?eixo=abc", "eixo"), ("?eixo=99", "eixo"), ("?eixo=0", "eixo"), ("?eixo=1.5", "eixo"),
    ("?sphere=lunar", "sphere"), ("?sphere=MUNICIPAL", "sphere"),
    ("?state=draft", "state"), ("?state=aprovada", "state"),
    ("?page=0", "page"), ("?page=-1", "page"), ("?page=abc", "page"), ("?page=%C2%B2", "page"),
    ("?page=" + "9" * 30, "page"), ("?page=100001", "page"), ("?eixo=" + "1" * 5000, "eixo"), ("?q=" + "x" * 101, "q"),
])
def test_bad_filter_is_400_naming_the_parameter(client, world, query, parameter):
    response = client.get(api(world, query))
    assert response.status_code == 400
    error = response.get_json()["error"]
    assert error["parameter"] == parameter and error["status"] == 400 and parameter in error["message"]


def test_unknown_conference_or_code_is_json_404(client, world, debate, make, pm):
    for path in ("/api/v1/conferences/nao-existe/proposals", "/api/v1/conferences/nao-existe/proposals/E1-M-01",
                 api(world, "/E9-M-99")):
        response = client.get(path)
        assert response.status_code == 404 and response.get_json()["error"]["status"] == 404
    other = make.conference()
    pm.proposal(other, make.participation(other), eixo=3)
    assert client.get(api(world, "/E3-M-01")).status_code == 404


def test_detail_shape_history_and_comments(client, world, debate, validate):
    response = client.get(api(world, "/E1-M-02"))
    assert response.status_code == 200
    data = response.get_json()
    validate(data, "Proposal")
    assert SUMMARY_KEYS | {"body", "final_wording", "history", "comments"} <= set(data)
    assert (data["body"], data["final_wording"]) == ("Texto **forte**", "Redação final")
    assert data["history"] == [{"at": data["history"][0]["at"], "by": "Ana Autora", "summary": "Proposta enviada"}]
    assert data["history"][0]["at"].endswith("-03:00")
    first, reply, hidden, deleted = data["comments"]
    assert first == {"id": first["id"], "parent_id": None, "author": {"name": "Beto Debatedor", "segment": "trabalhador"},
                     "stance": "a_favor", "body": "Concordo", "created_at": "2019-09-26T12:30:00-03:00",
                     "edited": False, "hidden": False, "hidden_reason": None, "deleted": False}
    assert (reply["parent_id"], reply["edited"], reply["stance"]) == (first["id"], True, "contra")
    assert (hidden["hidden"], hidden["body"], hidden["stance"], hidden["hidden_reason"]) == (True, None, None, "ofensivo")
    assert (deleted["deleted"], deleted["body"], deleted["hidden"]) == (True, None, False)
    assert deleted["author"] == {"name": None, "segment": None}


def test_detail_of_merged_and_aglutinacao(client, world, debate, validate):
    source = client.get(api(world, "/E1-M-01")).get_json()
    validate(source, "Proposal")
    assert source["merged_into"] == "E2-E-01"
    target = client.get(api(world, "/e2-e-01")).get_json()
    assert target["merged_from"] == ["E1-M-01"] and target["author"]["name"] == "Secretaria"


def test_no_email_address_in_any_response(client, world, debate, make):
    assert "@" in world.author_user.email
    paths = [api(world), api(world, "/E1-M-02"), api(world, "/E1-M-01"), api(world, "/E2-E-01"),
             api(world, "?page=abc"), api(world, "/X"), f"/api/v1/conferences/{world.slug}", "/api/v1/openapi.json"]
    for path in paths:
        assert "@" not in client.get(path).get_data(as_text=True), path


def test_openapi_documents_the_proposal_endpoints(client):
    document = client.get("/api/v1/openapi.json").get_json()
    assert "/conferences/{slug}/proposals" in document["paths"]
    assert "/conferences/{slug}/proposals/{code}" in document["paths"]
    names = {p["name"] for p in document["paths"]["/conferences/{slug}/proposals"]["get"]["parameters"]}
    assert names == {"slug", "eixo", "sphere", "state", "q", "page"}
    for name in ("ProposalList", "ProposalSummary", "Proposal", "ProposalComment", "ProposalAuthor"):
        assert name in document["components"]["schemas"]

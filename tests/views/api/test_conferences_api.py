import datetime as dt
import json

import pytest

from app.conferences.constants import Credential, Segment
from app.conferences.phases import Phase
from app.db import utcnow

jsonschema_rs = pytest.importorskip("jsonschema_rs")  # comes with schemathesis (dev dependencies)

START = dt.datetime(2019, 9, 26, 15, 30, tzinfo=dt.UTC)
SUMMARY_KEYS = {"slug", "title", "edition", "sphere", "territory", "starts_at", "ends_at", "venue", "phase", "url"}
DETAIL_KEYS = SUMMARY_KEYS | {"theme", "description", "eixos", "participants"}


@pytest.fixture
def demo(make, session):
    conference = make.conference(
        slug="viii-alvares-2019", title="VIII Conferência de Alvares Florence", edition=8, starts_at=START,
        ends_at=START + dt.timedelta(hours=5), venue="CRAS", theme="Direito do povo", phase=Phase.DEBATE,
        description="Texto do edital.",
    )
    layout = [(Segment.USUARIO, Credential.DELEGADO)] * 3 + [(Segment.USUARIO, Credential.PENDING)] + \
        [(Segment.TRABALHADOR, Credential.OBSERVADOR)] * 2 + [(Segment.ENTIDADE, Credential.CONVIDADO)] + \
        [(Segment.GOVERNO, Credential.DELEGADO)] * 4
    for segment, credential in layout:
        make.participation(conference, segment=segment, credential=credential)
    make.secretary(conference)
    session.commit()
    return conference


def aware(value: str) -> dt.datetime:
    parsed = dt.datetime.fromisoformat(value)
    assert parsed.tzinfo is not None, value
    return parsed


def test_list_shape(client, demo, schema_of):
    response = client.get("/api/v1/conferences")
    assert response.status_code == 200 and response.mimetype == "application/json"
    body = response.get_json()
    assert set(body) == {"items"}
    [item] = body["items"]
    assert set(item) == SUMMARY_KEYS
    assert item == {
        "slug": "viii-alvares-2019", "title": "VIII Conferência de Alvares Florence", "edition": 8,
        "sphere": "municipal", "territory": {"municipio": "Alvares Florence", "uf": "SP", "ibge": "3501103"},
        "starts_at": "2019-09-26T12:30:00-03:00", "ends_at": "2019-09-26T17:30:00-03:00", "venue": "CRAS",
        "phase": "debate", "url": "http://localhost/conferencias/viii-alvares-2019",
    }
    assert aware(item["starts_at"]) == START
    schema_of("ConferenceList").validate(body)


def test_list_puts_upcoming_first_then_past(client, make, session):
    now = utcnow()
    make.conference(slug="passada-antiga", starts_at=now - dt.timedelta(days=900))
    make.conference(slug="futura-longe", starts_at=now + dt.timedelta(days=90))
    make.conference(slug="passada-recente", starts_at=now - dt.timedelta(days=30))
    make.conference(slug="futura-perto", starts_at=now + dt.timedelta(days=3))
    session.commit()
    slugs = [c["slug"] for c in client.get("/api/v1/conferences").get_json()["items"]]
    assert slugs == ["futura-perto", "futura-longe", "passada-recente", "passada-antiga"]


def test_detail_shape_and_counts(client, demo, schema_of):
    response = client.get("/api/v1/conferences/viii-alvares-2019")
    assert response.status_code == 200
    body = response.get_json()
    assert set(body) == DETAIL_KEYS
    assert (body["theme"], body["description"]) == ("Direito do povo", "Texto do edital.")
    assert body["eixos"] == [{"number": 1, "title": "Eixo de teste 1"}, {"number": 2, "title": "Eixo de teste 2"},
                             {"number": 3, "title": "Eixo de teste 3"}]
    assert body["participants"] == {
        "by_segment": {"usuario": 4, "trabalhador": 2, "entidade": 1, "governo": 4},
        "by_credential": {"delegado": 7, "observador": 2, "convidado": 1, "pending": 1},
    }
    assert all(type(n) is int for group in body["participants"].values() for n in group.values())
    schema_of("Conference").validate(body)


def test_detail_of_a_conference_without_participants_has_zeros(client, make, session, schema_of):
    make.conference(slug="vazia", eixos=0, ibge_code=None, municipio=None)
    session.commit()
    body = client.get("/api/v1/conferences/vazia").get_json()
    assert body["eixos"] == []
    assert body["territory"] == {"municipio": None, "uf": "SP", "ibge": None}
    assert set(body["participants"]["by_segment"].values()) == {0}
    assert set(body["participants"]["by_credential"].values()) == {0}
    schema_of("Conference").validate(body)


@pytest.mark.parametrize("tz, offset", [("America/Sao_Paulo", "-03:00"), ("America/Manaus", "-04:00"),
                                        ("America/Noronha", "-02:00")])
def test_times_carry_the_conference_offset(client, make, session, tz, offset):
    make.conference(slug="fuso", starts_at=START, timezone=tz)
    session.commit()
    body = client.get("/api/v1/conferences/fuso").get_json()
    assert body["starts_at"].endswith(offset)
    assert aware(body["starts_at"]) == START


def test_counts_follow_accreditation(client, make, session, demo):
    person = make.participation(demo, segment=Segment.ENTIDADE, organisation="Lar")
    session.commit()
    body = client.get("/api/v1/conferences/viii-alvares-2019").get_json()["participants"]
    assert body["by_segment"]["entidade"] == 2 and body["by_credential"]["pending"] == 2
    person.credential = Credential.DELEGADO
    session.commit()
    body = client.get("/api/v1/conferences/viii-alvares-2019").get_json()["participants"]
    assert body["by_credential"]["pending"] == 1 and body["by_credential"]["delegado"] == 8


@pytest.mark.parametrize("path", ["/api/v1/conferences", "/api/v1/conferences/viii-alvares-2019",
                                  "/api/v1/openapi.json", "/api/v1/conferences/nada", "/api/v1/nada"])
def test_no_email_address_in_any_api_response(client, demo, path):
    assert "@" not in client.get(path).get_data(as_text=True)


def test_unknown_slug_is_a_json_404(client, schema_of):
    response = client.get("/api/v1/conferences/nao-existe")
    assert response.status_code == 404
    assert response.mimetype == "application/json"
    body = response.get_json()
    assert body["error"]["status"] == 404 and "nao-existe" in body["error"]["message"]
    schema_of("Error").validate(body)


@pytest.mark.parametrize("method, path, status", [
    ("GET", "/api/v1/rodadas", 404), ("POST", "/api/v1/conferences", 405), ("DELETE", "/api/v1/conferences", 405),
])
def test_other_api_errors_are_json_too(client, method, path, status):
    response = client.open(path, method=method)
    assert response.status_code == status
    body = json.loads(response.get_data(as_text=True))
    assert body["error"]["status"] == status and body["error"]["message"]


def test_open_data_needs_no_login_and_allows_any_origin(client, demo):
    response = client.get("/api/v1/conferences")
    assert response.status_code == 200
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    assert "Set-Cookie" not in response.headers


def test_openapi_document(client):
    document = client.get("/api/v1/openapi.json").get_json()
    assert document["openapi"] == "3.1.0"
    assert document["servers"] == [{"url": "/api/v1"}]
    assert {"/conferences", "/conferences/{slug}"} <= set(document["paths"])
    detail = document["paths"]["/conferences/{slug}"]["get"]
    assert set(detail["responses"]) == {"200", "404"}
    schemas = document["components"]["schemas"]
    assert set(schemas["ConferenceSummary"]["required"]) == SUMMARY_KEYS
    assert set(schemas["Conference"]["required"]) == DETAIL_KEYS
    jsonschema_rs.meta.validate({"$schema": "https://json-schema.org/draft/2020-12/schema", **schemas["Conference"]})


def test_list_query_count_does_not_grow(client, make, session, count_queries):
    counts = []
    for n in (2, 12):
        for _ in range(n if not counts else n - 2):
            conference = make.conference()
            make.participation(conference)
        session.commit()
        session.expire_all()
        with count_queries() as counter:
            assert len(client.get("/api/v1/conferences").get_json()["items"]) == n
        counts.append(counter.count)
    assert counts[0] == counts[1]

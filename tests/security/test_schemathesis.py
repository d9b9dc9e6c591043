"""Schemathesis against the API's own OpenAPI document (/api/v1/openapi.json), in process: every
operation is called with data generated from the document (path parameters drawn half of the
time from the seeded world, so that the 200 answers are exercised too), and every answer must
be no 500 and match the document (status code, content type, headers, body schema).
"""

from __future__ import annotations

import os
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.config import SchemathesisConfig

from app.api.openapi import build_document
from tests.security.world import World

EXAMPLES = int(os.environ.get("PLENARIA_SCHEMATHESIS_EXAMPLES", "40"))


class FreshContext:
    """The app as a WSGI callable that gives each request its own app context (a fresh
    flask.g and database session), as in production."""

    def __init__(self, app: Any) -> None:
        self.app = app

    def __call__(self, environ: dict, start_response: Any) -> Any:
        with self.app.app_context():
            return list(self.app(environ, start_response))


def real_values(world: World) -> dict[str, list[Any]]:
    a, b = world.a, world.b
    return {
        "slug": [a.slug, b.slug],
        "code": sorted({*a.proposals.values(), *b.proposals.values()}),
        "id": sorted({*a.rounds.values(), *b.rounds.values()}),
        "version": [1, 2],
    }


# - `eixo` must be one of the conference's eixos, which no schema can say (it depends on the
#   data): for that operation a schema-valid eixo may get its documented 400.
# - Requests that break the schema are generated too (negative mode), for the 500s they might
#   cause and the answers' conformance; but the API is lenient on purpose (unknown query
#   parameters are ignored, an empty optional one is absent), so accepting one is no failure.
CONFIG = SchemathesisConfig.from_str("""
[checks]
negative_data_rejection.enabled = false

[[operations]]
include-path = "/conferences/{slug}/proposals"
checks.positive_data_acceptance.expected-statuses = ["2xx", "3xx", "400", "404", "429"]
""")


@pytest.fixture
def api_schema(seeded):
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", FreshContext(seeded.app), config=CONFIG)
    known = real_values(seeded.world)

    @schema.hook
    def flatmap_path_parameters(context, path_parameters):  # type: ignore[no-untyped-def]
        """Half of the time, the world's slugs, codes, round ids and versions."""
        real = {name: st.sampled_from(known[name]) for name in path_parameters or {} if name in known}
        if not real:
            return st.just(path_parameters)
        return st.one_of(st.just(path_parameters),
                         st.fixed_dictionaries(real).map(lambda chosen: {**path_parameters, **chosen}))

    return schema


# Schemathesis's own pytest integration (``from_fixture`` + ``parametrize``) does not run under
# pytest 9 (it reads a private attribute pytest removed), so each operation's strategy is drawn
# from here with hypothesis directly; the checks are the same (``validate_response``).
OPERATIONS = [(method.upper(), path) for path, methods in build_document()["paths"].items() for method in methods]


@pytest.mark.parametrize(("method", "path"), OPERATIONS, ids=[f"{m} {p}" for m, p in OPERATIONS])
def test_the_api_matches_its_openapi_document(api_schema, seeded, method, path):
    operation = api_schema[path][method]
    strategy = st.one_of(operation.as_strategy(GenerationMode.POSITIVE),
                         operation.as_strategy(GenerationMode.NEGATIVE))
    before = seeded.fingerprint()
    statuses: list[int] = []

    @settings(max_examples=EXAMPLES, deadline=None, derandomize=True, database=None,
              suppress_health_check=list(HealthCheck))
    @given(case=strategy)
    def run(case) -> None:  # type: ignore[no-untyped-def]
        response = case.call()
        statuses.append(response.status_code)
        assert response.status_code < 500, (case.method, case.formatted_path, response.status_code)
        case.validate_response(response)

    run()
    assert seeded.fingerprint() == before  # a read-only API
    if "{" in path:  # the world's values were drawn: the 200 answers were checked too
        assert 200 in statuses, sorted(set(statuses))


def test_the_document_is_served_and_describes_every_api_route(seeded):
    client = seeded.client()
    document = client.get("/api/v1/openapi.json").get_json()
    documented = set(document["paths"])
    routes = set()
    for rule in seeded.app.url_map.iter_rules():
        if rule.endpoint.startswith("api.") and rule.endpoint != "api.openapi":
            path = rule.rule.removeprefix("/api/v1")
            for name in rule.arguments:
                path = path.replace(f"<int:{name}>", "{id}" if name == "round_id" else f"{{{name}}}")
                path = path.replace(f"<{name}>", f"{{{name}}}")
            routes.add(path)
    assert routes == documented

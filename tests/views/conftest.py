"""Fixtures shared by the view tests of several areas."""

from __future__ import annotations

import jsonschema_rs
import pytest


@pytest.fixture
def schema_of(client):  # type: ignore[no-untyped-def]
    """``schema_of("Conference").validate(data)``: a schema of the served OpenAPI document."""
    document = client.get("/api/v1/openapi.json").get_json()

    def _validator(name):  # type: ignore[no-untyped-def]
        return jsonschema_rs.Draft202012Validator(
            {"$ref": f"#/components/schemas/{name}", "components": document["components"]}, validate_formats=True)

    return _validator

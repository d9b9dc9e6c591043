"""The OpenAPI 3.1 document of API v1, assembled from each area's fragment."""

from __future__ import annotations

from typing import Any

from app.api import conferences_spec, proposals_spec, reports_spec, rounds_spec

FRAGMENTS = (conferences_spec, proposals_spec, rounds_spec, reports_spec)

ERROR_SCHEMA = {
    "type": "object",
    "required": ["error"],
    "properties": {
        "error": {
            "type": "object",
            "required": ["status", "message"],
            "properties": {
                "status": {"type": "integer"},
                "title": {"type": "string"},
                "message": {"type": "string"},
                "parameter": {"type": "string"},
            },
        }
    },
}


def error_response(description: str) -> dict[str, Any]:
    return {"description": description,
            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}


def json_response(schema_name: str, description: str = "OK") -> dict[str, Any]:
    return {"description": description,
            "content": {"application/json": {"schema": {"$ref": f"#/components/schemas/{schema_name}"}}}}


def build_document() -> dict[str, Any]:
    paths: dict[str, Any] = {}
    schemas: dict[str, Any] = {"Error": ERROR_SCHEMA}
    for fragment in FRAGMENTS:
        paths.update(fragment.paths())
        schemas.update(fragment.schemas())
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Plenária open data API",
            "version": "1.0.0",
            "description": (
                "Read-only open data of the participatory conferences of the SUAS: conferences, "
                "proposals and their debates, voting rounds (results only once closed) and final reports. "
                "No login; no personal data beyond what the public pages show."
            ),
        },
        "servers": [{"url": "/api/v1"}],
        "paths": paths,
        "components": {"schemas": schemas},
    }

"""OpenAPI fragment for the conference endpoints."""

from __future__ import annotations

from typing import Any

SLUG_PARAM = {"name": "slug", "in": "path", "required": True, "schema": {"type": "string"}}


def _counts(keys: list[str]) -> dict[str, Any]:
    return {"type": "object", "required": keys,
            "properties": {k: {"type": "integer", "minimum": 0} for k in keys}, "additionalProperties": False}


def schemas() -> dict[str, Any]:
    summary_props = {
        "slug": {"type": "string"},
        "title": {"type": "string"},
        "edition": {"type": "integer"},
        "sphere": {"type": "string", "enum": ["municipal", "estadual", "nacional"]},
        "territory": {
            "type": "object",
            "required": ["municipio", "uf", "ibge"],
            "properties": {
                "municipio": {"type": ["string", "null"]},
                "uf": {"type": "string"},
                "ibge": {"type": ["string", "null"]},
            },
        },
        "starts_at": {"type": "string", "format": "date-time"},
        "ends_at": {"type": "string", "format": "date-time"},
        "venue": {"type": "string"},
        "phase": {"type": "string",
                  "enum": ["preparation", "proposals", "debate", "voting", "closed", "report_published"]},
        "url": {"type": "string", "format": "uri"},
    }
    detail_props = dict(summary_props)
    detail_props.update({
        "theme": {"type": "string"},
        "description": {"type": "string"},
        "eixos": {"type": "array", "items": {
            "type": "object", "required": ["number", "title"],
            "properties": {"number": {"type": "integer"}, "title": {"type": "string"}}}},
        "participants": {
            "type": "object",
            "required": ["by_segment", "by_credential"],
            "properties": {
                "by_segment": _counts(["usuario", "trabalhador", "entidade", "governo"]),
                "by_credential": _counts(["delegado", "observador", "convidado", "pending"]),
            },
        },
    })
    return {
        "ConferenceSummary": {"type": "object", "required": list(summary_props), "properties": summary_props},
        "ConferenceList": {"type": "object", "required": ["items"], "properties": {
            "items": {"type": "array", "items": {"$ref": "#/components/schemas/ConferenceSummary"}}}},
        "Conference": {"type": "object", "required": list(detail_props), "properties": detail_props},
    }


def paths() -> dict[str, Any]:
    from app.api.openapi import error_response, json_response

    return {
        "/conferences": {"get": {
            "summary": "List the conferences (upcoming first, then past ones)",
            "operationId": "listConferences",
            "responses": {"200": json_response("ConferenceList")},
        }},
        "/conferences/{slug}": {"get": {
            "summary": "One conference with its eixos and participant counts",
            "operationId": "getConference",
            "parameters": [SLUG_PARAM],
            "responses": {"200": json_response("Conference"), "404": error_response("Unknown conference")},
        }},
    }

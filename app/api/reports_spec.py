"""OpenAPI fragment for the final report (schema plenaria.report/1; see docs/report-schema.md).

Kept in step with app/reports/build.py: a test checks that every key the builder writes
is described here.
"""

from __future__ import annotations

from typing import Any

from app.api.conferences_spec import SLUG_PARAM

SEGMENTS = ["usuario", "trabalhador", "entidade", "governo"]
CREDENTIALS = ["delegado", "observador", "convidado", "pending"]
SPHERES = ["municipal", "estadual", "federal"]
NULLABLE_STRING = {"type": ["string", "null"]}
DATE_TIME = {"type": "string", "format": "date-time"}
COUNT = {"type": "integer", "minimum": 0}
APPENDIX_KEYS = ["rejected", "no_quorum", "not_deliberated", "withdrawn", "merged", "not_voted"]
ISSUES = ["tie", "no_quorum", "round_not_closed", "needs_priority_round", "priority_tie", "priority_no_quorum",
          "cap_splits_a_tie"]


def _ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


def _object(props: dict[str, Any], description: str | None = None, *, optional: tuple[str, ...] = ()) -> dict[str, Any]:
    schema: dict[str, Any] = {"type": "object", "required": [k for k in props if k not in optional],
                              "properties": props}
    if description:
        schema["description"] = description
    return schema


def _matrix(description: str) -> dict[str, Any]:
    row = _object(dict.fromkeys(CREDENTIALS, COUNT))
    return _object(dict.fromkeys(SEGMENTS, row), description)


def _votes() -> dict[str, Any]:
    triple = _object({"yes": COUNT, "no": COUNT, "abstain": COUNT})
    return {
        "type": ["object", "null"],
        "description": "Vote figures of the deciding round (online + in person); null when none was held.",
        "required": ["yes", "no", "abstain", "online", "in_person", "round", "round_number"],
        "properties": {
            "yes": COUNT, "no": COUNT, "abstain": COUNT,
            "online": triple, "in_person": triple,
            "round": {"type": "string", "description": "The round's title."},
            "round_number": {"type": "integer", "minimum": 1,
                             "description": "The round's position in `rounds`, from 1."},
        },
    }


def _item() -> dict[str, Any]:
    props: dict[str, Any] = {
        "code": {"type": "string", "examples": ["E1-E-02"]},
        "eixo": {"type": "integer", "description": "The eixo's number in the conference."},
        "eixo_title": {"type": "string"},
        "sphere": {"type": "string", "enum": SPHERES},
        "title": {"type": "string"},
        "text": {"type": "string", "description": "The final wording (redação final), or the proposal's text."},
        "final_wording": {"type": "boolean", "description": "Whether `text` is a final wording."},
        "origin": {
            "type": "object", "required": ["conference", "code", "url"],
            "description": "Present on proposals imported from another conference's report.",
            "properties": {"conference": {"type": "string"}, "code": {"type": "string"},
                           "url": {"type": "string", "format": "uri"}},
        },
        "votes": _votes(),
        "forwarded": {"type": "boolean", "description": "Deliberations only: forwarded to the next conference."},
        "rank": {"type": ["integer", "null"], "description": "Forwarded items only: the priority round's rank."},
        "reason": NULLABLE_STRING,
        "last_outcome": NULLABLE_STRING,
        "merged_into": NULLABLE_STRING,
    }
    return _object(props, "A proposal in the report. Which optional keys appear depends on the list "
                          "(see docs/report-schema.md).",
                   optional=("origin", "votes", "forwarded", "rank", "reason", "last_outcome", "merged_into"))


def schemas() -> dict[str, Any]:
    conference = _object({
        "slug": {"type": "string"}, "title": {"type": "string"}, "edition": {"type": "integer"},
        "sphere": {"type": "string", "enum": ["municipal", "estadual", "nacional"]},
        "territory": _object({"municipio": NULLABLE_STRING, "uf": {"type": "string"}, "ibge": NULLABLE_STRING}),
        "porte": {"type": ["string", "null"], "enum": ["pequeno_i", "pequeno_ii", "medio", "grande", "metropole", None]},
        "theme": {"type": "string"}, "venue": {"type": "string"},
        "starts_at": DATE_TIME, "ends_at": DATE_TIME, "timezone": {"type": "string", "examples": ["America/Sao_Paulo"]},
        "total_hours": {"type": "number", "description": "From start to end, to the quarter hour."},
        "eixos": {"type": "array", "items": _object({"number": {"type": "integer"}, "title": {"type": "string"}})},
        "url": {"type": "string", "format": "uri"},
    })
    participation = _object({
        "by_segment_credential": _matrix("Registered participants, segment × credential."),
        "checked_in": _matrix("Of them, those checked in at the venue."),
        "delegates_by_segment": _object(dict.fromkeys(SEGMENTS, COUNT)),
        "totals": _object({"participants": COUNT, "checked_in": COUNT, "delegates": COUNT}),
        "parity": _object({"governo": COUNT, "sociedade_civil": COUNT, "balanced": {"type": "boolean"}},
                          "Government delegates against civil-society delegates."),
    })
    round_ = _object({
        "title": {"type": "string"}, "kind": {"type": "string", "enum": ["deliberation", "priority"]},
        "secret": {"type": "boolean"},
        "majority_rule": {"type": "string", "enum": ["simple", "absolute", "two_thirds"]},
        "quorum_percent": COUNT, "quorum_needed": COUNT, "quorum_met": {"type": "boolean"},
        "electorate": COUNT, "voters": COUNT, "voters_online": COUNT, "voters_in_person": COUNT,
        "turnout_percent": {"type": "number"}, "opened_at": DATE_TIME, "closed_at": DATE_TIME,
    })
    unresolved = _object({
        "issue": {"type": "string", "enum": ISSUES}, "code": {"type": "string"}, "title": {"type": "string"},
        "round": NULLABLE_STRING,
        "eixo": {"type": "integer"}, "sphere": {"type": "string", "enum": ["estadual", "federal"]},
        "cap": COUNT, "candidates": COUNT, "codes": {"type": "array", "items": {"type": "string"}},
    }, "A pending item (drafts only: a published report has none).",
        optional=("code", "title", "round", "eixo", "sphere", "cap", "candidates", "codes"))
    items = {"type": "array", "items": _ref("ReportItem")}
    report = _object({
        "schema": {"type": "string", "const": "plenaria.report/1"},
        "status": {"type": "string", "enum": ["draft", "published"]},
        "version": {"type": ["integer", "null"], "minimum": 1, "description": "null in a draft."},
        "generated_at": DATE_TIME,
        "conference": _ref("ReportConference"),
        "participation": _ref("ReportParticipation"),
        "deliberations": {**items, "description": "Approved proposals, by eixo, sphere and code."},
        "forwarded": _object({s: {**items, "description": f"Forwarded to the {s} sphere."}
                              for s in ("estadual", "federal")}),
        "appendix": _object(dict.fromkeys(APPENDIX_KEYS, items)),
        "unresolved": {"type": "array", "items": _ref("ReportUnresolved")},
        "rounds": {"type": "array", "items": _ref("ReportRound"), "description": "Closed rounds, in closing order."},
        "integrity": _object({"audit_last_seq": COUNT, "audit_last_hash": {"type": "string", "pattern": "^[0-9a-f]{64}$"},
                              "generated_at": DATE_TIME}),
    }, "The final report of a conference (plenaria.report/1), as published; see docs/report-schema.md.")
    return {
        "Report": report, "ReportConference": conference, "ReportParticipation": participation,
        "ReportItem": _item(), "ReportRound": round_, "ReportUnresolved": unresolved,
    }


def paths() -> dict[str, Any]:
    from app.api.openapi import error_response, json_response

    cache_headers = {
        "ETag": {"description": "The version's SHA-256 and the format.", "schema": {"type": "string"}},
        "Cache-Control": {"description": "public; max-age=300 for the latest, max-age=31536000 and "
                                         "immutable for a numbered version.", "schema": {"type": "string"}},
    }
    ok = {**json_response("Report", "The report's JSON, byte for byte as published"), "headers": cache_headers}
    not_modified = {"description": "Not modified (If-None-Match matched the ETag)"}
    return {
        "/conferences/{slug}/report": {"get": {
            "summary": "The latest published version of the conference's final report",
            "operationId": "getLatestReport",
            "parameters": [SLUG_PARAM],
            "responses": {"200": ok, "304": not_modified,
                          "404": error_response("Unknown conference, or no report published yet")},
        }},
        "/conferences/{slug}/report/{version}": {"get": {
            "summary": "A given published version of the final report (never changes)",
            "operationId": "getReportVersion",
            "parameters": [SLUG_PARAM, {"name": "version", "in": "path", "required": True,
                                        "schema": {"type": "integer", "minimum": 1}}],
            "responses": {"200": ok, "304": not_modified, "404": error_response("Unknown conference or version")},
        }},
    }

"""OpenAPI fragment for the proposal endpoints (kept in step with app/api/proposals.py)."""

from __future__ import annotations

from typing import Any

from app.api.conferences_spec import SLUG_PARAM

SPHERES = ["municipal", "estadual", "federal"]
STATES = ["submitted", "in_vote", "approved", "rejected", "withdrawn", "merged"]
STANCES = ["a_favor", "contra", "neutro"]
SEGMENTS = ["usuario", "trabalhador", "entidade", "governo"]
NULLABLE_STRING = {"type": ["string", "null"]}


def _object(props: dict[str, Any], description: str | None = None) -> dict[str, Any]:
    schema: dict[str, Any] = {"type": "object", "required": list(props), "properties": props}
    if description:
        schema["description"] = description
    return schema


def schemas() -> dict[str, Any]:
    person = _object({
        "name": {"type": ["string", "null"],
                 "description": "Public display name. \"Secretaria\" for a proposal written by the "
                                "secretariat (an aglutinação) or imported; null for a comment removed by its author."},
        "segment": {"type": ["string", "null"], "enum": SEGMENTS + [None],
                    "description": "The author's segment in the conference; null when there is no author."},
    }, "Who wrote it. Never an e-mail address.")
    summary = {
        "code": {"type": "string", "examples": ["E1-M-03"]},
        "title": {"type": "string"},
        "eixo": {"type": "integer", "description": "The eixo's number in the conference."},
        "sphere": {"type": "string", "enum": SPHERES},
        "state": {"type": "string", "enum": STATES},
        "author": {"$ref": "#/components/schemas/ProposalAuthor"},
        "comments": {"type": "integer", "minimum": 0,
                     "description": "Visible comments (removed and hidden ones are not counted)."},
        "stances": {"type": "object", "required": STANCES, "additionalProperties": False,
                    "properties": {s: {"type": "integer", "minimum": 0} for s in STANCES}},
        "merged_into": {"type": ["string", "null"],
                        "description": "Code of the proposal this one was merged into (aglutinação)."},
        "url": {"type": "string", "format": "uri", "description": "The proposal's public page."},
    }
    comment = _object({
        "id": {"type": "integer"},
        "parent_id": {"type": ["integer", "null"], "description": "The comment answered; null for a thread's first comment."},
        "author": {"$ref": "#/components/schemas/ProposalAuthor"},
        "stance": {"type": ["string", "null"], "enum": STANCES + [None],
                   "description": "Null when none was given, or when the comment is hidden or removed."},
        "body": {"type": ["string", "null"],
                 "description": "The text as typed (Markdown subset); null when hidden or removed."},
        "created_at": {"type": "string", "format": "date-time"},
        "edited": {"type": "boolean"},
        "hidden": {"type": "boolean", "description": "Hidden by the moderation (or pending review after reports)."},
        "hidden_reason": {"type": ["string", "null"], "description": "The public reason, when hidden."},
        "deleted": {"type": "boolean", "description": "Removed by its author; the thread keeps its place."},
    })
    detail = dict(summary)
    detail.update({
        "body": {"type": "string", "description": "The text as typed (Markdown subset)."},
        "justification": NULLABLE_STRING,
        "final_wording": NULLABLE_STRING,
        "withdrawn_reason": NULLABLE_STRING,
        "merged_from": {"type": "array", "items": {"type": "string"},
                        "description": "Codes of the proposals merged into this one."},
        "history": {"type": "array", "description": "Versions, oldest first.", "items": _object({
            "at": {"type": "string", "format": "date-time"},
            "by": {"type": "string", "description": "Display name of who made the change, or \"Secretaria\"."},
            "summary": {"type": "string"},
        })},
        "comments": {"type": "array", "description": "The whole debate, in id order; rebuild threads with parent_id.",
                     "items": {"$ref": "#/components/schemas/ProposalComment"}},
    })
    return {
        "ProposalAuthor": person,
        "ProposalSummary": _object(summary),
        "ProposalList": _object({
            "items": {"type": "array", "items": {"$ref": "#/components/schemas/ProposalSummary"}},
            "page": {"type": "integer", "minimum": 1},
            "pages": {"type": "integer", "minimum": 1},
            "total": {"type": "integer", "minimum": 0},
        }, "50 proposals per page, ordered by code."),
        "ProposalComment": comment,
        "Proposal": _object(detail),
    }


def paths() -> dict[str, Any]:
    from app.api.openapi import error_response, json_response

    def query(name: str, schema: dict[str, Any], description: str) -> dict[str, Any]:
        return {"name": name, "in": "query", "required": False, "schema": schema, "description": description}

    return {
        "/conferences/{slug}/proposals": {"get": {
            "summary": "List a conference's proposals, with comment and stance counts",
            "operationId": "listProposals",
            "parameters": [
                SLUG_PARAM,
                query("eixo", {"type": "integer", "minimum": 1, "maximum": 100000},
                      "The eixo's number: one of the conference's eixos, else a 400 naming `eixo`."),
                query("sphere", {"type": "string", "enum": SPHERES}, "Sphere of government."),
                query("state", {"type": "string", "enum": STATES}, "State of the proposal."),
                query("q", {"type": "string", "maxLength": 100},
                      "Words searched in code, title, text and justification (accents ignored)."),
                query("page", {"type": "integer", "minimum": 1, "maximum": 100000, "default": 1}, "Page number."),
            ],
            "responses": {
                "200": json_response("ProposalList"),
                "400": error_response("A bad filter value; error.parameter names the parameter"),
                "404": error_response("Unknown conference"),
            },
        }},
        "/conferences/{slug}/proposals/{code}": {"get": {
            "summary": "One proposal with its text, version history and whole debate",
            "operationId": "getProposal",
            "parameters": [SLUG_PARAM, {"name": "code", "in": "path", "required": True,
                                        "schema": {"type": "string"}, "example": "E1-M-03"}],
            "responses": {
                "200": json_response("Proposal"),
                "404": error_response("Unknown conference or proposal code"),
            },
        }},
    }

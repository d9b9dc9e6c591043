"""OpenAPI fragment for the voting round endpoints."""

from __future__ import annotations

from typing import Any

from app.api.conferences_spec import SLUG_PARAM

ROUND_PARAM = {"name": "id", "in": "path", "required": True, "schema": {"type": "integer"}}
PAGE_PARAM = {"name": "page", "in": "query", "required": False,
              "description": "Page number, from 1 (100 ballots a page). Anything else is a 400 naming `page`.",
              "schema": {"type": "integer", "minimum": 1, "maximum": 100000, "default": 1}}
SEGMENTS = ["usuario", "trabalhador", "entidade", "governo"]


def _figures(description: str) -> dict[str, Any]:
    return {"type": "object", "description": description, "required": ["yes", "no", "abstain"],
            "additionalProperties": False,
            "properties": {k: {"type": "integer", "minimum": 0} for k in ("yes", "no", "abstain")}}


def schemas() -> dict[str, Any]:
    item_props = {
        "proposal": {"type": "string", "description": "The proposal's code, e.g. E1-M-03."},
        "yes": {"type": "integer", "minimum": 0, "description": (
            "Total sim (online + in person). In priority rounds: the number of times the proposal was chosen.")},
        "no": {"type": "integer", "minimum": 0, "description": "Total não (online + in person); 0 in priority rounds."},
        "abstain": {"type": "integer", "minimum": 0,
                    "description": "Total abstenções (online + in person); 0 in priority rounds."},
        "in_person": _figures("The part of the totals counted in the room (contagem por crachá). "
                              "Online figures are the totals minus these."),
        "by_segment": {
            "type": "object", "required": SEGMENTS, "additionalProperties": False,
            "description": ("Online votes by the voter's segment. A segment is null when hidden: in a secret "
                            "round, segments with fewer than 5 voters are not shown."),
            "properties": {s: {"oneOf": [{"type": "null"}, {"$ref": "#/components/schemas/VoteFigures"}]}
                           for s in SEGMENTS},
        },
        "outcome": {"type": "string",
                    "enum": ["approved", "rejected", "tie", "no_quorum", "forwarded", "not_forwarded"],
                    "description": ("Deliberation: approved, rejected, tie or no_quorum. Priority: forwarded, "
                                    "not_forwarded, tie (tied at the cut-off, for the secretariat to settle) "
                                    "or no_quorum.")},
        "rank": {"type": ["integer", "null"], "minimum": 1,
                 "description": "Priority rounds: competition rank (1, 2, 2, 4). Null in deliberation rounds."},
        "forwarded": {"type": "boolean"},
    }
    round_props = {
        "id": {"type": "integer"},
        "title": {"type": "string"},
        "kind": {"type": "string", "enum": ["deliberation", "priority"]},
        "state": {"type": "string", "enum": ["open", "closed"], "description": "Drafts are never listed."},
        "secret": {"type": "boolean"},
        "majority_rule": {"type": "string", "enum": ["simple", "absolute", "two_thirds"]},
        "electorate": {"type": "integer", "minimum": 0,
                       "description": "Delegates in the round's electorate (frozen at opening, plus late delegates)."},
        "opened_at": {"type": ["string", "null"], "format": "date-time"},
        "closed_at": {"type": ["string", "null"], "format": "date-time"},
        "results": {"oneOf": [{"type": "null"}, {"$ref": "#/components/schemas/RoundResults"}],
                    "description": "Null unless the round is closed: an open round's figures are never published."},
    }
    return {
        "VoteFigures": _figures("Sim, não and abstenção counts."),
        "RoundResultItem": {"type": "object", "required": list(item_props), "properties": item_props,
                            "additionalProperties": False},
        "RoundResults": {
            "type": "object", "required": ["voters", "quorum_met", "items"], "additionalProperties": False,
            "description": "Frozen at closing; never recomputed.",
            "properties": {
                "voters": {"type": "integer", "minimum": 0, "description": (
                    "The round's turnout, as the quorum counts it: online ballots cast plus the in-person "
                    "voters (the largest in-person total among the round's proposals).")},
                "quorum_met": {"type": "boolean"},
                "items": {"type": "array", "items": {"$ref": "#/components/schemas/RoundResultItem"},
                          "description": "Priority rounds in ranking order; deliberations in proposal-code order."},
            },
        },
        "Round": {"type": "object", "required": list(round_props), "properties": round_props,
                  "additionalProperties": False},
        "RoundList": {"type": "object", "required": ["items"], "properties": {
            "items": {"type": "array", "items": {"$ref": "#/components/schemas/Round"}}}},
        "BallotPage": {
            "type": "object", "required": ["items", "page", "pages", "total"], "additionalProperties": False,
            "description": ("Published online ballots of a closed round, ordered by receipt code: each with its "
                            "choices and no voter. In-person counts are in the round's results."),
            "properties": {
                "items": {"type": "array", "items": {
                    "type": "object", "required": ["receipt", "choices"], "additionalProperties": False,
                    "properties": {
                        "receipt": {"type": "string", "description": "The receipt code given to the voter."},
                        "choices": {"type": "object", "description": "Proposal code → choice.",
                                    "additionalProperties": {"type": "string",
                                                             "enum": ["yes", "no", "abstain", "selected"]}},
                    }}},
                "page": {"type": "integer", "minimum": 1},
                "pages": {"type": "integer", "minimum": 0},
                "total": {"type": "integer", "minimum": 0},
            },
        },
    }


def paths() -> dict[str, Any]:
    from app.api.openapi import error_response, json_response

    return {
        "/conferences/{slug}/rounds": {"get": {
            "summary": "The voting rounds of a conference (open and closed; results only for closed ones)",
            "operationId": "listRounds",
            "parameters": [SLUG_PARAM],
            "responses": {"200": json_response("RoundList"), "404": error_response("Unknown conference")},
        }},
        "/conferences/{slug}/rounds/{id}": {"get": {
            "summary": "One voting round (results only once closed)",
            "operationId": "getRound",
            "parameters": [SLUG_PARAM, ROUND_PARAM],
            "responses": {"200": json_response("Round"),
                          "404": error_response("Unknown conference, or no open or closed round with this id in it")},
        }},
        "/conferences/{slug}/rounds/{id}/ballots": {"get": {
            "summary": "The published ballots of a closed round (receipt code and choices, no voter)",
            "operationId": "listRoundBallots",
            "parameters": [SLUG_PARAM, ROUND_PARAM, PAGE_PARAM],
            "responses": {
                "200": json_response("BallotPage"),
                "400": error_response("Bad `page` parameter (the error names it)"),
                "404": error_response("Unknown conference or round, or the round is not closed yet: "
                                      "ballots are published only once the round is closed"),
            },
        }},
    }

"""The read-only open-data API, version 1: JSON, no login, documented in OpenAPI 3.1."""

from __future__ import annotations

from flask import Blueprint, current_app, jsonify

from app.api import conferences, proposals, reports, rounds
from app.api.openapi import build_document
from app.extensions import limiter

bp = Blueprint("api", __name__, url_prefix="/api/v1")
# One budget per address for the whole API (API_LIMIT, generous: a plenary behind one NAT).
limiter.shared_limit(lambda: current_app.config["API_LIMIT"], scope="api")(bp)

for module in (conferences, proposals, rounds, reports):
    module.register(bp)


@bp.route("/openapi.json")
def openapi():
    return jsonify(build_document())


@bp.after_request
def _cors(response):  # type: ignore[no-untyped-def]
    # Open data: any site may read it (no credentials are involved).
    response.headers["Access-Control-Allow-Origin"] = "*"
    return response

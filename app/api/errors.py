"""JSON errors of the API with the parameter they are about."""

from __future__ import annotations

from typing import NoReturn

from flask import abort, jsonify, make_response


def bad_parameter(name: str, message: str) -> NoReturn:
    body = {"error": {"status": 400, "title": "Bad Request", "parameter": name, "message": message}}
    abort(make_response(jsonify(body), 400))


def not_found(message: str = "Not found") -> NoReturn:
    body = {"error": {"status": 404, "title": "Not Found", "message": message}}
    abort(make_response(jsonify(body), 404))

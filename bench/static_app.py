"""The readers' baseline: gunicorn serving a fixed body of the same size as our page."""

from __future__ import annotations

import os

BODY = b"x" * int(os.environ.get("STATIC_SIZE", "20000"))


def app(environ, start_response):  # type: ignore[no-untyped-def]
    start_response("200 OK", [("Content-Type", "text/html; charset=utf-8"), ("Content-Length", str(len(BODY)))])
    return [BODY]

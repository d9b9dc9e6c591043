"""Security headers on every response."""

from __future__ import annotations

from flask import Flask, Response, request
from flask_babel import lazy_gettext as _l

from app.errors import abort_with

CSP = "; ".join([
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    "font-src 'self'",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
])


def register_security(app: Flask) -> None:
    app.before_request(refuse_nul_bytes)

    @app.after_request
    def _headers(response: Response) -> Response:
        headers = response.headers
        headers.setdefault("Content-Security-Policy", CSP)
        headers.setdefault("X-Content-Type-Options", "nosniff")
        headers.setdefault("X-Frame-Options", "DENY")
        headers.setdefault("Referrer-Policy", "strict-origin-when-cross-origin")
        headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=(), payment=()")
        if app.config.get("HSTS"):
            headers.setdefault("Strict-Transport-Security", "max-age=63072000; includeSubDomains")
        return response


def refuse_nul_bytes() -> None:
    """NUL bytes in a URL or a form are never typed by people; PostgreSQL cannot store them
    in text and would fail with a 500. Refuse them at the door with a clear 400."""
    values = [request.path, *request.args.keys()]
    for source in (request.args, request.form):
        for items in source.listvalues():
            values.extend(items)
    values.extend(request.form.keys())
    if any("\x00" in value for value in values):
        abort_with(400, _l("O pedido tem caracteres inválidos (caractere nulo). Confira o texto e envie de novo."))

"""Security at the door: headers on every response (CSP, frame-ancestors, nosniff, referrer and
permissions policies, HSTS in production, no-store for logged-in pages), NUL characters refused
with a 400, ids in URLs bounded to what an id column holds, friendly 413 and 405 answers, and
/.well-known/security.txt.

docs/security.md lists the threats and the tests that prove each defence."""

from __future__ import annotations

import datetime as dt

from flask import Flask, Response, current_app, make_response, request, session
from flask_babel import format_decimal
from flask_babel import lazy_gettext as _l
from werkzeug.exceptions import MethodNotAllowed, RequestEntityTooLarge
from werkzeug.routing import IntegerConverter

from app.errors import abort_with, error_response
from app.forms import MAX_INT

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


class IdConverter(IntegerConverter):
    """``<int:…>`` in routes: a whole number that fits an id column; anything larger is a 404
    (SQLite cannot even bind an integer past 2**63 and would fail with a 500)."""

    def __init__(self, map, fixed_digits: int = 0, min: int | None = None,
                 max: int | None = None, signed: bool = False) -> None:
        super().__init__(map, fixed_digits=fixed_digits, min=min, max=MAX_INT if max is None else max, signed=signed)


def install_url_converters(app: Flask) -> None:
    """Before the blueprints are registered (rules bind their converters when added)."""
    app.url_map.converters["int"] = IdConverter


def register_security(app: Flask) -> None:
    app.before_request(refuse_nul_bytes)
    app.add_url_rule("/.well-known/security.txt", "security_txt", security_txt)
    app.register_error_handler(RequestEntityTooLarge, too_large)
    app.register_error_handler(MethodNotAllowed, method_not_allowed)

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
        if "_user_id" in session and "Cache-Control" not in headers:
            # A logged-in page may show personal data: not kept by the browser (a CRAS computer
            # is shared; the back button after logging out shows nothing) nor by any proxy.
            headers["Cache-Control"] = "private, no-store"
        return response


def refuse_nul_bytes() -> None:
    """NUL bytes in a URL or a form are never typed by people; PostgreSQL cannot store them
    in text and would fail with a 500. Refuse them at the door with a clear 400."""
    values = [request.path, *request.args.keys()]
    for source in (request.args, request.form):
        for items in source.listvalues():
            values.extend(items)
    values.extend(request.form.keys())
    # (A malformed multipart part has no name: werkzeug gives it the key None.)
    if any(isinstance(value, str) and "\x00" in value for value in values):
        abort_with(400, _l("O pedido tem caracteres inválidos (caractere nulo). Confira o texto e envie de novo."))


def too_large(_error: RequestEntityTooLarge):  # type: ignore[no-untyped-def]
    """413, saying what the limit is and what to do (the upload never reached the view)."""
    limit = current_app.config.get("MAX_CONTENT_LENGTH") or 0
    size = format_decimal(round(limit / (1024 * 1024), 1), format="#,##0.#")
    return error_response(413, _l(
        "O arquivo enviado passa do tamanho máximo permitido (%(size)s MB). Divida a planilha em arquivos "
        "menores, ou reduza o arquivo, e envie de novo.", size=size))


def method_not_allowed(error: MethodNotAllowed) -> Response:
    """405 with the Allow header that HTTP requires (the friendly page replaces werkzeug's)."""
    response = make_response(error_response(405))
    response.headers["Allow"] = ", ".join(sorted(error.valid_methods or ()))
    return response


def security_txt() -> Response:
    """RFC 9116: where to report a vulnerability (docs/security.md says what to send)."""
    contact = current_app.config.get("SECURITY_CONTACT") or current_app.config["PRIVACY_CONTACT"]
    if not contact.startswith(("mailto:", "https://")):
        contact = "mailto:" + contact
    expires = (dt.datetime.now(dt.UTC) + dt.timedelta(days=180)).replace(microsecond=0)
    lines = [f"Contact: {contact}", f"Expires: {expires.isoformat().replace('+00:00', 'Z')}",
             "Preferred-Languages: pt-BR, en"]
    public = (current_app.config.get("PUBLIC_URL") or "").rstrip("/")
    if public.startswith("https://"):
        lines.append(f"Canonical: {public}/.well-known/security.txt")
    response = Response("\n".join(lines) + "\n", mimetype="text/plain")
    response.headers["Cache-Control"] = "public, max-age=86400"
    return response

"""Domain errors raised by services, and the error pages and JSON errors of the app.

Services raise DomainError subclasses with a message meant for the user (lazily
translated). Views usually catch them to re-render a form; anything uncaught ends here
as a friendly page (or a JSON error under /api), never a stack trace.
"""

from __future__ import annotations

from typing import Any

from flask import Flask, Response, g, jsonify, make_response, render_template, request
from flask_babel import lazy_gettext as _l
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError
from werkzeug.exceptions import HTTPException

from app.extensions import db, login_manager


class DomainError(Exception):
    """A rule of the domain refused the operation; the message is shown to the user."""

    status = 400

    def __init__(self, message: Any, field: str | None = None) -> None:
        # Kept lazy: translating here would read the visitor's locale (and current_user) at
        # raise time, which fails when the session has just been rolled back by a DB error.
        super().__init__(message)
        self.message = message
        self.field = field


class PermissionDenied(DomainError):
    status = 403


class NotFoundError(DomainError):
    status = 404


class ConflictError(DomainError):
    status = 409


class PhaseError(ConflictError):
    """The conference's phase does not allow this action."""


class ValidationError(DomainError):
    """The data given breaks a rule that a form could not check alone."""


ERROR_TITLES = {
    400: _l("Pedido inválido"),
    403: _l("Acesso negado"),
    404: _l("Página não encontrada"),
    405: _l("Método não permitido"),
    409: _l("Não foi possível concluir"),
    413: _l("Arquivo grande demais"),
    429: _l("Muitas tentativas"),
    500: _l("Erro interno"),
    503: _l("Serviço indisponível no momento"),
}

ERROR_MESSAGES = {
    400: _l("O pedido não pôde ser entendido. Volte à página anterior e tente de novo."),
    403: _l("Você não tem permissão para fazer isso."),
    404: _l("Não encontramos o que você procurou. Confira o endereço ou volte ao início."),
    405: _l("Esta ação não é feita por este caminho."),
    409: _l("A ação não pôde ser concluída no estado atual."),
    413: _l("O arquivo enviado passa do tamanho máximo permitido."),
    429: _l("Você fez muitas tentativas em pouco tempo. Aguarde alguns minutos e tente de novo."),
    500: _l("Algo deu errado do nosso lado. Nada foi gravado; tente de novo em instantes."),
    503: _l("O banco de dados não respondeu. Nada foi gravado; tente de novo em instantes."),
}

# The database refused to write (SQLite read-only or on a full disk, PostgreSQL out of disk
# space or in a read-only transaction): waiting a moment does not help, someone must act.
STORAGE_MESSAGE = _l("O banco de dados não consegue gravar agora (disco cheio ou somente leitura). Nada foi "
                     "gravado. Avise a equipe responsável pelo sistema e tente de novo mais tarde.")
UNAVAILABLE, STORAGE = "unavailable", "storage"
_SQLITE_STORAGE = ("SQLITE_READONLY", "SQLITE_FULL", "SQLITE_IOERR", "SQLITE_CANTOPEN")
_SQLITE_STORAGE_TEXT = ("readonly database", "database or disk is full", "disk i/o error", "unable to open database")
_PG_STORAGE = ("53100", "25006")  # disk_full, read_only_sql_transaction


def database_trouble(error: DBAPIError) -> str | None:
    """Why the database failed, when it is the database's state and not the request:
    ``STORAGE`` (it cannot write), ``UNAVAILABLE`` (unreachable, restarting, busy), else None
    (a constraint, a bad statement: a bug, left to the 500 page)."""
    original = error.orig
    sqlite_name = getattr(original, "sqlite_errorname", "") or ""
    text = str(original).lower()
    sqlstate = getattr(original, "sqlstate", None) or ""
    if sqlite_name.startswith(_SQLITE_STORAGE) or sqlstate in _PG_STORAGE:
        return STORAGE
    if not sqlite_name and not sqlstate and any(part in text for part in _SQLITE_STORAGE_TEXT):
        return STORAGE
    if sqlite_name:  # busy or locked: another writer holds the database; anything else is a bug
        return UNAVAILABLE if sqlite_name.startswith(("SQLITE_BUSY", "SQLITE_LOCKED")) else None
    if isinstance(error, (OperationalError, InterfaceError)) or error.connection_invalidated:
        return UNAVAILABLE
    if sqlstate.startswith(("08", "57P", "53")):  # connection lost, server shutting down, out of resources
        return UNAVAILABLE
    return None


def _page_without_database() -> None:
    """The error page must not query a database that just failed: the rollback expired
    every loaded object, the visitor's account included, and reading one would query
    again (and fail inside the error handler: a bare 500). Render it for an anonymous
    visitor; the session cookie is untouched, so the next page is theirs again."""
    g._login_user = login_manager.anonymous_user()


def wants_json() -> bool:
    return request.path.startswith("/api/")


def error_response(status: int, message: Any = None) -> tuple[Response | str, int]:
    message = message or ERROR_MESSAGES.get(status, ERROR_MESSAGES[500])
    title = ERROR_TITLES.get(status, ERROR_TITLES[500])
    if wants_json():
        body = {"error": {"status": status, "title": str(title), "message": str(message)}}
        return jsonify(body), status
    return render_template("errors/error.html", status=status, title=title, message=message), status


def register_error_handlers(app: Flask) -> None:
    @app.errorhandler(DomainError)
    def _domain(error: DomainError):  # type: ignore[no-untyped-def]
        db.session.rollback()
        return error_response(error.status, error.message)

    @app.errorhandler(CSRFError)
    def _csrf(_error: CSRFError):  # type: ignore[no-untyped-def]
        return error_response(
            400,
            _l("O formulário expirou ou veio de outro site. Recarregue a página e envie de novo."),
        )

    @app.errorhandler(HTTPException)
    def _http(error: HTTPException):  # type: ignore[no-untyped-def]
        code = error.code or 500
        # werkzeug's own descriptions are in English; ours are friendlier and translated.
        described = getattr(error, "plenaria_message", None)
        return error_response(code, described)

    @app.errorhandler(DBAPIError)
    def _db_down(error: DBAPIError):  # type: ignore[no-untyped-def]
        trouble = database_trouble(error)
        if trouble is None:
            raise error  # not the database's state: Flask's 500 handling (logged, then the page below)
        app.logger.error("database %s: %s", trouble, error.orig)
        try:
            db.session.rollback()
        except Exception:  # the connection may be gone; the pool recycles it
            app.logger.warning("rollback failed after a database error")
        _page_without_database()
        message = STORAGE_MESSAGE if trouble == STORAGE else None
        response = make_response(error_response(503, message))  # HTML pages are strings until here
        response.headers["Retry-After"] = "60" if trouble == STORAGE else "5"
        return response

    @app.errorhandler(500)
    def _internal(_error: Exception):  # type: ignore[no-untyped-def]
        try:
            db.session.rollback()
        except Exception:
            app.logger.warning("rollback failed while handling an error")
        _page_without_database()
        return error_response(500)


def abort_with(status: int, message: Any) -> None:
    """Abort with a status and a user-facing message (rendered by the handlers above)."""
    from werkzeug.exceptions import default_exceptions

    error = default_exceptions[status]()
    error.plenaria_message = message  # type: ignore[attr-defined]
    raise error

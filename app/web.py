"""Small helpers shared by the views: safe redirects, the clock, pagination arguments."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any, TypeVar
from urllib.parse import urlsplit

from flask import flash, render_template, request

from app.db import utcnow
from app.errors import DomainError
from app.extensions import db

T = TypeVar("T")


def now() -> dt.datetime:
    """The one clock of a request; services receive it as an argument."""
    return utcnow()


def is_safe_next(target: str | None) -> bool:
    """Only same-site paths: no scheme, no host, no protocol-relative or backslash tricks."""
    if not target or not target.startswith("/") or target.startswith("//"):
        return False
    if "\\" in target or any(ord(ch) < 32 for ch in target):
        return False
    parts = urlsplit(target)
    return not parts.scheme and not parts.netloc


def safe_next(target: str | None, default: str) -> str:
    return target if is_safe_next(target) else default


def page_arg(name: str = "page") -> int:
    """A page number from the query string; anything odd falls back to page 1."""
    raw = request.args.get(name, "1")
    try:
        page = int(raw)
    except ValueError:
        return 1
    return page if 1 <= page <= 100_000 else 1


def run_service(form: Any, fn: Callable[..., T], *args: Any, **kwargs: Any) -> T | None:
    """Call one service and commit; on a DomainError roll back and put its message on the form.

    Services always return the object they changed, so None means "refused".
    """
    try:
        result = fn(db.session, *args, **kwargs)
    except DomainError as error:
        db.session.rollback()
        form.add_error(error.field, error.message)
        return None
    db.session.commit()
    return result


def run_action(fn: Callable[..., T], *args: Any, **kwargs: Any) -> T | None:
    """For buttons without fields: commit, or roll back and flash the refusal."""
    try:
        result = fn(db.session, *args, **kwargs)
    except DomainError as error:
        db.session.rollback()
        flash(str(error.message), "error")
        return None
    db.session.commit()
    return result


def render_form(template: str, form: Any, **context: Any) -> tuple[str, int]:
    """Re-render a form with 422 when it carries errors, so tests and clients can tell."""
    status = 422 if (form.errors or getattr(form, "form_errors", None)) else 200
    return render_template(template, form=form, **context), status

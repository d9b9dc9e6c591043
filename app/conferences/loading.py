"""Loading a conference and the visitor's membership for a view: 404, then 403."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from functools import wraps
from typing import Any
from zoneinfo import ZoneInfo

from flask import abort, g, redirect, request, url_for
from flask_login import current_user

from app.conferences import permissions, queries
from app.conferences.models import Conference, Participation
from app.extensions import db


def load_conference(slug: str) -> Conference:
    conference = queries.get_conference(db.session, slug)
    if conference is None:
        abort(404)
    return conference


def membership_of(conference: Conference) -> Participation | None:
    """The current user's participation in the conference, loaded once per request."""
    cache = g.setdefault("memberships", {})
    if conference.id not in cache:
        user_id = current_user.id if current_user.is_authenticated else None
        cache[conference.id] = queries.get_membership(db.session, conference.id, user_id)
    return cache[conference.id]


def me() -> Any:
    return current_user._get_current_object() if current_user.is_authenticated else None


def manager_required(view: Callable[..., Any]) -> Callable[..., Any]:
    """For secretary pages: anonymous → login; logged in but not a secretary here → 403.

    The view receives ``conference`` and ``membership`` instead of ``slug``.
    """

    @wraps(view)
    def wrapper(slug: str, **kwargs: Any) -> Any:
        if not current_user.is_authenticated:
            return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))
        conference = load_conference(slug)
        membership = membership_of(conference)
        if not permissions.can_manage_conference(me(), membership):
            abort(403)
        return view(conference=conference, membership=membership, **kwargs)

    return wrapper


def login_redirect() -> Any:
    return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))


def to_utc(local: dt.datetime, tz_name: str) -> dt.datetime:
    """A naive wall-clock time typed in a form, in the conference's timezone, to UTC."""
    return local.replace(tzinfo=ZoneInfo(tz_name)).astimezone(dt.UTC)


def to_local_naive(value: dt.datetime, tz_name: str) -> dt.datetime:
    return value.astimezone(ZoneInfo(tz_name)).replace(tzinfo=None)

"""Pure permission predicates for conferences: no queries, no request.

``membership`` is the acting user's Participation in the conference (or None); views
load it once and pass it to the predicates, to templates and to services.
"""

from __future__ import annotations

from typing import Any

from app.conferences.constants import Credential, Role
from app.conferences.phases import Action, allows


def _logged_in(user: Any) -> bool:
    return bool(user is not None and getattr(user, "is_authenticated", False))


def is_admin(user: Any) -> bool:
    return _logged_in(user) and bool(getattr(user, "is_admin", False))


def can_create_conference(user: Any) -> bool:
    return is_admin(user)


def can_name_secretaries(user: Any) -> bool:
    return is_admin(user)


def can_manage_conference(user: Any, membership: Any) -> bool:
    """Secretaries of this conference, and admins."""
    if is_admin(user):
        return True
    return _logged_in(user) and membership is not None and membership.role == Role.SECRETARY


def can_join_conference(user: Any, conference: Any, membership: Any) -> bool:
    if not _logged_in(user) or not allows(conference.phase, Action.JOIN):
        return False
    return membership is None or membership.segment is None


def is_participant(membership: Any) -> bool:
    """Registered with a segment: has voice in the conference (delegates, observers, guests)."""
    return membership is not None and membership.segment is not None


def is_delegate(membership: Any) -> bool:
    return is_participant(membership) and membership.credential == Credential.DELEGADO

"""Pure permission predicates of proposals and debates (no queries, no request)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from app.conferences.permissions import can_manage_conference, is_admin, is_participant
from app.conferences.phases import Action, allows
from app.proposals.constants import CLOSED_FOR_DEBATE, COMMENT_EDIT_MINUTES, NO_FINAL_WORDING, ProposalState


def _logged_in(user: Any) -> bool:
    return bool(user is not None and getattr(user, "is_authenticated", False))


def in_conference(user: Any, membership: Any, conference_id: int) -> bool:
    """The membership is the user's own participation in *this* conference: a participation
    (or a secretary post) in another conference gives no rights here."""
    return (
        membership is not None
        and membership.conference_id == conference_id
        and membership.user_id == getattr(user, "id", None)
    )


def is_author(membership: Any, proposal: Any) -> bool:
    return membership is not None and proposal.author_id is not None and proposal.author_id == membership.id


def can_submit_proposal(user: Any, conference: Any, membership: Any) -> bool:
    return (
        _logged_in(user)
        and is_participant(membership)
        and in_conference(user, membership, conference.id)
        and allows(conference.phase, Action.SUBMIT_PROPOSAL)
    )


def can_edit_proposal(user: Any, proposal: Any, membership: Any) -> bool:
    """The author, while the phase allows it and the proposal is in no voting round."""
    return (
        _logged_in(user)
        and is_author(membership, proposal)
        and proposal.state == ProposalState.SUBMITTED
        and allows(proposal.conference.phase, Action.EDIT_OWN_PROPOSAL)
    )


def can_withdraw_proposal(user: Any, proposal: Any, membership: Any) -> bool:
    return (
        _logged_in(user)
        and is_author(membership, proposal)
        and proposal.state == ProposalState.SUBMITTED
        and allows(proposal.conference.phase, Action.WITHDRAW_PROPOSAL)
    )


def can_systematize(user: Any, conference: Any, membership: Any) -> bool:
    """Secretaries edit, merge and set the final wording in the phases that allow it."""
    return can_moderate(user, membership, conference.id) and allows(conference.phase, Action.SYSTEMATIZE)


def can_systematize_proposal(user: Any, proposal: Any, membership: Any) -> bool:
    """A secretary's edit (sistematização): only proposals still in debate."""
    return can_systematize(user, proposal.conference, membership) and proposal.state == ProposalState.SUBMITTED


def can_set_final_wording(user: Any, proposal: Any, membership: Any) -> bool:
    return can_systematize(user, proposal.conference, membership) and proposal.state not in NO_FINAL_WORDING


def can_moderate(user: Any, membership: Any, conference_id: int | None = None) -> bool:
    """Secretaries (and admins); with ``conference_id``, only the secretaries of that conference."""
    if not can_manage_conference(user, membership):
        return False
    return conference_id is None or is_admin(user) or in_conference(user, membership, conference_id)


def debate_open(proposal: Any) -> bool:
    return proposal.state not in CLOSED_FOR_DEBATE and allows(proposal.conference.phase, Action.COMMENT)


def can_comment(user: Any, proposal: Any, membership: Any) -> bool:
    """Every registered participant has voice: delegates, observers and guests alike."""
    return (
        _logged_in(user)
        and is_participant(membership)
        and in_conference(user, membership, proposal.conference_id)
        and debate_open(proposal)
    )


def is_comment_author(membership: Any, comment: Any) -> bool:
    return membership is not None and comment.author_id == membership.id


def can_edit_comment(user: Any, comment: Any, membership: Any, now: dt.datetime) -> bool:
    return (
        _logged_in(user)
        and is_comment_author(membership, comment)
        and comment.deleted_at is None
        and comment.hidden_at is None
        and now - comment.created_at <= dt.timedelta(minutes=COMMENT_EDIT_MINUTES)
    )


def can_delete_comment(user: Any, comment: Any, membership: Any) -> bool:
    return _logged_in(user) and is_comment_author(membership, comment) and comment.deleted_at is None


def can_report_comment(user: Any, comment: Any, membership: Any) -> bool:
    """Anyone logged in, except the author, while the comment is visible."""
    return (
        _logged_in(user)
        and not is_comment_author(membership, comment)
        and comment.deleted_at is None
        and comment.hidden_at is None
    )

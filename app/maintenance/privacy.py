"""`flask privacy purge`: anonymise a conference's participants once its report is
published and the retention period has passed (LGPD art. 15–16), keeping the aggregates
and the public acts (deliberations, results, the report).

What changes: each participation is marked anonymised (its contributions show
"Participante removido"); the exact check-in time becomes the conference's start (the
count of who was present is kept); named ballots lose the link to their voter (they
become like secret ballots: results and receipts stay); comment reports are deleted;
versions edited by participants lose the editor. Accounts left with no participation
that is still live are anonymised as in an account deletion.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.orm import Session

from app.auth.models import REMOVED_NAME, User
from app.conferences.constants import Role
from app.conferences.models import Conference, Participation
from app.conferences.services import audit
from app.proposals.models import Comment, CommentReport, Proposal, ProposalVersion
from app.reports.models import PublishedReport
from app.votes.models import Ballot, Vote, VotingRound


class PurgeRefused(Exception):
    pass


@dataclass(frozen=True)
class PurgeResult:
    participations: int
    accounts: int
    ballots_unlinked: int
    reports_deleted: int
    dry_run: bool


def purge_conference(
    session: Session, conference: Conference, *, retention_days: int, now: dt.datetime, dry_run: bool = False,
) -> PurgeResult:
    first = session.scalars(
        sa.select(PublishedReport).where(PublishedReport.conference_id == conference.id)
        .order_by(PublishedReport.version)
    ).first()
    if first is None:
        raise PurgeRefused("the conference's report has not been published; its data is still needed")
    due = first.published_at + dt.timedelta(days=retention_days)
    if now < due:
        raise PurgeRefused(f"the retention period ends on {due.date().isoformat()} ({retention_days} days after "
                           f"the report's publication)")
    live = list(session.scalars(sa.select(Participation).where(
        Participation.conference_id == conference.id, Participation.anonymized_at.is_(None),
        Participation.role != Role.SECRETARY)))
    rounds = sa.select(VotingRound.id).where(VotingRound.conference_id == conference.id)
    named = session.scalar(sa.select(sa.func.count()).select_from(Ballot).where(
        Ballot.round_id.in_(rounds), Ballot.voter_id.is_not(None))) or 0
    comment_ids = sa.select(Comment.id).join(Proposal, Proposal.id == Comment.proposal_id).where(
        Proposal.conference_id == conference.id)
    reports = session.scalar(sa.select(sa.func.count()).select_from(CommentReport).where(
        CommentReport.comment_id.in_(comment_ids))) or 0
    user_ids = {p.user_id for p in live}
    if dry_run:
        closing = _accounts_to_close(session, user_ids, {p.id for p in live})
        return PurgeResult(len(live), len(closing), named, reports, True)

    for participation in live:
        participation.anonymized_at = now
        if participation.checked_in_at is not None:
            participation.checked_in_at = conference.starts_at
    session.execute(sa.update(Vote).where(Vote.round_id.in_(rounds)).values(voter_id=None))
    session.execute(sa.update(Ballot).where(Ballot.round_id.in_(rounds)).values(voter_id=None, cast_at=None,
                                                                                 changed_at=None))
    session.execute(sa.delete(CommentReport).where(CommentReport.comment_id.in_(comment_ids)))
    proposal_ids = sa.select(Proposal.id).where(Proposal.conference_id == conference.id)
    session.execute(sa.update(ProposalVersion).where(
        ProposalVersion.proposal_id.in_(proposal_ids), ProposalVersion.edited_by_id.in_(user_ids)
    ).values(edited_by_id=None))
    session.flush()
    closed = _accounts_to_close(session, user_ids, {p.id for p in live})
    for user in closed:
        user.email, user.display_name, user.password_hash = None, REMOVED_NAME, None
        user.deleted_at = now
        user.session_version += 1
    session.flush()
    result = PurgeResult(len(live), len(closed), named, reports, False)
    audit(session, None, "privacy.purged", conference, now, conference.id, participations=result.participations,
          accounts=result.accounts, ballots_unlinked=result.ballots_unlinked, reports_deleted=result.reports_deleted)
    return result


def _accounts_to_close(session: Session, user_ids: set[int], just_anonymized: set[int]) -> list[User]:
    """Accounts whose every participation is anonymised (or about to be), admins excepted."""
    if not user_ids:
        return []
    still_live = set(session.scalars(sa.select(Participation.user_id).where(
        Participation.user_id.in_(user_ids), Participation.anonymized_at.is_(None),
        Participation.id.not_in(just_anonymized) if just_anonymized else sa.true())))
    return list(session.scalars(sa.select(User).where(
        User.id.in_(user_ids - still_live), User.is_admin.is_(False), User.deleted_at.is_(None))))

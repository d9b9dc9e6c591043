"""Read-only queries of proposals and debates; counts come from SQL aggregates."""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session, joinedload, selectinload

from app.conferences.constants import Segment
from app.conferences.models import Eixo, Participation
from app.proposals.constants import ProposalSphere, ProposalState, Stance
from app.proposals.models import Comment, CommentReport, Proposal, ProposalVersion
from app.text import fold, like_pattern


class Sort(enum.StrEnum):
    NEWEST = "recentes"
    MOST_DEBATED = "mais-debatidas"
    CODE = "codigo"


@dataclass(frozen=True)
class ProposalFilter:
    eixo: int | None = None  # the eixo's number, as people know it
    sphere: ProposalSphere | None = None
    state: ProposalState | None = None
    segment: Segment | None = None
    text: str = ""
    sort: Sort = Sort.NEWEST


def _visible_comments():  # type: ignore[no-untyped-def]
    return sa.and_(Comment.deleted_at.is_(None), Comment.hidden_at.is_(None))


def proposals_query(conference_id: int, flt: ProposalFilter) -> sa.Select:
    stmt = (
        sa.select(Proposal)
        .join(Proposal.eixo)
        .where(Proposal.conference_id == conference_id, Proposal.state != ProposalState.DRAFT)
        .options(
            joinedload(Proposal.eixo),
            joinedload(Proposal.author).joinedload(Participation.user),
            joinedload(Proposal.merged_into),
        )
    )
    if flt.eixo is not None:
        stmt = stmt.where(Eixo.number == flt.eixo)
    if flt.sphere is not None:
        stmt = stmt.where(Proposal.sphere == flt.sphere)
    if flt.state is not None:
        stmt = stmt.where(Proposal.state == flt.state)
    if flt.segment is not None:
        stmt = stmt.where(Proposal.author.has(Participation.segment == flt.segment))
    for word in fold(flt.text).split()[:8]:
        stmt = stmt.where(Proposal.search_text.like(like_pattern(word), escape="\\"))
    if flt.sort == Sort.MOST_DEBATED:
        debate = (sa.select(sa.func.count()).where(Comment.proposal_id == Proposal.id, _visible_comments())
                  .correlate(Proposal).scalar_subquery())
        stmt = stmt.order_by(debate.desc(), Proposal.created_at.desc(), Proposal.id.desc())
    elif flt.sort == Sort.CODE:
        stmt = stmt.order_by(Eixo.number, Proposal.sphere, Proposal.sequence)
    else:
        stmt = stmt.order_by(Proposal.created_at.desc(), Proposal.id.desc())
    return stmt


@dataclass
class DebateStats:
    comments: int = 0
    stances: dict[str, int] = field(default_factory=lambda: {s.value: 0 for s in Stance})


def debate_stats(session: Session, proposal_ids: list[int]) -> dict[int, DebateStats]:
    """Visible comments and stance counts per proposal, in one GROUP BY query."""
    stats = {pid: DebateStats() for pid in proposal_ids}
    if not proposal_ids:
        return stats
    rows = session.execute(
        sa.select(Comment.proposal_id, Comment.stance, sa.func.count())
        .where(Comment.proposal_id.in_(proposal_ids), _visible_comments())
        .group_by(Comment.proposal_id, Comment.stance)
    ).all()
    for proposal_id, stance, n in rows:
        entry = stats[proposal_id]
        entry.comments += n
        if stance is not None:
            entry.stances[stance.value] += n
    return stats


def get_proposal(session: Session, conference_id: int, code: str) -> Proposal | None:
    """A proposal of *this* conference by its code (codes of other conferences are not found)."""
    return session.scalars(
        sa.select(Proposal)
        .where(Proposal.conference_id == conference_id, Proposal.code == code.upper())
        .options(
            joinedload(Proposal.eixo),
            joinedload(Proposal.author).joinedload(Participation.user),
            joinedload(Proposal.merged_into),
        )
    ).first()


def merged_sources(session: Session, proposal_id: int) -> list[Proposal]:
    return list(session.scalars(
        sa.select(Proposal).where(Proposal.merged_into_id == proposal_id).order_by(Proposal.code)
    ))


def versions(session: Session, proposal_id: int) -> list[ProposalVersion]:
    return list(session.scalars(
        sa.select(ProposalVersion).where(ProposalVersion.proposal_id == proposal_id)
        .options(joinedload(ProposalVersion.edited_by)).order_by(ProposalVersion.number)
    ))


@dataclass
class ThreadPage:
    roots: list[Comment]
    children: dict[int, list[Comment]]
    page: int
    pages: int
    total_threads: int
    more: dict[int, int] = field(default_factory=dict)  # root id → replies left out of this page
    thread: int | None = None  # one whole thread on its own (?fio=<root id>)

    @property
    def link_args(self) -> dict[str, int | None]:
        """The query arguments that bring a visitor back to this view of the debate."""
        if self.thread is not None:
            return {"fio": self.thread}
        return {"debate": self.page if self.page > 1 else None}


def _root_count(session: Session, proposal_id: int, *before: Any) -> int:
    return session.scalar(sa.select(sa.func.count()).select_from(Comment).where(
        Comment.proposal_id == proposal_id, Comment.depth == 1, *before)) or 0


def _pages(total: int, per_page: int) -> int:
    return max(1, -(-total // per_page))


def _page_of_thread(session: Session, proposal_id: int, root_id: int, per_page: int) -> int:
    """The debate page that shows the thread rooted at ``root_id`` (threads in id order)."""
    return _root_count(session, proposal_id, Comment.id < root_id) // per_page + 1


def _as_tree(comments: list[Comment]) -> tuple[list[Comment], dict[int, list[Comment]]]:
    roots: list[Comment] = []
    children: dict[int, list[Comment]] = {}
    for comment in comments:
        if comment.parent_id is None:
            roots.append(comment)
        else:
            children.setdefault(comment.parent_id, []).append(comment)
    return roots, children


def thread_page(session: Session, proposal_id: int, page: int, per_page: int = 50, *,
                replies_shown: int | None = None) -> ThreadPage:
    """One page of root comments with their replies (the first ``replies_shown`` of each thread
    when given: a thread of hundreds of replies must not make the page heavy; ``more`` says how
    many were left out). Three queries whatever the size."""
    total = _root_count(session, proposal_id)
    pages = _pages(total, per_page)
    page = min(max(page, 1), pages)
    root_ids = sa.select(Comment.id).where(Comment.proposal_id == proposal_id, Comment.depth == 1) \
        .order_by(Comment.id).limit(per_page).offset((page - 1) * per_page)
    # A reply always has a larger id than its parent, so the first replies of a thread by id
    # form a tree of their own: every reply shown has its parent shown.
    ranked = sa.select(
        Comment.id,
        sa.func.row_number().over(partition_by=Comment.thread_id, order_by=Comment.id).label("position"),
        sa.func.count().over(partition_by=Comment.thread_id).label("size"),
    ).where(Comment.proposal_id == proposal_id, Comment.thread_id.in_(root_ids.scalar_subquery())).subquery()
    query = sa.select(Comment, ranked.c.size).join(ranked, ranked.c.id == Comment.id)
    if replies_shown is not None:
        query = query.where(ranked.c.position <= replies_shown + 1)  # position 1: the root
    rows = session.execute(
        query.options(joinedload(Comment.author).joinedload(Participation.user)).order_by(Comment.id)
    ).all()
    roots, children = _as_tree([comment for comment, _ in rows])
    more = {}
    if replies_shown is not None:
        more = {comment.id: size - 1 - replies_shown for comment, size in rows
                if comment.parent_id is None and size - 1 > replies_shown}
    return ThreadPage(roots, children, page, pages, total, more)


def whole_thread(session: Session, proposal_id: int, root_id: int, per_page: int = 50) -> ThreadPage | None:
    """One thread with all its replies (None when the proposal has no such thread); ``page``
    is the debate page the thread sits on, for the way back."""
    comments = list(session.scalars(
        sa.select(Comment).where(Comment.proposal_id == proposal_id, Comment.thread_id == root_id)
        .options(joinedload(Comment.author).joinedload(Participation.user)).order_by(Comment.id)
    ))
    if not comments or comments[0].id != root_id:
        return None
    roots, children = _as_tree(comments)
    total = _root_count(session, proposal_id)
    page = _page_of_thread(session, proposal_id, root_id, per_page)
    return ThreadPage(roots, children, page, _pages(total, per_page), total, thread=root_id)


def all_comments(session: Session, proposal_id: int) -> list[Comment]:
    """Every comment of a proposal (the API's whole thread), authors loaded in the same query."""
    return list(session.scalars(
        sa.select(Comment).where(Comment.proposal_id == proposal_id)
        .options(joinedload(Comment.author).joinedload(Participation.user))
        .order_by(Comment.id)
    ))


def get_comment(session: Session, proposal_id: int, comment_id: int) -> Comment | None:
    return session.scalars(
        sa.select(Comment).where(Comment.id == comment_id, Comment.proposal_id == proposal_id)
        .options(joinedload(Comment.proposal).joinedload(Proposal.conference))
    ).first()


@dataclass
class QueueItem:
    comment: Comment
    open_reports: int
    reasons: list[str]


def moderation_queue(session: Session, conference_id: int) -> list[QueueItem]:
    """Comments with open reports or hidden pending review, most reported first."""
    counts = (
        sa.select(CommentReport.comment_id, sa.func.count().label("n"))
        .where(CommentReport.resolved_at.is_(None)).group_by(CommentReport.comment_id).subquery()
    )
    rows = session.execute(
        sa.select(Comment, sa.func.coalesce(counts.c.n, 0))
        .join(Proposal, Proposal.id == Comment.proposal_id)
        .outerjoin(counts, counts.c.comment_id == Comment.id)
        .where(Proposal.conference_id == conference_id, Comment.deleted_at.is_(None),
               sa.or_(counts.c.n > 0, Comment.hidden_pending_review.is_(True)))
        .options(joinedload(Comment.author).joinedload(Participation.user), joinedload(Comment.proposal))
        .order_by(sa.func.coalesce(counts.c.n, 0).desc(), Comment.id)
    ).all()
    ids = [comment.id for comment, _ in rows]
    reasons: dict[int, list[str]] = {}
    if ids:
        for comment_id, reason in session.execute(
            sa.select(CommentReport.comment_id, CommentReport.reason)
            .where(CommentReport.comment_id.in_(ids), CommentReport.resolved_at.is_(None))
            .order_by(CommentReport.id)
        ):
            reasons.setdefault(comment_id, []).append(reason)
    return [QueueItem(comment, n, reasons.get(comment.id, [])) for comment, n in rows]


def proposals_of_conference(session: Session, conference_id: int, states: tuple[ProposalState, ...]) -> list[Proposal]:
    return list(session.scalars(
        sa.select(Proposal).where(Proposal.conference_id == conference_id, Proposal.state.in_(states))
        .options(selectinload(Proposal.eixo)).order_by(Proposal.code)
    ))


def place_in_debate(session: Session, comment: Comment, per_page: int = 50,
                    replies_shown: int | None = None) -> dict[str, int | None]:
    """Where a comment is shown: its thread's debate page, or the whole thread when the
    comment is past the first ``replies_shown`` replies (as ``link_args``)."""
    root_id = comment.thread_id or comment.id
    if replies_shown is not None and comment.id != root_id:
        position = session.scalar(sa.select(sa.func.count()).select_from(Comment).where(
            Comment.proposal_id == comment.proposal_id, Comment.thread_id == root_id, Comment.id < comment.id)) or 0
        if position > replies_shown:  # (the root is one of those before it)
            return {"fio": root_id}
    page = _page_of_thread(session, comment.proposal_id, root_id, per_page)
    return {"debate": page if page > 1 else None}


def proposal_counts(session: Session, conference_id: int) -> dict[str, int]:
    """Proposals of a conference per state (drafts left out), in one GROUP BY query."""
    rows = session.execute(
        sa.select(Proposal.state, sa.func.count())
        .where(Proposal.conference_id == conference_id, Proposal.state != ProposalState.DRAFT)
        .group_by(Proposal.state)
    ).all()
    return {state.value: n for state, n in rows}

"""Proposals, their version history, and their threaded debate (comments and reports)."""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.auth.models import User
from app.conferences.models import Conference, Eixo, Participation
from app.db import UTCDateTime, enum_column, utcnow
from app.extensions import db
from app.proposals.constants import ProposalSphere, ProposalState, Stance, VersionKind


class Proposal(db.Model):
    __tablename__ = "proposals"
    __table_args__ = (
        sa.UniqueConstraint("conference_id", "code"),
        sa.UniqueConstraint("conference_id", "eixo_id", "sphere", "sequence"),
        sa.CheckConstraint("sequence >= 1", name="sequence_positive"),
        sa.CheckConstraint("(state = 'merged') = (merged_into_id IS NOT NULL)", name="merged_has_target"),
        sa.Index("ix_proposals_conference_state", "conference_id", "state"),
        sa.Index("ix_proposals_conference_created", "conference_id", "created_at"),
        sa.UniqueConstraint("conference_id", "origin_key"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    conference_id: Mapped[int] = mapped_column(sa.ForeignKey("conferences.id", ondelete="CASCADE"))
    eixo_id: Mapped[int] = mapped_column(sa.ForeignKey("eixos.id", ondelete="RESTRICT"), index=True)
    sphere: Mapped[ProposalSphere] = enum_column(ProposalSphere, "proposal_sphere")
    sequence: Mapped[int]
    code: Mapped[str] = mapped_column(sa.String(20))
    title: Mapped[str] = mapped_column(sa.String(200))
    body: Mapped[str] = mapped_column(sa.Text)
    justification: Mapped[str | None] = mapped_column(sa.Text)
    # NULL for a proposal written by the secretariat (an aglutinação) or imported.
    author_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("participations.id", ondelete="RESTRICT"), index=True
    )
    state: Mapped[ProposalState] = enum_column(ProposalState, "proposal_state", default=ProposalState.SUBMITTED)
    merged_into_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("proposals.id", ondelete="RESTRICT"), index=True
    )
    final_wording: Mapped[str | None] = mapped_column(sa.Text)
    withdrawn_reason: Mapped[str | None] = mapped_column(sa.String(500))
    # Accent-free lower-case copy of code, title, body and justification, kept by the
    # services, so that search behaves the same on SQLite and PostgreSQL.
    search_text: Mapped[str] = mapped_column(sa.Text, default="")
    version: Mapped[int] = mapped_column(default=1)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    # Provenance of a deliberation forwarded by another conference's report.
    origin_conference: Mapped[str | None] = mapped_column(sa.String(200))
    origin_code: Mapped[str | None] = mapped_column(sa.String(20))
    origin_url: Mapped[str | None] = mapped_column(sa.String(500))
    # "<origin conference slug or url>#<code>": importing the same report twice adds nothing.
    origin_key: Mapped[str | None] = mapped_column(sa.String(600))

    conference: Mapped[Conference] = relationship()
    eixo: Mapped[Eixo] = relationship()
    author: Mapped[Participation | None] = relationship()
    merged_into: Mapped[Proposal | None] = relationship(remote_side=[id])

    @property
    def is_withdrawn(self) -> bool:
        return self.state == ProposalState.WITHDRAWN

    @property
    def is_merged(self) -> bool:
        return self.state == ProposalState.MERGED

    def __repr__(self) -> str:
        return f"<Proposal {self.code}>"


class ProposalVersion(db.Model):
    """One entry of a proposal's history: the text after the change, who and when."""

    __tablename__ = "proposal_versions"
    __table_args__ = (sa.UniqueConstraint("proposal_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    proposal_id: Mapped[int] = mapped_column(sa.ForeignKey("proposals.id", ondelete="CASCADE"))
    number: Mapped[int]
    kind: Mapped[VersionKind] = enum_column(VersionKind, "version_kind")
    title: Mapped[str] = mapped_column(sa.String(200))
    body: Mapped[str] = mapped_column(sa.Text)
    justification: Mapped[str | None] = mapped_column(sa.Text)
    final_wording: Mapped[str | None] = mapped_column(sa.Text)
    note: Mapped[str | None] = mapped_column(sa.String(500))
    edited_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="RESTRICT"))
    edited_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)

    edited_by: Mapped[User | None] = relationship()


class Comment(db.Model):
    __tablename__ = "comments"
    __table_args__ = (
        sa.CheckConstraint("depth BETWEEN 1 AND 4", name="depth_range"),
        sa.CheckConstraint("(depth = 1) = (parent_id IS NULL)", name="root_has_no_parent"),
        sa.Index("ix_comments_proposal_thread", "proposal_id", "thread_id", "id"),
        sa.Index("ix_comments_proposal_root", "proposal_id", "depth", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    proposal_id: Mapped[int] = mapped_column(sa.ForeignKey("proposals.id", ondelete="CASCADE"))
    parent_id: Mapped[int | None] = mapped_column(sa.ForeignKey("comments.id", ondelete="CASCADE"))
    # The root comment of the thread (itself for a root), so a page of threads loads in one query.
    thread_id: Mapped[int | None] = mapped_column(sa.ForeignKey("comments.id", ondelete="CASCADE"))
    depth: Mapped[int] = mapped_column(default=1)
    author_id: Mapped[int] = mapped_column(sa.ForeignKey("participations.id", ondelete="RESTRICT"), index=True)
    body: Mapped[str] = mapped_column(sa.Text)
    stance: Mapped[Stance | None] = enum_column(Stance, "stance")
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    edited_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    deleted_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    hidden_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    hidden_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="RESTRICT"))
    hidden_reason: Mapped[str | None] = mapped_column(sa.String(500))
    # Hidden automatically after too many reports, until a secretary reviews it.
    hidden_pending_review: Mapped[bool] = mapped_column(default=False)

    author: Mapped[Participation] = relationship()
    proposal: Mapped[Proposal] = relationship()

    @property
    def is_deleted(self) -> bool:
        return self.deleted_at is not None

    @property
    def is_hidden(self) -> bool:
        return self.hidden_at is not None


class CommentReport(db.Model):
    __tablename__ = "comment_reports"
    __table_args__ = (sa.UniqueConstraint("comment_id", "reporter_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    comment_id: Mapped[int] = mapped_column(sa.ForeignKey("comments.id", ondelete="CASCADE"), index=True)
    reporter_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="RESTRICT"))
    reason: Mapped[str] = mapped_column(sa.String(500))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    resolved_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)

    reporter: Mapped[User] = relationship()

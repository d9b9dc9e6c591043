"""Published report versions and the settlement of unresolved items."""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from app.db import UTCDateTime, utcnow
from app.extensions import db


class PublishedReport(db.Model):
    """A published version: frozen JSON (and its PDF); a correction is a new version."""

    __tablename__ = "published_reports"
    __table_args__ = (
        sa.UniqueConstraint("conference_id", "version"),
        sa.CheckConstraint("version >= 1", name="version_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    conference_id: Mapped[int] = mapped_column(sa.ForeignKey("conferences.id", ondelete="RESTRICT"))
    version: Mapped[int]
    content: Mapped[str] = mapped_column(sa.Text)  # canonical JSON, exactly as served
    content_sha256: Mapped[str] = mapped_column(sa.String(64))
    pdf: Mapped[bytes | None] = mapped_column(sa.LargeBinary, deferred=True)
    note: Mapped[str | None] = mapped_column(sa.String(500))  # what a correction changed
    published_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="RESTRICT"))
    published_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)


class ProposalSettlement(db.Model):
    """A tie or no-quorum item the secretariat recorded as not deliberated, with a reason."""

    __tablename__ = "proposal_settlements"

    proposal_id: Mapped[int] = mapped_column(sa.ForeignKey("proposals.id", ondelete="CASCADE"), primary_key=True)
    reason: Mapped[str] = mapped_column(sa.String(500))
    settled_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="RESTRICT"))
    settled_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)

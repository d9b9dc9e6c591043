"""Conference, eixo (thematic axis) and participation (user × conference)."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.auth.models import REMOVED_NAME, User
from app.conferences.constants import (
    ConferenceSphere,
    Credential,
    MajorityRule,
    Porte,
    Role,
    Segment,
)
from app.conferences.phases import Phase
from app.db import UTCDateTime, enum_column, utcnow
from app.extensions import db


class Conference(db.Model):
    __tablename__ = "conferences"
    __table_args__ = (
        sa.CheckConstraint("ends_at >= starts_at", name="ends_after_start"),
        sa.CheckConstraint("quorum_percent BETWEEN 0 AND 100", name="quorum_range"),
        sa.CheckConstraint("proposals_per_participant >= 0", name="proposal_limit_positive"),
        sa.CheckConstraint("reports_to_hide >= 1", name="reports_to_hide_positive"),
        sa.CheckConstraint("edition >= 1", name="edition_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(sa.String(80), unique=True)
    title: Mapped[str] = mapped_column(sa.String(200))
    edition: Mapped[int]
    sphere: Mapped[ConferenceSphere] = enum_column(ConferenceSphere, "conference_sphere")
    municipio: Mapped[str | None] = mapped_column(sa.String(120))
    uf: Mapped[str] = mapped_column(sa.String(2))
    ibge_code: Mapped[str | None] = mapped_column(sa.String(7))
    porte: Mapped[Porte | None] = enum_column(Porte, "porte")
    theme: Mapped[str] = mapped_column(sa.String(300))
    description: Mapped[str] = mapped_column(sa.Text, default="")
    venue: Mapped[str] = mapped_column(sa.String(200))
    starts_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    ends_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    timezone: Mapped[str] = mapped_column(sa.String(64), default="America/Sao_Paulo")
    phase: Mapped[Phase] = enum_column(Phase, "phase", default=Phase.PREPARATION)

    # Rules of the edition (regimento interno), configurable by the secretary.
    majority_rule: Mapped[MajorityRule] = enum_column(
        MajorityRule, "majority_rule", default=MajorityRule.SIMPLE
    )
    quorum_percent: Mapped[int] = mapped_column(default=50)
    proposals_per_participant: Mapped[int] = mapped_column(default=3)  # 0: no limit
    reports_to_hide: Mapped[int] = mapped_column(default=3)
    motion_signature_percent: Mapped[int] = mapped_column(default=20)

    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    eixos: Mapped[list[Eixo]] = relationship(
        back_populates="conference", order_by="Eixo.number", cascade="all, delete-orphan"
    )

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    def __repr__(self) -> str:
        return f"<Conference {self.slug}>"


class Eixo(db.Model):
    __tablename__ = "eixos"
    __table_args__ = (
        sa.UniqueConstraint("conference_id", "number"),
        sa.CheckConstraint("number >= 1", name="number_positive"),
        sa.CheckConstraint(
            "coalesce(cap_municipal, 0) >= 0 AND coalesce(cap_estadual, 0) >= 0"
            " AND coalesce(cap_federal, 0) >= 0",
            name="caps_not_negative",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    conference_id: Mapped[int] = mapped_column(
        sa.ForeignKey("conferences.id", ondelete="CASCADE"), index=True
    )
    number: Mapped[int]
    title: Mapped[str] = mapped_column(sa.String(300))
    description: Mapped[str] = mapped_column(sa.Text, default="")
    # How many deliberations of each sphere this eixo may send to the report (municipal)
    # or forward to the next conference (estadual, federal). NULL: no cap.
    cap_municipal: Mapped[int | None]
    cap_estadual: Mapped[int | None]
    cap_federal: Mapped[int | None]

    conference: Mapped[Conference] = relationship(back_populates="eixos")

    def __repr__(self) -> str:
        return f"<Eixo {self.conference_id}/{self.number}>"


class Participation(db.Model):
    __tablename__ = "participations"
    __table_args__ = (
        sa.UniqueConstraint("conference_id", "user_id"),
        sa.CheckConstraint(
            "role = 'secretary' OR segment IS NOT NULL", name="participant_has_segment"
        ),
        sa.Index("ix_participations_conference_credential", "conference_id", "credential"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    conference_id: Mapped[int] = mapped_column(sa.ForeignKey("conferences.id", ondelete="CASCADE"))
    # Accounts are anonymised, never deleted, so a participation always keeps its user.
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="RESTRICT"), index=True)
    segment: Mapped[Segment | None] = enum_column(Segment, "segment")
    organisation: Mapped[str | None] = mapped_column(sa.String(200))
    credential: Mapped[Credential] = enum_column(
        Credential, "credential", default=Credential.PENDING
    )
    role: Mapped[Role] = enum_column(Role, "role", default=Role.PARTICIPANT)
    checked_in_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    # Set by `flask privacy purge` once the retention period after the report has passed.
    anonymized_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)

    conference: Mapped[Conference] = relationship()
    user: Mapped[User] = relationship()

    @property
    def public_name(self) -> str:
        """The name shown next to this person's contributions in this conference."""
        return REMOVED_NAME if self.anonymized_at is not None else self.user.public_name

    @property
    def is_secretary(self) -> bool:
        return self.role == Role.SECRETARY

    @property
    def is_delegate(self) -> bool:
        return self.credential == Credential.DELEGADO

    @property
    def has_voice(self) -> bool:
        """Every registered participant speaks; voting needs the delegate credential."""
        return self.segment is not None

    def __repr__(self) -> str:
        return f"<Participation {self.conference_id}/{self.user_id}>"

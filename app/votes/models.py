"""Voting rounds, their frozen electorate, ballots and votes, in-person counts and
the results frozen at closing."""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.conferences.constants import MajorityRule, Segment
from app.conferences.models import Conference
from app.db import UTCDateTime, enum_column, utcnow
from app.extensions import db
from app.proposals.models import Proposal
from app.votes.constants import Choice, Outcome, RoundKind, RoundState


class VotingRound(db.Model):
    __tablename__ = "voting_rounds"
    __table_args__ = (
        sa.CheckConstraint("quorum_percent BETWEEN 0 AND 100", name="quorum_range"),
        sa.CheckConstraint("kind = 'deliberation' OR (max_choices >= 1 AND forward_count >= 1)",
                           name="priority_has_limits"),
        sa.CheckConstraint("NOT (secret AND allow_change)", name="secret_ballots_are_final"),
        sa.CheckConstraint("(state = 'closed') = (closed_at IS NOT NULL)", name="closed_has_time"),
        sa.Index("ix_voting_rounds_conference_state", "conference_id", "state"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    conference_id: Mapped[int] = mapped_column(sa.ForeignKey("conferences.id", ondelete="CASCADE"))
    title: Mapped[str] = mapped_column(sa.String(200))
    kind: Mapped[RoundKind] = enum_column(RoundKind, "round_kind")
    state: Mapped[RoundState] = enum_column(RoundState, "round_state", default=RoundState.DRAFT)
    secret: Mapped[bool] = mapped_column(default=False)
    allow_change: Mapped[bool] = mapped_column(default=False)
    double_entry: Mapped[bool] = mapped_column(default=False)
    majority_rule: Mapped[MajorityRule] = enum_column(MajorityRule, "round_majority_rule")
    quorum_percent: Mapped[int]
    max_choices: Mapped[int | None]  # priority: K choices per delegate
    forward_count: Mapped[int | None]  # priority: how many are forwarded
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="RESTRICT"))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    opened_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="RESTRICT"))
    opened_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    closed_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="RESTRICT"))
    closed_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    # Frozen at closing.
    electorate_size: Mapped[int | None]
    voters_online: Mapped[int | None]
    voters_in_person: Mapped[int | None]
    quorum_needed: Mapped[int | None]
    quorum_met: Mapped[bool | None]
    results_digest: Mapped[str | None] = mapped_column(sa.String(64))

    conference: Mapped[Conference] = relationship()

    @property
    def is_open(self) -> bool:
        return self.state == RoundState.OPEN

    @property
    def is_closed(self) -> bool:
        return self.state == RoundState.CLOSED

    @property
    def turnout(self) -> int:
        return (self.voters_online or 0) + (self.voters_in_person or 0)


class RoundItem(db.Model):
    __tablename__ = "round_items"
    __table_args__ = (sa.Index("ix_round_items_proposal", "proposal_id"),)

    round_id: Mapped[int] = mapped_column(sa.ForeignKey("voting_rounds.id", ondelete="CASCADE"), primary_key=True)
    proposal_id: Mapped[int] = mapped_column(sa.ForeignKey("proposals.id", ondelete="RESTRICT"), primary_key=True)
    position: Mapped[int] = mapped_column(default=0)

    proposal: Mapped[Proposal] = relationship()


class RoundElector(db.Model):
    """The electorate, frozen when the round opens (plus late delegates, audited)."""

    __tablename__ = "round_electorate"

    round_id: Mapped[int] = mapped_column(sa.ForeignKey("voting_rounds.id", ondelete="CASCADE"), primary_key=True)
    participation_id: Mapped[int] = mapped_column(
        sa.ForeignKey("participations.id", ondelete="RESTRICT"), primary_key=True
    )
    segment: Mapped[Segment] = enum_column(Segment, "elector_segment")
    added_late: Mapped[bool] = mapped_column(default=False)


class RoundVoter(db.Model):
    """Says only that this delegate has voted in the round: no time, no link to the ballot."""

    __tablename__ = "round_voters"

    round_id: Mapped[int] = mapped_column(sa.ForeignKey("voting_rounds.id", ondelete="CASCADE"), primary_key=True)
    participation_id: Mapped[int] = mapped_column(
        sa.ForeignKey("participations.id", ondelete="RESTRICT"), primary_key=True
    )


class Ballot(db.Model):
    """One delegate's ballot. In a secret round it carries no voter and no time."""

    __tablename__ = "ballots"
    __table_args__ = (
        sa.UniqueConstraint("round_id", "voter_id"),
        sa.Index("ix_ballots_round", "round_id", "receipt"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(sa.ForeignKey("voting_rounds.id", ondelete="CASCADE"))
    receipt: Mapped[str] = mapped_column(sa.String(20), unique=True)
    voter_id: Mapped[int | None] = mapped_column(sa.ForeignKey("participations.id", ondelete="RESTRICT"))
    segment: Mapped[Segment] = enum_column(Segment, "ballot_segment")
    cast_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    changed_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)


class Vote(db.Model):
    __tablename__ = "votes"
    __table_args__ = (
        sa.UniqueConstraint("round_id", "proposal_id", "voter_id"),
        sa.UniqueConstraint("ballot_id", "proposal_id"),
        sa.Index("ix_votes_round_proposal", "round_id", "proposal_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(sa.ForeignKey("voting_rounds.id", ondelete="CASCADE"))
    ballot_id: Mapped[int] = mapped_column(sa.ForeignKey("ballots.id", ondelete="CASCADE"))
    proposal_id: Mapped[int] = mapped_column(sa.ForeignKey("proposals.id", ondelete="RESTRICT"))
    voter_id: Mapped[int | None] = mapped_column(sa.ForeignKey("participations.id", ondelete="RESTRICT"))
    segment: Mapped[Segment] = enum_column(Segment, "vote_segment")
    choice: Mapped[Choice] = enum_column(Choice, "choice")


class InPersonCount(db.Model):
    """Counts by crachá entered by a secretary; with double entry, two secretaries (slots 1, 2)."""

    __tablename__ = "in_person_counts"
    __table_args__ = (
        sa.UniqueConstraint("round_id", "proposal_id", "slot"),
        sa.UniqueConstraint("round_id", "proposal_id", "entered_by_id"),
        sa.CheckConstraint("slot IN (1, 2)", name="slot_range"),
        sa.CheckConstraint("yes >= 0 AND no >= 0 AND abstain >= 0", name="counts_not_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(sa.ForeignKey("voting_rounds.id", ondelete="CASCADE"))
    proposal_id: Mapped[int] = mapped_column(sa.ForeignKey("proposals.id", ondelete="RESTRICT"))
    slot: Mapped[int]
    entered_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="RESTRICT"))
    entered_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    yes: Mapped[int] = mapped_column(default=0)
    no: Mapped[int] = mapped_column(default=0)
    abstain: Mapped[int] = mapped_column(default=0)


class RoundResult(db.Model):
    """Frozen at closing; never recomputed."""

    __tablename__ = "round_results"

    round_id: Mapped[int] = mapped_column(sa.ForeignKey("voting_rounds.id", ondelete="CASCADE"), primary_key=True)
    proposal_id: Mapped[int] = mapped_column(sa.ForeignKey("proposals.id", ondelete="RESTRICT"), primary_key=True)
    yes: Mapped[int]
    no: Mapped[int]
    abstain: Mapped[int]
    in_person_yes: Mapped[int]
    in_person_no: Mapped[int]
    in_person_abstain: Mapped[int]
    outcome: Mapped[Outcome] = enum_column(Outcome, "outcome")
    rank: Mapped[int | None]
    forwarded: Mapped[bool] = mapped_column(default=False)

    proposal: Mapped[Proposal] = relationship()

    @property
    def total_yes(self) -> int:
        return self.yes + self.in_person_yes

    @property
    def total_no(self) -> int:
        return self.no + self.in_person_no

    @property
    def total_abstain(self) -> int:
        return self.abstain + self.in_person_abstain


class SegmentResult(db.Model):
    __tablename__ = "round_segment_results"

    round_id: Mapped[int] = mapped_column(sa.ForeignKey("voting_rounds.id", ondelete="CASCADE"), primary_key=True)
    proposal_id: Mapped[int] = mapped_column(sa.ForeignKey("proposals.id", ondelete="RESTRICT"), primary_key=True)
    segment: Mapped[Segment] = enum_column(Segment, "result_segment", primary_key=True)
    yes: Mapped[int]
    no: Mapped[int]
    abstain: Mapped[int]


class SegmentTurnout(db.Model):
    """How many online ballots each segment cast in the round (frozen at closing)."""

    __tablename__ = "round_segment_turnout"

    round_id: Mapped[int] = mapped_column(sa.ForeignKey("voting_rounds.id", ondelete="CASCADE"), primary_key=True)
    segment: Mapped[Segment] = enum_column(Segment, "turnout_segment", primary_key=True)
    electorate: Mapped[int]
    voters: Mapped[int]

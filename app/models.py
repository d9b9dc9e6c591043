"""Every area's models, imported in one place for Alembic and `flask shell`."""

from app.audit.models import AuditEvent, AuditHead
from app.auth.models import User
from app.conferences.models import Conference, Eixo, Participation
from app.proposals.models import Comment, CommentReport, Proposal, ProposalVersion
from app.reports.models import ProposalSettlement, PublishedReport
from app.votes.models import (
    Ballot,
    InPersonCount,
    RoundElector,
    RoundItem,
    RoundResult,
    RoundVoter,
    SegmentResult,
    SegmentTurnout,
    Vote,
    VotingRound,
)

__all__ = [
    "AuditEvent", "AuditHead", "Ballot", "Comment", "CommentReport", "Conference", "Eixo", "InPersonCount",
    "Participation", "Proposal", "ProposalSettlement", "ProposalVersion", "PublishedReport", "RoundElector", "RoundItem", "RoundResult", "RoundVoter",
    "SegmentResult", "SegmentTurnout", "User", "Vote", "VotingRound",
]

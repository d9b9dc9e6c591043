"""Read-only queries and read models of the voting pages and the API (the web layer's own).

Nothing here shows an open round's results: every figure of a tally comes from the rows
frozen at closing, and only for closed rounds.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.orm import Session, joinedload

from app.conferences.models import Eixo
from app.proposals.constants import ProposalSphere, ProposalState
from app.proposals.models import Proposal
from app.votes.constants import Outcome, RoundKind, RoundState
from app.votes.models import RoundElector, RoundItem, VotingRound
from app.votes.presentation import Bar, bars, segment_breakdown
from app.votes.queries import FrozenResults


def electorate_sizes(session: Session, rounds: Sequence[VotingRound]) -> dict[int, int]:
    """Electorate size of each round: frozen for closed rounds, counted (one GROUP BY) for open ones."""
    sizes = {r.id: r.electorate_size or 0 for r in rounds if r.state == RoundState.CLOSED}
    open_ids = [r.id for r in rounds if r.state == RoundState.OPEN]
    if open_ids:
        sizes.update(dict(session.execute(
            sa.select(RoundElector.round_id, sa.func.count()).where(RoundElector.round_id.in_(open_ids))
            .group_by(RoundElector.round_id)).all()))
    for r in rounds:
        sizes.setdefault(r.id, 0)
    return sizes


def item_counts(session: Session, round_ids: Sequence[int]) -> dict[int, int]:
    """How many proposals each round holds (one GROUP BY)."""
    if not round_ids:
        return {}
    counted = dict(session.execute(
        sa.select(RoundItem.round_id, sa.func.count()).where(RoundItem.round_id.in_(round_ids))
        .group_by(RoundItem.round_id)).all())
    return {rid: counted.get(rid, 0) for rid in round_ids}


@dataclass(frozen=True)
class PickerFilter:
    eixo: int | None = None  # the eixo's number
    sphere: ProposalSphere | None = None
    state: ProposalState | None = None


def eligible_proposals(session: Session, conference_id: int, states: Sequence[ProposalState],
                       flt: PickerFilter) -> list[Proposal]:
    """Proposals that may enter a round of this kind, filtered for the picker, in code order."""
    wanted = [s for s in states if flt.state is None or s == flt.state]
    stmt = (sa.select(Proposal).join(Proposal.eixo)
            .where(Proposal.conference_id == conference_id, Proposal.state.in_(wanted))
            .options(joinedload(Proposal.eixo)).order_by(Eixo.number, Proposal.sphere, Proposal.sequence))
    if flt.eixo is not None:
        stmt = stmt.where(Eixo.number == flt.eixo)
    if flt.sphere is not None:
        stmt = stmt.where(Proposal.sphere == flt.sphere)
    return list(session.scalars(stmt)) if wanted else []


def round_item_ids(session: Session, round_id: int) -> set[int]:
    return set(session.scalars(sa.select(RoundItem.proposal_id).where(RoundItem.round_id == round_id)))


@dataclass(frozen=True)
class ResultRow:
    """One proposal's frozen result as the pages and the API show it."""

    proposal: Proposal
    online: tuple[int, int, int]
    in_person: tuple[int, int, int]
    total: tuple[int, int, int]
    by_segment: dict[str, dict[str, int] | None]
    outcome: Outcome
    rank: int | None
    forwarded: bool
    tied_rank: bool  # priority: another proposal shares this rank

    @property
    def votes(self) -> int:
        return sum(self.total)

    def chart(self, kind: RoundKind) -> list[Bar]:
        if kind == RoundKind.PRIORITY:
            return bars([("selected", self.total[0], "bar--yes")])
        return bars([("yes", self.total[0], "bar--yes"), ("no", self.total[1], "bar--no"),
                     ("abstain", self.total[2], "bar--abstain")], scale=self.votes)


def result_rows(voting_round: VotingRound, frozen: FrozenResults) -> list[ResultRow]:
    """The frozen results with the small-segment privacy rule applied (pure)."""
    ranks: dict[int, int] = {}
    for result in frozen.results:
        if result.rank is not None:
            ranks[result.rank] = ranks.get(result.rank, 0) + 1
    rows = []
    for r in frozen.results:
        online = (r.yes, r.no, r.abstain)
        in_person = (r.in_person_yes, r.in_person_no, r.in_person_abstain)
        rows.append(ResultRow(
            proposal=r.proposal, online=online, in_person=in_person,
            total=(r.total_yes, r.total_no, r.total_abstain),
            by_segment=segment_breakdown(voting_round.secret, frozen.by_segment.get(r.proposal_id, {}),
                                         frozen.segment_turnout),
            outcome=r.outcome, rank=r.rank, forwarded=r.forwarded,
            tied_rank=r.rank is not None and ranks.get(r.rank, 0) > 1,
        ))
    return rows


def priority_chart(rows: Sequence[ResultRow]) -> list[tuple[ResultRow, Bar]]:
    """One bar per proposal (selections), scaled to the most chosen one."""
    geometry = bars([(row.proposal.code, row.total[0], "bar--yes" if row.forwarded else "bar--other")
                     for row in rows])
    return list(zip(rows, geometry, strict=True))


@dataclass(frozen=True)
class Page:
    """Just what templates/_pager.html reads."""

    page: int
    per_page: int
    total: int

    @property
    def pages(self) -> int:
        return math.ceil(self.total / self.per_page) if self.total else 0

    @property
    def has_prev(self) -> bool:
        return self.page > 1

    @property
    def has_next(self) -> bool:
        return self.page < self.pages

    @property
    def prev_num(self) -> int:
        return self.page - 1

    @property
    def next_num(self) -> int:
        return self.page + 1

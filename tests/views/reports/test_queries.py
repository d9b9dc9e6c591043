"""The report reads its data in a fixed number of queries, whatever the number of proposals."""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa

from app.conferences.constants import MajorityRule
from app.conferences.phases import Phase
from app.db import utcnow
from app.proposals.constants import SPHERE_LETTERS, ProposalSphere, ProposalState
from app.proposals.models import Proposal
from app.reports.data import read_report_input
from app.reports.models import ProposalSettlement
from app.votes.constants import Outcome, RoundKind, RoundState
from app.votes.models import RoundResult, VotingRound
from tests.views.helpers import text
from tests.views.reports.conftest import login

STATES = (ProposalState.APPROVED, ProposalState.REJECTED, ProposalState.IN_VOTE, ProposalState.SUBMITTED,
          ProposalState.WITHDRAWN)
OUTCOMES = {ProposalState.APPROVED: Outcome.APPROVED, ProposalState.REJECTED: Outcome.REJECTED,
            ProposalState.IN_VOTE: Outcome.TIE}


def populate(session, make, n: int):  # type: ignore[no-untyped-def]
    """A closed conference with ``n`` proposals, a closed round and its frozen results."""
    conference = make.conference(phase=Phase.CLOSED, eixos=3)
    secretary = make.user()
    make.secretary(conference, secretary)
    for segment_delegate in range(4):
        make.delegate(conference, checked_in=segment_delegate % 2 == 0)
    now = utcnow()
    rows, counters = [], {}
    spheres = list(ProposalSphere)
    for i in range(n):
        eixo = conference.eixos[i % 3]
        sphere = spheres[(i // 3) % 3]
        seq = counters[(eixo.id, sphere)] = counters.get((eixo.id, sphere), 0) + 1
        rows.append({"conference_id": conference.id, "eixo_id": eixo.id, "sphere": sphere, "sequence": seq,
                     "code": f"E{eixo.number}-{SPHERE_LETTERS[sphere]}-{seq:02d}", "title": f"Proposta {i}",
                     "body": "Texto.", "state": STATES[i % len(STATES)], "search_text": "", "version": 1,
                     "created_at": now, "updated_at": now,
                     "withdrawn_reason": "Motivo." if STATES[i % len(STATES)] == ProposalState.WITHDRAWN else None})
    session.execute(sa.insert(Proposal), rows)
    voting_round = VotingRound(conference_id=conference.id, title="Plenária", kind=RoundKind.DELIBERATION,
                               state=RoundState.CLOSED, majority_rule=MajorityRule.SIMPLE, quorum_percent=50,
                               opened_at=now - dt.timedelta(hours=1), closed_at=now, electorate_size=4,
                               voters_online=3, voters_in_person=0, quorum_needed=2, quorum_met=True)
    session.add(voting_round)
    session.flush()
    proposals = session.execute(sa.select(Proposal.id, Proposal.state).where(
        Proposal.conference_id == conference.id)).all()
    session.execute(sa.insert(RoundResult), [
        {"round_id": voting_round.id, "proposal_id": pid, "yes": 2, "no": 1, "abstain": 0, "in_person_yes": 0,
         "in_person_no": 0, "in_person_abstain": 0, "outcome": OUTCOMES[state], "rank": None, "forwarded": False}
        for pid, state in proposals if state in OUTCOMES])
    ties = [pid for pid, state in proposals if state == ProposalState.IN_VOTE]
    for pid in ties[1::2]:  # the first tie stays unresolved (the page then lists it)
        session.add(ProposalSettlement(proposal_id=pid, reason="Sem decisão.", settled_by_id=secretary.id,
                                       settled_at=now))
    session.flush()
    session.expire_all()
    return conference, secretary


def test_read_report_input_query_count_is_constant(app, session, make, count_queries):
    measured = []
    for n in (5, 100):
        conference, _ = populate(session, make, n)
        with app.test_request_context("/"), count_queries() as counter:
            data = read_report_input(session, conference, generated_at=utcnow())
        assert len(data.proposals) == n
        measured.append(counter.count)
    assert measured[0] == measured[1], measured


def test_draft_page_query_count_is_constant(client, session, make, count_queries):
    measured = []
    for n in (5, 100):
        conference, secretary = populate(session, make, n)
        browser = login(client, secretary)
        url = f"/conferencias/{conference.slug}/gestao/relatorio/"
        browser.get(url)  # warm up (login, caches)
        session.expire_all()
        with count_queries() as counter:
            page = browser.get(url)
        assert page.status_code == 200 and "Proposta 4" in text(page)
        measured.append(counter.count)
    assert measured[0] == measured[1], measured



def test_draft_page_names_pending_items_without_another_query(client, session, make, count_queries):
    """The titles of pending proposals come with the report (``unresolved[].title``): the page
    costs the same with a tie to settle as without one."""
    from tests.unit.reports import scenario as sc

    measured = []
    for settle in (False, True):
        s = sc.build(session, make, settle_tie=settle, close=False)
        browser = login(client, s.secretary)
        url = f"/conferencias/{sc.SLUG}/gestao/relatorio/"
        browser.get(url)
        session.expire_all()
        with count_queries() as counter:
            page = text(browser.get(url))
        measured.append(counter.count)
        assert ("E1-M-03: empate na rodada" in page) is not settle
        if not settle:
            assert f'<a href="/conferencias/{sc.SLUG}/propostas/E1-M-03">' in page
        session.rollback()
    assert measured[0] == measured[1], measured

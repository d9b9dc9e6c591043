"""Opening a round: the electorate frozen at that moment (the checked-in delegates), and what
cannot be opened."""

from __future__ import annotations

import pytest

from app.conferences import participation as participation_services
from app.conferences.constants import Credential, Segment
from app.errors import ConflictError, PermissionDenied, ValidationError
from app.votes import rounds
from app.votes.constants import RoundState
from app.votes.models import RoundElector
from tests.unit.votes.conftest import NOW, Plenary, count, data, events, later
from tests.unit.votes.test_rounds import electorate_of

# --- opening: the frozen electorate -------------------------------------------------------------

def test_open_freezes_the_checked_in_delegates(session, make, plenary):
    conference = plenary.conference
    absent = make.delegate(conference, checked_in=False)
    observer = make.participation(conference, credential=Credential.OBSERVADOR, checked_in=True)
    guest = make.participation(conference, credential=Credential.CONVIDADO, checked_in=True)
    pending = make.participation(conference, credential=Credential.PENDING, checked_in=True)
    outsider = make.delegate(Plenary(session, make).conference)
    r = plenary.prepare(plenary.proposals(2))
    plenary.open(r, now=later(minutes=5))
    assert (r.state, r.opened_at, r.opened_by_id) == (RoundState.OPEN, later(minutes=5), plenary.secretary.user_id)
    frozen = electorate_of(session, r)
    assert set(frozen) == {d.id for d in plenary.delegates}
    assert not {absent.id, observer.id, guest.id, pending.id, outsider.id} & set(frozen)
    assert frozen[plenary.delegates[2].id] == ("trabalhador", False)
    [event] = events(session, "round.opened", r.id)
    assert data(event) == {"electorate": 5}


def test_delegates_checking_in_after_opening_are_not_in_the_electorate(session, make, plenary):
    r = plenary.start(plenary.proposals(1))
    late = make.delegate(plenary.conference, checked_in=False)
    participation_services.set_checked_in(session, plenary.secretary.user, plenary.secretary, late, present=True,
                                          now=later(minutes=3))
    assert late.id not in electorate_of(session, r)
    # a second round opened now takes them
    other = plenary.start(plenary.proposals(1), title="Segunda")
    assert late.id in electorate_of(session, other) and len(electorate_of(session, other)) == 6


def test_a_delegate_whose_presence_is_undone_is_left_out(session, plenary):
    gone = plenary.delegates[0]
    participation_services.set_checked_in(session, plenary.secretary.user, plenary.secretary, gone, present=False,
                                          now=NOW)
    r = plenary.start(plenary.proposals(1))
    assert gone.id not in electorate_of(session, r) and len(electorate_of(session, r)) == 4


def test_cannot_open_twice(session, plenary):
    r = plenary.start(plenary.proposals(1))
    with pytest.raises(ConflictError):
        plenary.open(r, now=later(minutes=1))
    assert r.opened_at == NOW and len(events(session, "round.opened")) == 1
    assert len(electorate_of(session, r)) == 5


def test_cannot_open_without_items(session, plenary):
    r = plenary.create()
    with pytest.raises(ConflictError):
        plenary.open(r)
    assert r.state == RoundState.DRAFT and count(session, RoundElector) == 0


def test_cannot_open_without_an_electorate(session, make):
    world = Plenary(session, make, segments=())
    make.delegate(world.conference, checked_in=False)
    make.participation(world.conference, credential=Credential.OBSERVADOR, checked_in=True)
    r = world.prepare(world.proposals(1))
    with pytest.raises(ConflictError):
        world.open(r)
    assert r.state == RoundState.DRAFT and r.opened_at is None
    assert count(session, RoundElector, RoundElector.round_id == r.id) == 0
    assert events(session, "round.opened") == []


def test_cannot_open_a_closed_round(session, plenary):
    r = plenary.start(plenary.proposals(1))
    plenary.close(r)
    with pytest.raises(ConflictError):
        plenary.open(r)
    assert r.state == RoundState.CLOSED


# --- late delegates ------------------------------------------------------------------------------

def test_add_late_delegate_is_audited(session, make, plenary):
    r = plenary.start(plenary.proposals(1))
    late = make.delegate(plenary.conference)  # checked in after the opening
    elector = rounds.add_late_delegate(session, plenary.secretary.user, plenary.secretary, r, late,
                                       now=later(minutes=10))
    assert (elector.segment, elector.added_late) == (Segment.USUARIO, True)
    assert electorate_of(session, r)[late.id] == ("usuario", True)
    [event] = events(session, "round.elector_added", r.id)
    assert data(event) == {"participation_id": late.id}
    with pytest.raises(ConflictError):  # already in
        rounds.add_late_delegate(session, plenary.secretary.user, plenary.secretary, r, late, now=NOW)
    with pytest.raises(ConflictError):
        rounds.add_late_delegate(session, plenary.secretary.user, plenary.secretary, r, plenary.delegates[0],
                                 now=NOW)
    assert len(events(session, "round.elector_added")) == 1


@pytest.mark.parametrize("who", ["absent", "observer", "guest", "pending", "other_conference"])
def test_only_checked_in_delegates_of_the_conference_are_added_late(session, make, plenary, who):
    conference = plenary.conference
    person = {
        "absent": lambda: make.delegate(conference, checked_in=False),
        "observer": lambda: make.participation(conference, credential=Credential.OBSERVADOR, checked_in=True),
        "guest": lambda: make.participation(conference, credential=Credential.CONVIDADO, checked_in=True),
        "pending": lambda: make.participation(conference, checked_in=True),
        "other_conference": lambda: make.delegate(Plenary(session, make).conference),
    }[who]()
    r = plenary.start(plenary.proposals(1))
    with pytest.raises(ValidationError):
        rounds.add_late_delegate(session, plenary.secretary.user, plenary.secretary, r, person, now=NOW)
    assert person.id not in electorate_of(session, r)
    assert events(session, "round.elector_added") == []


@pytest.mark.parametrize("stage", ["draft", "closed"])
def test_late_delegates_join_open_rounds_only(session, make, plenary, stage):
    r = plenary.prepare(plenary.proposals(1))
    if stage == "closed":
        plenary.open(r)
        plenary.close(r)
    late = make.delegate(plenary.conference)
    with pytest.raises(ConflictError):
        rounds.add_late_delegate(session, plenary.secretary.user, plenary.secretary, r, late, now=NOW)
    assert late.id not in electorate_of(session, r)


def test_only_the_secretariat_adds_late_delegates(session, make, plenary):
    r = plenary.start(plenary.proposals(1))
    late = make.delegate(plenary.conference)
    delegate = plenary.delegates[0]
    with pytest.raises(PermissionDenied):
        rounds.add_late_delegate(session, delegate.user, delegate, r, late, now=NOW)
    assert late.id not in electorate_of(session, r)

import datetime as dt
import json

import pytest
import sqlalchemy as sa

from app.audit.models import AuditEvent
from app.audit.services import verify_chain
from app.conferences import participation as services
from app.conferences.constants import Credential, Role, Segment
from app.conferences.models import Participation
from app.conferences.phases import Phase
from app.errors import ConflictError, PermissionDenied, PhaseError, ValidationError

NOW = dt.datetime(2026, 5, 4, 12, 0, tzinfo=dt.UTC)
LATER = NOW + dt.timedelta(minutes=5)


def events(session, action=None):
    stmt = sa.select(AuditEvent).order_by(AuditEvent.seq)
    if action:
        stmt = stmt.where(AuditEvent.action == action)
    return list(session.scalars(stmt))


def participations(session, conference):
    return list(session.scalars(sa.select(Participation).where(Participation.conference_id == conference.id)
                                .order_by(Participation.id)))


@pytest.fixture
def conf(make):
    return make.conference(phase=Phase.PREPARATION)


@pytest.fixture
def sec(make, conf):
    membership = make.secretary(conf)
    return membership.user, membership


# --- joining ----------------------------------------------------------------------------

@pytest.mark.parametrize("phase, allowed", [
    (Phase.PREPARATION, True), (Phase.PROPOSALS, True), (Phase.DEBATE, True), (Phase.VOTING, True),
    (Phase.CLOSED, False), (Phase.REPORT_PUBLISHED, False),
])
def test_join_is_open_from_preparation_to_voting(session, make, phase, allowed):
    conference = make.conference(phase=phase)
    user = make.user()
    if not allowed:
        with pytest.raises(PhaseError) as caught:
            services.join_conference(session, user, conference, segment=Segment.USUARIO, organisation=None, now=NOW)
        assert str(caught.value.message) == "As inscrições desta conferência estão encerradas."
        assert participations(session, conference) == []
        return
    joined = services.join_conference(session, user, conference, segment=Segment.USUARIO, organisation=None, now=NOW)
    assert (joined.user_id, joined.segment, joined.credential, joined.role, joined.checked_in_at) == (
        user.id, Segment.USUARIO, Credential.PENDING, Role.PARTICIPANT, None)
    [event] = events(session, "participation.joined")
    assert (event.actor_id, event.subject_id, event.conference_id) == (user.id, joined.id, conference.id)
    assert json.loads(event.data) == {"segment": "usuario"}


@pytest.mark.parametrize("segment, organisation, stored, error", [
    ("usuario", None, None, None),
    ("usuario", "  ", None, None),
    ("trabalhador", " CRAS Centro ", "CRAS Centro", None),
    ("entidade", "Associação Vida", "Associação Vida", None),
    ("governo", "Secretaria de Assistência", "Secretaria de Assistência", None),
    ("entidade", None, None, "Informe a entidade ou o órgão de governo que você representa."),
    ("entidade", "   ", None, "Informe a entidade ou o órgão de governo que você representa."),
    ("governo", "", None, "Informe a entidade ou o órgão de governo que você representa."),
    ("usuario", "x" * 201, None, "Use no máximo 200 caracteres."),
])
def test_organisation_rules(session, make, conf, segment, organisation, stored, error):
    user = make.user()
    if error:
        with pytest.raises(ValidationError) as caught:
            services.join_conference(session, user, conf, segment=segment, organisation=organisation, now=NOW)
        assert (caught.value.field, str(caught.value.message)) == ("organisation", error)
        assert participations(session, conf) == []
        return
    joined = services.join_conference(session, user, conf, segment=segment, organisation=organisation, now=NOW)
    assert (joined.segment, joined.organisation) == (Segment(segment), stored)


def test_joining_twice_is_a_conflict(session, make, conf):
    user = make.user()
    services.join_conference(session, user, conf, segment=Segment.USUARIO, organisation=None, now=NOW)
    with pytest.raises(ConflictError):
        services.join_conference(session, user, conf, segment=Segment.GOVERNO, organisation="Prefeitura", now=NOW)
    [only] = participations(session, conf)
    assert only.segment == Segment.USUARIO
    assert len(events(session, "participation.joined")) == 1


def test_a_secretary_without_segment_can_join_and_stays_secretary(session, conf, sec):
    user, membership = sec
    joined = services.join_conference(session, user, conf, segment=Segment.GOVERNO, organisation="Prefeitura", now=NOW)
    assert joined.id == membership.id
    assert (joined.role, joined.segment, joined.organisation) == (Role.SECRETARY, Segment.GOVERNO, "Prefeitura")
    assert len(participations(session, conf)) == 1


# --- accreditation ----------------------------------------------------------------------

def test_secretary_accredits_and_the_change_is_audited(session, make, conf, sec):
    user, membership = sec
    person = make.participation(conf, segment=Segment.TRABALHADOR)
    services.accredit(session, user, membership, person, credential=Credential.DELEGADO, now=NOW)
    services.accredit(session, user, membership, person, credential="observador", now=LATER)
    assert person.credential == Credential.OBSERVADOR
    moves = events(session, "participation.accredited")
    assert [json.loads(e.data) for e in moves] == [{"from": "pending", "to": "delegado"},
                                                   {"from": "delegado", "to": "observador"}]
    assert [(e.actor_id, e.subject_id, e.conference_id) for e in moves] == [(user.id, person.id, conf.id)] * 2
    assert verify_chain(session).ok


def test_accrediting_with_the_same_credential_writes_nothing(session, make, conf, sec):
    user, membership = sec
    person = make.participation(conf, credential=Credential.CONVIDADO)
    services.accredit(session, user, membership, person, credential=Credential.CONVIDADO, now=NOW)
    assert events(session) == []


def test_only_managers_of_this_conference_accredit(session, make, conf):
    person = make.participation(conf)
    peer = make.participation(conf, credential=Credential.DELEGADO)
    foreign = make.secretary(make.conference())
    for actor, membership in ((peer.user, peer), (person.user, person), (foreign.user, foreign), (make.user(), None)):
        with pytest.raises(PermissionDenied):
            services.accredit(session, actor, membership, person, credential=Credential.DELEGADO, now=NOW)
    assert person.credential == Credential.PENDING
    admin = make.user(admin=True)
    services.accredit(session, admin, None, person, credential=Credential.DELEGADO, now=NOW)
    assert person.credential == Credential.DELEGADO
    assert len(events(session)) == 1


@pytest.mark.parametrize("phase", [Phase.CLOSED, Phase.REPORT_PUBLISHED])
def test_no_accreditation_or_check_in_after_the_conference(session, make, phase):
    conference = make.conference(phase=phase)
    secretary = make.secretary(conference)
    person = make.participation(conference)
    with pytest.raises(PhaseError):
        services.accredit(session, secretary.user, secretary, person, credential=Credential.DELEGADO, now=NOW)
    with pytest.raises(PhaseError):
        services.set_checked_in(session, secretary.user, secretary, person, present=True, now=NOW)
    assert (person.credential, person.checked_in_at) == (Credential.PENDING, None)


def test_a_secretary_without_segment_is_not_accredited_nor_checked_in(session, make, conf, sec):
    user, membership = sec
    other_secretary = make.secretary(conf)
    with pytest.raises(ValidationError):
        services.accredit(session, user, membership, other_secretary, credential=Credential.DELEGADO, now=NOW)
    with pytest.raises(ValidationError):
        services.set_checked_in(session, user, membership, other_secretary, present=True, now=NOW)


# --- check-in ---------------------------------------------------------------------------

def test_check_in_and_undo_are_audited_and_idempotent(session, make, conf, sec):
    user, membership = sec
    person = make.participation(conf)
    services.set_checked_in(session, user, membership, person, present=True, now=NOW)
    services.set_checked_in(session, user, membership, person, present=True, now=LATER)
    assert person.checked_in_at == NOW  # the first arrival counts
    services.set_checked_in(session, user, membership, person, present=False, now=LATER)
    services.set_checked_in(session, user, membership, person, present=False, now=LATER)
    assert person.checked_in_at is None
    assert [e.action for e in events(session)] == ["participation.checked_in", "participation.check_in_undone"]
    assert all(e.subject_id == person.id and e.actor_id == user.id for e in events(session))


def test_check_in_is_for_managers(session, make, conf):
    person = make.participation(conf)
    with pytest.raises(PermissionDenied):
        services.set_checked_in(session, person.user, person, person, present=True, now=NOW)
    assert person.checked_in_at is None


# --- bulk -------------------------------------------------------------------------------

def test_bulk_accredit_writes_one_event_per_change(session, make, conf, sec):
    user, membership = sec
    people = [make.participation(conf) for _ in range(3)]
    already = make.participation(conf, credential=Credential.DELEGADO)
    rows = services.bulk_accredit(session, user, membership, conf, ids=[p.id for p in [*people, already]],
                                  credential=Credential.DELEGADO, now=NOW)
    assert sorted(r.id for r in rows) == sorted(p.id for p in [*people, already])
    assert all(p.credential == Credential.DELEGADO for p in people)
    assert sorted(e.subject_id for e in events(session, "participation.accredited")) == sorted(p.id for p in people)


def test_bulk_check_in_and_undo(session, make, conf, sec):
    user, membership = sec
    people = [make.participation(conf) for _ in range(2)]
    ids = [p.id for p in people]
    services.bulk_check_in(session, user, membership, conf, ids=ids, present=True, now=NOW)
    assert [p.checked_in_at for p in people] == [NOW, NOW]
    services.bulk_check_in(session, user, membership, conf, ids=ids, present=False, now=LATER)
    assert [p.checked_in_at for p in people] == [None, None]
    assert len(events(session, "participation.checked_in")) == 2
    assert len(events(session, "participation.check_in_undone")) == 2


@pytest.mark.parametrize("kind", ["accredit", "check_in"])
@pytest.mark.parametrize("intruder", ["other_conference", "made_up", "empty"])
def test_bulk_with_a_foreign_or_unknown_id_changes_nothing(session, make, conf, sec, kind, intruder):
    user, membership = sec
    mine = [make.participation(conf) for _ in range(2)]
    stranger = make.participation(make.conference())
    ids = {"other_conference": [mine[0].id, stranger.id, mine[1].id],
           "made_up": [mine[0].id, 999_999], "empty": []}[intruder]
    with pytest.raises(ValidationError):
        if kind == "accredit":
            services.bulk_accredit(session, user, membership, conf, ids=ids, credential=Credential.DELEGADO, now=NOW)
        else:
            services.bulk_check_in(session, user, membership, conf, ids=ids, present=True, now=NOW)
    session.expire_all()
    for p in [*mine, stranger]:
        p = session.get(Participation, p.id)
        assert (p.credential, p.checked_in_at) == (Credential.PENDING, None)
    assert events(session) == []


def test_bulk_is_for_managers_of_this_conference(session, make, conf):
    person = make.participation(conf)
    foreign = make.secretary(make.conference())
    with pytest.raises(PermissionDenied):
        services.bulk_accredit(session, foreign.user, foreign, conf, ids=[person.id],
                               credential=Credential.DELEGADO, now=NOW)
    with pytest.raises(PermissionDenied):
        services.bulk_check_in(session, person.user, person, conf, ids=[person.id], present=True, now=NOW)
    assert (person.credential, person.checked_in_at) == (Credential.PENDING, None)

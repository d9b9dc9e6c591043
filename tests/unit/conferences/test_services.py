import datetime as dt
import json

import pytest
import sqlalchemy as sa

from app.audit.models import AuditEvent
from app.audit.services import verify_chain
from app.conferences import services
from app.conferences.constants import ConferenceSphere, MajorityRule, Role, Segment
from app.conferences.models import Conference, Eixo, Participation
from app.conferences.phases import Phase
from app.errors import ConflictError, PermissionDenied, ValidationError

NOW = dt.datetime(2026, 5, 4, 12, 0, tzinfo=dt.UTC)
START = dt.datetime(2019, 9, 26, 15, 30, tzinfo=dt.UTC)


def values(**overrides):
    data = {
        "slug": "viii-conferencia-2019", "title": "VIII Conferência Municipal de Assistência Social",
        "edition": 8, "sphere": ConferenceSphere.MUNICIPAL, "municipio": "Alvares Florence", "uf": "SP",
        "ibge_code": "3501103", "porte": None, "theme": "Tema", "description": "Descrição", "venue": "CRAS",
        "starts_at": START, "ends_at": START + dt.timedelta(hours=5), "timezone": "America/Sao_Paulo",
    }
    data.update(overrides)
    return data


def events(session, action=None):
    stmt = sa.select(AuditEvent).order_by(AuditEvent.seq)
    if action:
        stmt = stmt.where(AuditEvent.action == action)
    return list(session.scalars(stmt))


def data_of(event):
    return json.loads(event.data)


@pytest.fixture
def admin(make):
    return make.user("Admin", admin=True)


@pytest.fixture
def conf(make):
    return make.conference(phase=Phase.PREPARATION)


@pytest.fixture
def sec(make, conf):
    """(user, membership) of a secretary of ``conf``."""
    membership = make.secretary(conf)
    return membership.user, membership


# --- create -----------------------------------------------------------------------------

def test_admin_creates_a_conference_and_it_is_audited(session, admin):
    conference = services.create_conference(session, admin, now=NOW, **values())
    assert conference.id and conference.slug == "viii-conferencia-2019"
    assert conference.starts_at == START and conference.phase == Phase.PREPARATION
    assert conference.created_at == NOW
    [event] = events(session, "conference.created")
    assert (event.actor_id, event.conference_id, event.subject_type, event.subject_id) == (
        admin.id, conference.id, "conferences", conference.id)
    assert data_of(event) == {"slug": "viii-conferencia-2019"}
    assert verify_chain(session).ok


def test_only_admins_create_conferences(session, make):
    for actor in (make.user(), None):
        with pytest.raises(PermissionDenied):
            services.create_conference(session, actor, now=NOW, **values())
    assert session.scalar(sa.select(sa.func.count()).select_from(Conference)) == 0
    assert events(session) == []


@pytest.mark.parametrize("slug", [
    "", "Maiuscula", "com espaco", "acentuação", "-inicio", "fim-", "duplo--hifen", "sub_linha", "ponto.x",
])
def test_bad_slug_is_refused(session, admin, slug):
    with pytest.raises(ValidationError) as caught:
        services.create_conference(session, admin, now=NOW, **values(slug=slug))
    assert caught.value.field == "slug"


@pytest.mark.parametrize("slug", ["a", "conf2", "viii-conferencia-2019", "2019"])
def test_good_slugs(session, admin, slug):
    assert services.create_conference(session, admin, now=NOW, **values(slug=slug)).slug == slug


def test_duplicate_slug_is_a_validation_error_and_the_session_stays_usable(session, admin):
    services.create_conference(session, admin, now=NOW, **values())
    with pytest.raises(ValidationError) as caught:
        services.create_conference(session, admin, now=NOW, **values(title="Outra"))
    assert caught.value.field == "slug"
    assert str(caught.value) == "Já existe uma conferência com este endereço (slug)."
    # only the refused insert was rolled back (a savepoint): no rollback needed to go on
    services.create_conference(session, admin, now=NOW, **values(slug="outra-conferencia"))
    slugs = session.scalars(sa.select(Conference.slug).order_by(Conference.slug)).all()
    assert slugs == ["outra-conferencia", "viii-conferencia-2019"]
    assert len(events(session, "conference.created")) == 2
    assert verify_chain(session).ok


@pytest.mark.parametrize("delta, ok", [(dt.timedelta(minutes=-1), False), (dt.timedelta(0), True),
                                       (dt.timedelta(days=2), True)])
def test_end_must_not_come_before_start(session, admin, delta, ok):
    if ok:
        assert services.create_conference(session, admin, now=NOW, **values(ends_at=START + delta)).id
        return
    with pytest.raises(ValidationError) as caught:
        services.create_conference(session, admin, now=NOW, **values(ends_at=START + delta))
    assert caught.value.field == "ends_at"


@pytest.mark.parametrize("ibge, ok", [
    ("3501103", True), (None, True), ("", True), ("350110", False), ("35011030", False), ("35O1103", False),
])
def test_ibge_code_has_seven_digits(session, admin, ibge, ok):
    if ok:
        assert services.create_conference(session, admin, now=NOW, **values(ibge_code=ibge)).id
        return
    with pytest.raises(ValidationError) as caught:
        services.create_conference(session, admin, now=NOW, **values(ibge_code=ibge))
    assert caught.value.field == "ibge_code"


# --- update -----------------------------------------------------------------------------

def test_update_records_the_changed_field_names(session, conf, sec):
    user, membership = sec
    current = {k: getattr(conf, k) for k in services.CONFERENCE_FIELDS}
    services.update_conference(session, user, membership, conf, now=NOW,
                               **dict(current, venue="Centro Comunitário", title="Novo título"))
    assert (conf.venue, conf.title) == ("Centro Comunitário", "Novo título")
    [event] = events(session, "conference.updated")
    assert data_of(event) == {"fields": ["title", "venue"]}
    assert event.actor_id == user.id


def test_update_without_changes_writes_no_event(session, conf, sec):
    user, membership = sec
    current = {k: getattr(conf, k) for k in services.CONFERENCE_FIELDS}
    services.update_conference(session, user, membership, conf, now=NOW, **current)
    assert events(session) == []


def test_update_to_a_taken_slug_is_refused(session, make, conf, sec):
    other = make.conference()
    user, membership = sec
    current = {k: getattr(conf, k) for k in services.CONFERENCE_FIELDS}
    with pytest.raises(ValidationError) as caught:
        services.update_conference(session, user, membership, conf, now=NOW,
                                   **dict(current, slug=other.slug, venue="Outro lugar"))
    assert caught.value.field == "slug"
    assert (conf.slug, conf.venue) == (current["slug"], "CRAS")  # the savepoint undid the whole change
    assert events(session) == []
    services.update_conference(session, user, membership, conf, now=NOW, **dict(current, venue="Outro lugar"))
    assert conf.venue == "Outro lugar"


def test_update_is_for_managers_of_this_conference(session, make, conf):
    current = {k: getattr(conf, k) for k in services.CONFERENCE_FIELDS}
    participant = make.participation(conf)
    foreign = make.secretary(make.conference())
    for actor, membership in ((participant.user, participant), (foreign.user, foreign), (make.user(), None)):
        with pytest.raises(PermissionDenied):
            services.update_conference(session, actor, membership, conf, now=NOW, **dict(current, title="X"))
    admin = make.user(admin=True)
    services.update_conference(session, admin, None, conf, now=NOW, **dict(current, title="Pelo admin"))
    assert conf.title == "Pelo admin"


# --- eixos ------------------------------------------------------------------------------

def titles(session, conference):
    return session.scalars(sa.select(Eixo.title).where(Eixo.conference_id == conference.id)
                           .order_by(Eixo.number)).all()


def test_add_eixo_takes_the_next_number(session, conf, sec):
    user, membership = sec
    eixo = services.add_eixo(session, user, membership, conf, title="  Participação social ",
                             description=" Controle social ", now=NOW)
    assert (eixo.number, eixo.title, eixo.description) == (4, "Participação social", "Controle social")
    assert data_of(events(session, "eixo.created")[0]) == {"number": 4}


def test_update_eixo_is_audited(session, conf, sec):
    user, membership = sec
    eixo = conf.eixos[0]
    services.update_eixo(session, user, membership, eixo, title="Financiamento público ", description="", now=NOW)
    assert eixo.title == "Financiamento público"
    [event] = events(session, "eixo.updated")
    assert event.subject_id == eixo.id and event.conference_id == conf.id


@pytest.mark.parametrize("number, direction, order, moved", [
    (2, -1, ["Eixo de teste 2", "Eixo de teste 1", "Eixo de teste 3"], True),
    (2, 1, ["Eixo de teste 1", "Eixo de teste 3", "Eixo de teste 2"], True),
    (3, -1, ["Eixo de teste 1", "Eixo de teste 3", "Eixo de teste 2"], True),
    (1, -1, ["Eixo de teste 1", "Eixo de teste 2", "Eixo de teste 3"], False),
    (3, 1, ["Eixo de teste 1", "Eixo de teste 2", "Eixo de teste 3"], False),
])
def test_move_eixo_swaps_numbers(session, conf, sec, number, direction, order, moved):
    user, membership = sec
    eixo = next(e for e in conf.eixos if e.number == number)
    services.move_eixo(session, user, membership, eixo, direction=direction, now=NOW)
    session.expire_all()
    assert titles(session, conf) == order
    numbers = session.scalars(sa.select(Eixo.number).where(Eixo.conference_id == conf.id).order_by(Eixo.number))
    assert list(numbers) == [1, 2, 3]
    moves = events(session, "eixo.moved")
    if moved:
        assert [data_of(e) for e in moves] == [{"from": number, "to": number + direction}]
    else:
        assert moves == []


def test_move_eixo_refuses_a_bad_direction(session, conf, sec):
    user, membership = sec
    with pytest.raises(ValidationError):
        services.move_eixo(session, user, membership, conf.eixos[0], direction=2, now=NOW)


def test_eixo_services_refuse_a_secretary_of_another_conference(session, make, conf):
    foreign = make.secretary(make.conference())
    eixo = conf.eixos[1]
    with pytest.raises(PermissionDenied):
        services.add_eixo(session, foreign.user, foreign, conf, title="X", description="", now=NOW)
    with pytest.raises(PermissionDenied):
        services.update_eixo(session, foreign.user, foreign, eixo, title="X", description="", now=NOW)
    with pytest.raises(PermissionDenied):
        services.move_eixo(session, foreign.user, foreign, eixo, direction=-1, now=NOW)
    assert titles(session, conf) == ["Eixo de teste 1", "Eixo de teste 2", "Eixo de teste 3"]


# --- rules ------------------------------------------------------------------------------

RULES = {"majority_rule": "simple", "quorum_percent": 50, "proposals_per_participant": 3, "reports_to_hide": 3}


@pytest.mark.parametrize("quorum, ok", [(-1, False), (0, True), (100, True), (101, False)])
def test_quorum_is_a_percentage(session, conf, sec, quorum, ok):
    user, membership = sec
    if ok:
        services.update_rules(session, user, membership, conf, now=NOW, **dict(RULES, quorum_percent=quorum))
        assert conf.quorum_percent == quorum
        return
    with pytest.raises(ValidationError) as caught:
        services.update_rules(session, user, membership, conf, now=NOW, **dict(RULES, quorum_percent=quorum))
    assert caught.value.field == "quorum_percent"


def test_rules_and_caps_are_saved_and_audited(session, conf, sec):
    user, membership = sec
    e1, e2, _e3 = conf.eixos
    caps = {e1.id: {"cap_municipal": 5, "cap_estadual": 2, "cap_federal": None},
            e2.id: {"cap_municipal": None, "cap_estadual": None, "cap_federal": 1}}
    services.update_rules(session, user, membership, conf, now=NOW, caps=caps,
                          **dict(RULES, majority_rule="two_thirds", quorum_percent=60))
    assert conf.majority_rule is MajorityRule.TWO_THIRDS
    assert conf.quorum_percent == 60
    assert (e1.cap_municipal, e1.cap_estadual, e1.cap_federal) == (5, 2, None)
    assert (e2.cap_municipal, e2.cap_estadual, e2.cap_federal) == (None, None, 1)
    [event] = events(session, "conference.rules_updated")
    assert data_of(event) == {"fields": ["majority_rule", "quorum_percent"],
                              "caps": {"1": {"cap_municipal": 5, "cap_estadual": 2}, "2": {"cap_federal": 1}}}
    services.update_rules(session, user, membership, conf, now=NOW, caps=caps,
                          **dict(RULES, majority_rule="two_thirds", quorum_percent=60))
    assert len(events(session, "conference.rules_updated")) == 1  # nothing changed the second time


@pytest.mark.parametrize("bad", ["foreign", "negative", "unknown_field"])
def test_bad_caps_are_refused(session, make, conf, sec, bad):
    user, membership = sec
    other = make.conference()
    eixo = other.eixos[0] if bad == "foreign" else conf.eixos[0]
    cap = {"negative": {"cap_municipal": -1}, "unknown_field": {"title": "hack"}}.get(bad, {"cap_municipal": 1})
    session.commit()  # so that the rollback below (the view's) undoes only the refused change
    with pytest.raises(ValidationError):
        services.update_rules(session, user, membership, conf, now=NOW, caps={eixo.id: cap}, **RULES)
    session.rollback()
    assert session.get(Eixo, eixo.id).cap_municipal is None
    assert session.get(Eixo, eixo.id).title.startswith("Eixo de teste")
    assert events(session) == []


@pytest.mark.parametrize("name, value", [("proposals_per_participant", -1), ("reports_to_hide", 0)])
def test_out_of_range_rules_are_validation_errors(session, conf, sec, name, value):
    user, membership = sec
    with pytest.raises(ValidationError) as caught:
        services.update_rules(session, user, membership, conf, now=NOW, **dict(RULES, **{name: value}))
    assert caught.value.field == name


# --- phases -----------------------------------------------------------------------------

def test_phases_advance_one_step_at_a_time_until_closed(session, conf, sec):
    user, membership = sec
    seen = [conf.phase]
    while seen[-1] != Phase.CLOSED:
        seen.append(services.advance_phase(session, user, membership, conf, expected=seen[-1], now=NOW).phase)
    assert seen == [Phase.PREPARATION, Phase.PROPOSALS, Phase.DEBATE, Phase.VOTING, Phase.CLOSED]
    assert [data_of(e) for e in events(session, "conference.phase_changed")] == [
        {"from": "preparation", "to": "proposals"}, {"from": "proposals", "to": "debate"},
        {"from": "debate", "to": "voting"}, {"from": "voting", "to": "closed"}]
    with pytest.raises(ConflictError):
        services.advance_phase(session, user, membership, conf, expected=Phase.CLOSED, now=NOW)
    assert verify_chain(session).ok


def test_a_stale_expected_phase_is_a_conflict(session, conf, sec):
    user, membership = sec
    with pytest.raises(ConflictError):
        services.advance_phase(session, user, membership, conf, expected=Phase.PROPOSALS, now=NOW)
    assert session.get(Conference, conf.id).phase == Phase.PREPARATION
    assert events(session) == []


def test_published_report_cannot_advance(session, make, admin):
    conference = make.conference(phase=Phase.REPORT_PUBLISHED)
    with pytest.raises(ConflictError):
        services.advance_phase(session, admin, None, conference, expected=Phase.REPORT_PUBLISHED, now=NOW)


def test_participants_cannot_advance_the_phase(session, make, conf):
    participant = make.participation(conf)
    with pytest.raises(PermissionDenied):
        services.advance_phase(session, participant.user, participant, conf, expected=conf.phase, now=NOW)
    assert conf.phase == Phase.PREPARATION


# --- secretaries ------------------------------------------------------------------------

def test_admin_names_a_secretary_by_email(session, make, admin, conf):
    person = make.user("Secretária", "secretaria@exemplo.org")
    participation = services.name_secretary(session, admin, conf, email=" Secretaria@Exemplo.org ", now=NOW)
    assert (participation.user_id, participation.role, participation.segment) == (person.id, Role.SECRETARY, None)
    assert data_of(events(session, "secretary.named")[0]) == {"user_id": person.id}
    with pytest.raises(ValidationError) as caught:
        services.name_secretary(session, admin, conf, email="secretaria@exemplo.org", now=NOW)
    assert caught.value.field == "email"


def test_a_participant_named_secretary_keeps_their_segment(session, make, admin, conf):
    joined = make.participation(conf, segment=Segment.TRABALHADOR)
    services.name_secretary(session, admin, conf, email=joined.user.email, now=NOW)
    assert (joined.role, joined.segment) == (Role.SECRETARY, Segment.TRABALHADOR)
    count = session.scalar(sa.select(sa.func.count()).select_from(Participation)
                           .where(Participation.conference_id == conf.id))
    assert count == 1


def test_naming_needs_an_existing_account_and_an_admin(session, make, admin, conf):
    with pytest.raises(ValidationError) as caught:
        services.name_secretary(session, admin, conf, email="ninguem@exemplo.org", now=NOW)
    assert caught.value.field == "email"
    secretary = make.secretary(conf)
    with pytest.raises(PermissionDenied):
        services.name_secretary(session, secretary.user, conf, email=make.user().email, now=NOW)


def test_removing_a_secretary(session, make, admin, conf):
    only_secretary = make.secretary(conf)
    also_participant = make.participation(conf, segment=Segment.GOVERNO, role=Role.SECRETARY)
    with pytest.raises(PermissionDenied):
        services.remove_secretary(session, only_secretary.user, also_participant, now=NOW)
    services.remove_secretary(session, admin, only_secretary, now=NOW)
    services.remove_secretary(session, admin, also_participant, now=NOW)
    session.expire_all()
    remaining = session.scalars(sa.select(Participation).where(Participation.conference_id == conf.id)).all()
    assert [(p.id, p.role, p.segment) for p in remaining] == [(also_participant.id, Role.PARTICIPANT, Segment.GOVERNO)]
    assert sorted(e.subject_id for e in events(session, "secretary.removed")) == sorted(
        [only_secretary.id, also_participant.id])
    assert verify_chain(session).ok

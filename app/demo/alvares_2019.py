"""The VIII Conferência Municipal de Assistência Social de Alvares Florence (2019)."""

from __future__ import annotations

import datetime as dt

from sqlalchemy.orm import Session

from app.conferences import participation as participation_services
from app.conferences import services as conference_services
from app.conferences.constants import ConferenceSphere, Porte
from app.conferences.models import Conference
from app.conferences.phases import Phase
from app.conferences.queries import get_membership
from app.demo.accounts import DemoAccounts
from app.demo.people import PEOPLE

SLUG = "viii-conferencia-alvares-florence-2019"
SAO_PAULO = dt.timezone(dt.timedelta(hours=-3))  # no daylight saving in September 2019

DESCRIPTION = """\
A VIII Conferência Municipal de Assistência Social de Alvares Florence é um espaço de \
mobilização e de participação social. Nela, usuários, trabalhadores do SUAS, entidades \
socioassistenciais e representantes do governo avaliam juntos como anda a política de \
assistência social no município e constroem diretrizes para o aperfeiçoamento do SUAS.

As propostas debatidas nos grupos de trabalho são votadas na plenária final e viram \
deliberações para os âmbitos municipal, estadual e federal. As deliberações estaduais e \
federais seguem para as próximas etapas da conferência.

A conferência é organizada pelo Conselho Municipal de Assistência Social (CMAS) em conjunto \
com a Prefeitura Municipal, por meio da Secretaria Municipal de Assistência Social. \
A participação é aberta: todas e todos estão convidados!"""

EIXOS = (
    ("A Assistência Social como direito do povo",
     "Acesso aos serviços, programas e benefícios como direito de cidadania, e não como favor."),
    ("Financiamento público",
     "Orçamento da assistência social, cofinanciamento entre municípios, estados e União, e o fundo municipal."),
    ("Participação social",
     "Conselhos, conferências e a participação dos usuários no controle social do SUAS."),
)


def build(session: Session, accounts: DemoAccounts, now: dt.datetime) -> Conference:
    admin, secretary = accounts.admin, accounts.secretary
    conference = conference_services.create_conference(
        session, admin, now=now,
        slug=SLUG,
        title="VIII Conferência Municipal de Assistência Social de Alvares Florence",
        edition=8,
        sphere=ConferenceSphere.MUNICIPAL,
        municipio="Alvares Florence",
        uf="SP",
        ibge_code="3501103",
        porte=Porte.PEQUENO_I,
        theme="Assistência Social: Direito do Povo, com Financiamento Público e Participação Social",
        description=DESCRIPTION,
        venue="CRAS – Centro de Referência de Assistência Social, Alvares Florence-SP",
        starts_at=dt.datetime(2019, 9, 26, 12, 30, tzinfo=SAO_PAULO),
        ends_at=dt.datetime(2019, 9, 26, 18, 0, tzinfo=SAO_PAULO),
        timezone="America/Sao_Paulo",
    )
    for user in (secretary, accounts.second_secretary):
        conference_services.name_secretary(session, admin, conference, email=user.email, now=now)
    membership = get_membership(session, conference.id, secretary.id)
    for title, description in EIXOS:
        conference_services.add_eixo(session, secretary, membership, conference, title=title,
                                     description=description, now=now)
    conference_services.update_rules(
        session, secretary, membership, conference, now=now,
        majority_rule="simple", quorum_percent=50, proposals_per_participant=3, reports_to_hide=3,
        caps={eixo.id: {"cap_estadual": 2, "cap_federal": 1} for eixo in conference.eixos},
    )
    enrol_people(session, conference, accounts, now)
    advance_to(session, conference, secretary, membership, Phase.CLOSED, now)
    return conference


def advance_to(session: Session, conference: Conference, secretary, membership, phase: Phase,  # type: ignore[no-untyped-def]
               now: dt.datetime) -> None:
    while conference.phase != phase:
        conference_services.advance_phase(session, secretary, membership, conference,
                                          expected=conference.phase, now=now)


def enrol_people(session: Session, conference: Conference, accounts: DemoAccounts, now: dt.datetime) -> None:
    """Everyone joins, the secretary accredits and checks them in, as on the day."""
    secretary = accounts.secretary
    membership = get_membership(session, conference.id, secretary.id)
    advance_to(session, conference, secretary, membership, Phase.PROPOSALS, now)
    for person in PEOPLE:
        user = accounts.people[person.login]
        participation = participation_services.join_conference(
            session, user, conference, segment=person.segment, organisation=person.organisation, now=now
        )
        participation_services.accredit(session, secretary, membership, participation,
                                        credential=person.credential, now=now)
        if person.checked_in and person.credential.value != "pending":
            participation_services.set_checked_in(session, secretary, membership, participation,
                                                  present=True, now=now)

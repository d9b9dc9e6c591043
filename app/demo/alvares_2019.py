"""The VIII Conferência Municipal de Assistência Social de Alvares Florence (2019)."""

from __future__ import annotations

import datetime as dt

from sqlalchemy.orm import Session

from app.conferences import participation as participation_services
from app.conferences import services as conference_services
from app.conferences.constants import ConferenceSphere, Porte
from app.conferences.models import Conference
from app.conferences.phases import Phase
from app.demo import plenary_2019, proposals_2019
from app.demo.accounts import DemoAccounts
from app.demo.people import PEOPLE
from app.demo.stage import Stage

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
    """The whole conference, as it happened: registrations, proposals, debate, plenary."""
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
    stage = Stage(session, accounts, conference, now)
    membership = stage.member(secretary)
    for title, description in EIXOS:
        conference_services.add_eixo(session, secretary, membership, conference, title=title,
                                     description=description, now=now)
    conference_services.update_rules(
        session, secretary, membership, conference, now=now,
        majority_rule="simple", quorum_percent=50, proposals_per_participant=3, reports_to_hide=3,
        caps={eixo.id: {"cap_estadual": 1, "cap_federal": 1} for eixo in conference.eixos},
    )
    stage.advance_to(Phase.PROPOSALS)
    enrol(stage, PEOPLE)
    proposals_2019.submit(stage)
    stage.advance_to(Phase.DEBATE)
    proposals_2019.debate(stage)
    proposals_2019.systematize(stage)
    stage.advance_to(Phase.VOTING)
    plenary_2019.plenary(stage)
    stage.advance_to(Phase.CLOSED)
    return conference


def enrol(stage: Stage, people) -> None:  # type: ignore[no-untyped-def]
    """Everyone joins; the secretary accredits and checks them in, as on the day."""
    membership = stage.member(stage.secretary)
    for person in people:
        user = stage.accounts.people[person.login]
        participation = participation_services.join_conference(
            stage.session, user, stage.conference, segment=person.segment, organisation=person.organisation,
            now=stage.now)
        participation_services.accredit(stage.session, stage.secretary, membership, participation,
                                        credential=person.credential, now=stage.now)
        if person.checked_in and person.credential.value != "pending":
            participation_services.set_checked_in(stage.session, stage.secretary, membership, participation,
                                                  present=True, now=stage.now)

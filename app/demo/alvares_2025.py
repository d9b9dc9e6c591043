"""The XI Conferência Municipal de Assistência Social de Alvares Florence (2025), left in
its voting phase with an open round, so that a newcomer can vote as a demo delegate."""

from __future__ import annotations

import datetime as dt

from sqlalchemy.orm import Session

from app.conferences import services as conference_services
from app.conferences.constants import ConferenceSphere, Porte
from app.conferences.models import Conference
from app.conferences.phases import Phase
from app.demo.accounts import DemoAccounts
from app.demo.alvares_2019 import enrol
from app.demo.people import PEOPLE
from app.demo.stage import Stage

SLUG = "xi-conferencia-alvares-florence-2025"
SAO_PAULO = dt.timezone(dt.timedelta(hours=-3))

EIXOS_2025 = (
    "Universalização do SUAS: Acesso Integral com Equidade e Respeito às Diversidades",
    "Aperfeiçoamento Contínuo do SUAS: Inovação, Gestão Descentralizada e Valorização Profissional",
    "Integração de Benefícios e Serviços Socioassistenciais: Fortalecendo a Proteção Social, Segurança de Renda "
    "e a Inclusão Social no SUAS",
    "Gestão Democrática, informação no SUAS e comunicação transparente: fortalecendo a participação social no SUAS",
    "Sustentabilidade Financeira e Equidade no Cofinanciamento do SUAS",
)

DESCRIPTION = """\
A XI Conferência Municipal de Assistência Social de Alvares Florence celebra os 20 anos do SUAS. \
Usuários, trabalhadores, entidades e governo avaliam o que o SUAS já garantiu no município e o que \
ainda falta, e aprovam as propostas que seguem para a conferência estadual e para a nacional.

Organizada pelo CMAS com a Prefeitura Municipal. A participação é aberta a todas as pessoas."""

PROPOSALS = (
    ("acessibilidade_cras", "claudia.usuaria", 1, "municipal", "Acessibilidade completa no CRAS",
     "Rampa, banheiro adaptado e atendimento em Libras no CRAS, com intérprete agendado."),
    ("busca_ativa", "juliana.trabalhadora", 1, "municipal", "Busca ativa das famílias fora do Cadastro Único",
     "Equipe volante para encontrar e cadastrar famílias em situação de vulnerabilidade que ainda não acessam o SUAS."),
    ("concurso", "adriana.trabalhadora", 2, "municipal", "Concurso público para a equipe do SUAS",
     "Realizar concurso público para compor a equipe de referência do CRAS, reduzindo contratos temporários."),
    ("renda_servicos", "maria.usuaria", 3, "estadual", "Integrar benefícios de renda e acompanhamento familiar",
     "Que as famílias que recebem benefícios estaduais de renda sejam acompanhadas pelo PAIF."),
    ("conselho_aberto", "jose.usuario", 4, "municipal", "Reuniões do CMAS abertas e transmitidas",
     "Transmitir as reuniões do CMAS pela internet e publicar as atas em linguagem simples."),
    ("cofinanciamento", "carla.governo", 5, "federal", "Piso federal de cofinanciamento por porte do município",
     "Criar um piso de cofinanciamento federal que garanta o funcionamento mínimo dos serviços nos municípios de "
     "pequeno porte."),
)


def build(session: Session, accounts: DemoAccounts, now: dt.datetime) -> Conference:
    conference = conference_services.create_conference(
        session, accounts.admin, now=now, slug=SLUG,
        title="XI Conferência Municipal de Assistência Social de Alvares Florence", edition=11,
        sphere=ConferenceSphere.MUNICIPAL, municipio="Alvares Florence", uf="SP", ibge_code="3501103",
        porte=Porte.PEQUENO_I, theme="20 anos do SUAS: construção, proteção social e resistência",
        description=DESCRIPTION, venue="Câmara Municipal de Alvares Florence",
        starts_at=dt.datetime(2025, 5, 28, 8, 0, tzinfo=SAO_PAULO),
        ends_at=dt.datetime(2025, 5, 28, 17, 0, tzinfo=SAO_PAULO), timezone="America/Sao_Paulo",
    )
    conference_services.name_secretary(session, accounts.admin, conference, email=accounts.secretary.email, now=now)
    conference_services.name_secretary(session, accounts.admin, conference, email=accounts.second_secretary.email,
                                       now=now)
    stage = Stage(session, accounts, conference, now)
    membership = stage.member(accounts.secretary)
    for title in EIXOS_2025:
        conference_services.add_eixo(session, accounts.secretary, membership, conference, title=title,
                                     description="", now=now)
    stage.advance_to(Phase.PROPOSALS)
    enrol(stage, PEOPLE)
    for key, login, eixo, sphere, title, body in PROPOSALS:
        stage.propose(key, login, eixo, sphere, title, body)
    stage.advance_to(Phase.DEBATE)
    first = stage.comment("acessibilidade_cras", "claudia.usuaria",
                          "Eu uso cadeira de rodas e hoje preciso ser carregada para entrar no CRAS.", "a_favor")
    stage.comment("acessibilidade_cras", "silvia.governo",
                  "A reforma da rampa já está no orçamento deste ano; o intérprete de Libras precisa de contrato.",
                  "neutro", reply_to=first)
    stage.comment("concurso", "ricardo.governo", "O limite de gastos com pessoal dificulta o concurso agora.", "contra")
    stage.comment("concurso", "adriana.trabalhadora", "Trocar a equipe todo ano quebra o vínculo com as famílias.",
                  "a_favor")
    stage.comment("conselho_aberto", "luzia.usuaria", "Assim quem não pode ir à reunião acompanha de casa.", "a_favor")
    stage.advance_to(Phase.VOTING)
    stage.round("Plenária final – eixos 1 e 2", ["acessibilidade_cras", "busca_ativa", "concurso"],
                allow_change=True)
    return conference

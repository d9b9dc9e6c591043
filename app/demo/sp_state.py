"""A demo state conference that imported the VIII conference's published report, open for
proposals and debate, so that a newcomer can join, propose and reply."""

from __future__ import annotations

import datetime as dt
import json

from sqlalchemy.orm import Session

from app.conferences import services as conference_services
from app.conferences.constants import ConferenceSphere
from app.conferences.models import Conference
from app.conferences.phases import Phase
from app.demo.accounts import DemoAccounts
from app.demo.alvares_2019 import enrol
from app.demo.alvares_2025 import EIXOS_2025
from app.demo.people import PEOPLE
from app.demo.stage import Stage
from app.proposals.models import Proposal
from app.reports import importing
from app.reports.models import PublishedReport

SLUG = "conferencia-estadual-sao-paulo-demo"
SAO_PAULO = dt.timezone(dt.timedelta(hours=-3))
# The 2019 eixos of the municipal report, mapped onto the 2025 eixos of the state conference.
EIXO_MAP = {1: 1, 2: 5, 3: 4}


def build(session: Session, accounts: DemoAccounts, municipal_report: PublishedReport, now: dt.datetime) -> Conference:
    conference = conference_services.create_conference(
        session, accounts.admin, now=now, slug=SLUG,
        title="Conferência Estadual de Assistência Social de São Paulo (demonstração)", edition=14,
        sphere=ConferenceSphere.ESTADUAL, municipio=None, uf="SP", ibge_code=None, porte=None,
        theme="20 anos do SUAS: construção, proteção social e resistência",
        description="Conferência estadual de demonstração. Ela recebeu as deliberações estaduais encaminhadas pela "
                    "VIII Conferência Municipal de Alvares Florence e está aberta para novas propostas e debate.",
        venue="São Paulo-SP (etapa regionalizada)",
        starts_at=dt.datetime(2025, 10, 13, 9, 0, tzinfo=SAO_PAULO),
        ends_at=dt.datetime(2025, 10, 14, 17, 0, tzinfo=SAO_PAULO), timezone="America/Sao_Paulo",
    )
    conference_services.name_secretary(session, accounts.admin, conference, email=accounts.secretary.email, now=now)
    stage = Stage(session, accounts, conference, now)
    membership = stage.member(accounts.secretary)
    for title in EIXOS_2025:
        conference_services.add_eixo(session, accounts.secretary, membership, conference, title=title,
                                     description="", now=now)
    stage.advance_to(Phase.PROPOSALS)
    report = importing.parse_report(municipal_report.content)
    eixo_ids = {e.number: e.id for e in conference.eixos}
    imported = importing.apply_import(
        session, accounts.secretary, membership, conference, report=report,
        eixo_map={origin: eixo_ids[target] for origin, target in EIXO_MAP.items()}, now=now)
    enrol(stage, [p for p in PEOPLE if p.credential.value in ("delegado", "convidado")])
    _debate(stage, imported)
    return conference


def _debate(stage: Stage, imported: list[Proposal]) -> None:
    for proposal in imported:
        stage.proposals[proposal.origin_code or proposal.code] = proposal
    by_title = {p.title: key for key, p in stage.proposals.items()}
    key = next((k for t, k in by_title.items() if "proteção básica" in t), next(iter(by_title.values())))
    root = stage.comment(key, "joao.trabalhador",
                         "No nosso município o SCFV atende 120 crianças com o mesmo repasse de dez anos atrás.",
                         "a_favor")
    stage.comment(key, "ceas.convidada",
                  "O CEAS pode levantar o custo médio por usuário para embasar o novo valor.", "neutro", reply_to=root)


def report_summary(report_json: str) -> dict:
    """Counts of what a report forwarded (used by `flask demo` to print a line)."""
    data = json.loads(report_json)
    return {sphere: len(items) for sphere, items in data["forwarded"].items()}

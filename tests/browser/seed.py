"""The browser journeys' database: `flask demo`, then extra data loaded through the services.

Run as ``python -m tests.browser.seed OUT.json`` with DATABASE_URL pointing at a migrated,
empty database: it runs `flask demo`, then adds the journeys' data, and writes what the journeys need to find (slugs, titles, codes, expected figures)
to OUT.json. Each journey that changes data gets its own people, proposals or conference,
so that journeys (and their language and no-JavaScript variants) never depend on each
other's order or on which pytest-xdist worker runs them.
"""

from __future__ import annotations

import datetime as dt
import json
import sys
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from app import create_app
from app.auth import services as auth_services
from app.auth.models import User
from app.conferences import participation as participation_services
from app.conferences import services as conference_services
from app.conferences.constants import ConferenceSphere, Porte, Segment
from app.conferences.models import Conference
from app.conferences.phases import Phase
from app.conferences.queries import get_membership
from app.db import utcnow
from app.demo import alvares_2025
from app.demo.accounts import DemoAccounts
from app.demo.alvares_2019 import enrol
from app.demo.people import ADMIN, DEMO_PASSWORD, DOMAIN, PEOPLE, SECOND_SECRETARY, SECRETARY
from app.demo.stage import Stage, spread
from app.extensions import db
from app.proposals import services as proposal_services
from app.reports.services import draft_report

SAO_PAULO = dt.timezone(dt.timedelta(hours=-3))

# Journey 2 runs three times (pt-BR, English, without JavaScript): each run accredits two of
# the XI conference's pending registrations and puts two proposals in a round of its own.
# The demo has four pending people and three proposals outside its open round; these add the rest.
EXTRA_PENDING = (
    ("tereza.usuaria", "Tereza Nunes", Segment.USUARIO),
    ("wagner.trabalhador", "Wagner Costa", Segment.TRABALHADOR),
)
EXTRA_PROPOSALS = (
    ("rosa.usuaria", 1, "municipal", "Transporte gratuito até o CRAS nos dias de atendimento",
     "Vale-transporte para as famílias da zona rural nos dias de atendimento marcados no CRAS."),
    ("roberto.trabalhador", 2, "municipal", "Supervisão técnica para as equipes do SUAS",
     "Contratar supervisão técnica mensal para as equipes do CRAS e da gestão."),
    ("pastoral", 3, "municipal", "Cadastro Único aos sábados",
     "Abrir o atendimento do Cadastro Único em dois sábados por mês para quem trabalha durante a semana."),
)

# Journey 3 runs twice (pt-BR and English): each publishes the report of its own closed conference.
REPORT_CONFERENCES = {
    "pt_BR": ("i-conferencia-regional-noroeste-paulista-2025",
              "I Conferência Regional de Assistência Social do Noroeste Paulista"),
    "en": ("ii-conferencia-regional-noroeste-paulista-2025",
           "II Conferência Regional de Assistência Social do Noroeste Paulista"),
}
REPORT_PROPOSALS = (
    # (author, eixo, title, body, votes: spread of yes/no/abstain over the 16 delegates)
    ("maria.usuaria", 1, "Ampliar a equipe volante do CRAS",
     "Uma segunda equipe volante para atender os bairros rurais toda semana.", [("yes", 10), ("no", 3), ("abstain", 1)]),
    ("joao.trabalhador", 1, "Plano municipal de educação permanente",
     "Formação continuada para trabalhadores e conselheiros, com calendário anual.", [("yes", 9), ("no", 4)]),
    ("carla.governo", 2, "Fundo municipal com orçamento próprio",
     "Que o fundo municipal de assistência social tenha dotação própria na lei orçamentária.",
     [("no", 9), ("yes", 4), ("abstain", 1)]),
)


def demo_accounts(session: Session) -> DemoAccounts:
    def user(email: str) -> User:
        found = auth_services.get_user_by_email(session, email)
        assert found is not None, f"demo account {email} missing: run `flask demo` first"
        return found

    accounts = DemoAccounts(admin=user(ADMIN[1]), secretary=user(SECRETARY[1]),
                            second_secretary=user(SECOND_SECRETARY[1]))
    accounts.people = {p.login: user(p.email) for p in PEOPLE}
    return accounts


def extend_xi(session: Session, accounts: DemoAccounts, now: dt.datetime) -> dict[str, Any]:
    conference = session.scalar(sa.select(Conference).where(Conference.slug == alvares_2025.SLUG))
    assert conference is not None
    pending = []
    for login, name, segment in EXTRA_PENDING:
        user = auth_services.register_user(session, display_name=name, email=f"{login}@{DOMAIN}",
                                           password=DEMO_PASSWORD, now=now)
        participation_services.join_conference(session, user, conference, segment=segment, organisation=None, now=now)
        pending.append({"email": user.email, "name": name})
    codes = []
    for login, eixo_number, sphere, title, body in EXTRA_PROPOSALS:
        author = get_membership(session, conference.id, accounts.people[login].id)
        eixo_id = next(e.id for e in conference.eixos if e.number == eixo_number)
        proposal = proposal_services.create_proposal(
            session, conference, eixo_id=eixo_id, sphere=sphere, title=title, body=body, justification=None,
            author=author, editor=accounts.people[login], now=now)
        codes.append(proposal.code)
    return {"extra_pending": pending, "extra_codes": codes}


def closed_conference(session: Session, accounts: DemoAccounts, slug: str, title: str,
                      now: dt.datetime) -> dict[str, Any]:
    """A small conference that voted and closed: its report is ready to be published."""
    conference = conference_services.create_conference(
        session, accounts.admin, now=now, slug=slug, title=title, edition=1, sphere=ConferenceSphere.MUNICIPAL,
        municipio="Alvares Florence", uf="SP", ibge_code="3501103", porte=Porte.PEQUENO_I,
        theme="20 anos do SUAS: construção, proteção social e resistência",
        description="Conferência de teste dos navegadores: votada e encerrada, com o relatório pronto para publicar.",
        venue="Câmara Municipal", starts_at=dt.datetime(2025, 6, 10, 8, 0, tzinfo=SAO_PAULO),
        ends_at=dt.datetime(2025, 6, 10, 17, 0, tzinfo=SAO_PAULO), timezone="America/Sao_Paulo",
    )
    conference_services.name_secretary(session, accounts.admin, conference, email=accounts.secretary.email, now=now)
    stage = Stage(session, accounts, conference, now)
    membership = stage.member(accounts.secretary)
    for eixo_title in alvares_2025.EIXOS_2025[:2]:
        conference_services.add_eixo(session, accounts.secretary, membership, conference, title=eixo_title,
                                     description="", now=now)
    stage.advance_to(Phase.PROPOSALS)
    delegates = [p for p in PEOPLE if p.credential.value == "delegado"]
    enrol(stage, delegates)
    for index, (login, eixo, proposal_title, body, _plan) in enumerate(REPORT_PROPOSALS):
        stage.propose(f"p{index}", login, eixo, "municipal", proposal_title, body)
    stage.advance_to(Phase.DEBATE)
    stage.advance_to(Phase.VOTING)
    voting_round = stage.round("Plenária final", [f"p{i}" for i in range(len(REPORT_PROPOSALS))])
    plans = [spread(plan) for *_rest, plan in REPORT_PROPOSALS]
    for voter_index, person in enumerate(delegates):
        choices = {f"p{i}": plan[voter_index] for i, plan in enumerate(plans) if voter_index < len(plan)}
        if choices:
            stage.vote(voting_round, person.login, choices)
    stage.close(voting_round)
    stage.advance_to(Phase.CLOSED)
    report = draft_report(session, conference, now=now)
    assert not report["unresolved"], report["unresolved"]
    return {
        "slug": slug, "title": title,
        "deliberations": [d["code"] for d in report["deliberations"]],
    }


def seed() -> dict[str, Any]:
    now = utcnow()
    accounts = demo_accounts(db.session)
    data: dict[str, Any] = {"xi": extend_xi(db.session, accounts, now)}
    data["reports"] = {lang: closed_conference(db.session, accounts, slug, title, now)
                       for lang, (slug, title) in REPORT_CONFERENCES.items()}
    db.session.commit()
    return data


def main(out_path: str) -> None:
    # The demo's accounts get argon2's cheapest parameters, as in the rest of the test suite
    # (config.TestConfig): each of the journeys' twenty-odd logins then costs milliseconds, not
    # a quarter of a second. The hash carries its parameters, so the server verifies it as is.
    app = create_app(PASSWORD_HASH_FAST=True)
    result = app.test_cli_runner().invoke(args=["demo"])  # `flask demo`, in this process
    if result.exit_code != 0:
        raise SystemExit(f"flask demo falhou: {result.output}\n{result.exception!r}")
    with app.app_context(), app.test_request_context("/"):
        data = seed()
    with open(out_path, "w", encoding="utf-8") as out:
        json.dump(data, out, ensure_ascii=False, indent=2)


if __name__ == "__main__":
    main(sys.argv[1])

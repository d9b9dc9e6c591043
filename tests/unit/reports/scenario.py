"""A fixed conference built through the services, from preparation to closing, with a
fixed clock: the golden-file, PDF and view tests of the report share it.

Eixo 1 (caps: 1 estadual), eixo 2 (no caps). Eight delegates (four government, four civil
society: parity), seven of them checked in, an observer, a guest and a pending registration.
One deliberation round (five online ballots and two in-person voters), a tie settled as not
deliberated, one withdrawn proposal, two merged into a third, one never voted, and a closed
priority round that ranks the two estadual deliberations of eixo 1 (cap 1).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.orm import Session

from app.auth.models import User
from app.conferences import participation as participation_services
from app.conferences import services as conference_services
from app.conferences.constants import ConferenceSphere, Credential, Porte, Segment
from app.conferences.models import Conference, Participation
from app.conferences.phases import Phase
from app.proposals import services as proposal_services
from app.proposals.models import Proposal
from app.reports import services as report_services
from app.votes import ballots, closing, counts, rounds
from app.votes.models import VotingRound

SAO_PAULO = dt.timezone(dt.timedelta(hours=-3))
NOW = dt.datetime(2019, 9, 26, 12, 30, tzinfo=SAO_PAULO)
GENERATED_AT = dt.datetime(2019, 10, 1, 9, 0, tzinfo=SAO_PAULO)
SLUG = "viii-conferencia-teste-relatorio"
TITLE = "VIII Conferência Municipal de Assistência Social de Vila Teste"
URL = f"https://plenaria.example/conferencias/{SLUG}"
TIE_REASON = "Empate mantido após nova discussão; a plenária decidiu não deliberar."


def at(minutes: int) -> dt.datetime:
    return NOW + dt.timedelta(minutes=minutes)


@dataclass
class Scenario:
    session: Session
    admin: User
    secretary: User
    conference: Conference = None  # type: ignore[assignment]
    people: dict[str, tuple[User, Participation]] = field(default_factory=dict)
    proposals: dict[str, Proposal] = field(default_factory=dict)
    rounds: dict[str, VotingRound] = field(default_factory=dict)

    @property
    def membership(self) -> Participation:
        from app.conferences.queries import get_membership

        found = get_membership(self.session, self.conference.id, self.secretary.id)
        assert found is not None
        return found

    def advance_to(self, phase: Phase, when: dt.datetime) -> None:
        while self.conference.phase != phase:
            conference_services.advance_phase(self.session, self.secretary, self.membership, self.conference,
                                              expected=self.conference.phase, now=when)

    def join(self, key: str, segment: Segment, credential: Credential, *, present: bool, when: dt.datetime) -> None:
        user, _ = self.people.get(key, (None, None))
        assert user is not None
        organisation = "Organização de teste" if segment in (Segment.ENTIDADE, Segment.GOVERNO) else None
        member = participation_services.join_conference(self.session, user, self.conference, segment=segment,
                                                        organisation=organisation, now=when)
        if credential != Credential.PENDING:
            participation_services.accredit(self.session, self.secretary, self.membership, member,
                                            credential=credential, now=when)
        if present:
            participation_services.set_checked_in(self.session, self.secretary, self.membership, member,
                                                  present=True, now=when)
        self.people[key] = (user, member)

    def propose(self, key: str, who: str, eixo: int, sphere: str, title: str, body: str, when: dt.datetime) -> Proposal:
        user, member = self.people[who]
        eixo_id = next(e.id for e in self.conference.eixos if e.number == eixo)
        proposal = proposal_services.submit_proposal(
            self.session, user, member, self.conference, eixo_id=eixo_id, sphere=sphere, title=title, body=body,
            justification=None, now=when)
        self.proposals[key] = proposal
        return proposal

    def open_round(self, key: str, title: str, keys: list[str], when: dt.datetime, **settings: Any) -> VotingRound:
        voting_round = rounds.create_round(self.session, self.secretary, self.membership, self.conference,
                                           title=title, now=when, **settings)
        rounds.set_round_proposals(self.session, self.secretary, self.membership, voting_round,
                                   proposal_ids=[self.proposals[k].id for k in keys], now=when)
        rounds.open_round(self.session, self.secretary, self.membership, voting_round, now=when)
        self.rounds[key] = voting_round
        return voting_round

    def vote(self, round_key: str, who: str, choices: dict[str, str], when: dt.datetime) -> None:
        user, member = self.people[who]
        ballots.cast_ballot(self.session, user, member, self.rounds[round_key],
                            choices={self.proposals[k].id: c for k, c in choices.items()}, now=when)

    def in_person(self, round_key: str, figures: dict[str, tuple[int, int, int]], when: dt.datetime) -> None:
        counts.enter_counts(self.session, self.secretary, self.membership, self.rounds[round_key],
                            counts={self.proposals[k].id: f for k, f in figures.items()}, now=when)

    def close(self, round_key: str, when: dt.datetime) -> None:
        closing.close_round(self.session, self.secretary, self.membership, self.rounds[round_key], now=when)

    def publish(self, when: dt.datetime = GENERATED_AT, note: str | None = None, pdf_renderer: Any = None) -> Any:
        return report_services.publish_report(self.session, self.secretary, self.membership, self.conference,
                                              now=when, note=note, url=URL, pdf_renderer=pdf_renderer)


PEOPLE = (  # key, segment, credential, checked in
    ("ana", Segment.USUARIO, Credential.DELEGADO, True),
    ("bia", Segment.USUARIO, Credential.DELEGADO, True),
    ("caio", Segment.TRABALHADOR, Credential.DELEGADO, True),
    ("dora", Segment.ENTIDADE, Credential.DELEGADO, True),
    ("edu", Segment.GOVERNO, Credential.DELEGADO, True),
    ("fabi", Segment.GOVERNO, Credential.DELEGADO, True),
    ("gil", Segment.GOVERNO, Credential.DELEGADO, True),
    ("hugo", Segment.GOVERNO, Credential.DELEGADO, False),
    ("iris", Segment.USUARIO, Credential.OBSERVADOR, True),
    ("jo", Segment.ENTIDADE, Credential.CONVIDADO, False),
    ("lia", Segment.TRABALHADOR, Credential.PENDING, False),
)

PROPOSALS = (  # key, author, eixo, sphere, title, body
    ("cras", "ana", 1, "municipal", "Equipe completa nos CRAS", "Garantir equipe de referência completa no CRAS."),
    ("taxa", "bia", 1, "municipal", "Cobrar taxa dos usuários", "Cobrar uma taxa simbólica pelos atendimentos."),
    ("van", "caio", 1, "municipal", "Van para a zona rural", "Disponibilizar transporte semanal para a zona rural."),
    ("sede", "dora", 1, "municipal", "Nova sede do conselho", "Construir uma sede própria para o CMAS."),
    ("horario", "edu", 1, "municipal", "Horário estendido", "Atender até as 20h uma vez por semana."),
    ("sabado", "fabi", 1, "municipal", "Atendimento aos sábados", "Abrir o CRAS em um sábado por mês."),
    ("cofin", "gil", 1, "estadual", "Cofinanciamento estadual", "Regularizar os repasses estaduais do cofinanciamento."),
    ("capacita", "ana", 1, "estadual", "Capacitação regional", "Oferecer capacitação regional aos trabalhadores."),
    ("loas", "bia", 1, "federal", "Reajuste do piso", "Reajustar anualmente o piso de proteção social básica."),
    ("bpc", "caio", 2, "municipal", "Busca ativa do BPC", "Fazer busca ativa de pessoas com direito ao BPC."),
    ("ceas", "dora", 2, "estadual", "Apoio técnico do estado", "Garantir apoio técnico do estado aos municípios."),
    ("praca", "edu", 2, "municipal", "Praça da juventude", "Criar uma praça da juventude no centro."),
)


def build(session: Session, make: Any, *, settle_tie: bool = True, close: bool = True) -> Scenario:
    """The conference, closed; ``settle_tie=False`` leaves the tie unresolved, ``close=False``
    leaves the conference in the voting phase."""
    admin = make.user("Administração", admin=True)
    secretary = make.user("Sônia Secretária")
    s = Scenario(session, admin, secretary)
    s.conference = conference_services.create_conference(
        session, admin, now=at(-60 * 24 * 30), slug=SLUG, title=TITLE, edition=8, sphere=ConferenceSphere.MUNICIPAL,
        municipio="Vila Teste", uf="SP", ibge_code="3501103", porte=Porte.PEQUENO_I,
        theme="Assistência Social: direito do povo e dever do Estado", description="Conferência de teste.",
        venue="CRAS Central, Rua das Flores, 100", starts_at=NOW, ends_at=NOW + dt.timedelta(hours=5),
        timezone="America/Sao_Paulo")
    conference_services.name_secretary(session, admin, s.conference, email=secretary.email, now=at(-60 * 24 * 29))
    for title in ("Proteção social básica", "Financiamento e gestão do SUAS"):
        conference_services.add_eixo(session, secretary, s.membership, s.conference, title=title, description="",
                                     now=at(-60 * 24 * 29))
    session.refresh(s.conference, ["eixos"])
    eixo1 = s.conference.eixos[0]
    conference_services.update_rules(session, secretary, s.membership, s.conference, now=at(-60 * 24 * 29),
                                     caps={eixo1.id: {"cap_estadual": 1}})
    for key, segment, credential, present in PEOPLE:
        s.people[key] = (make.user(key.capitalize()), None)  # type: ignore[assignment]
        s.join(key, segment, credential, present=present, when=at(-60 * 24 * 20))
    s.advance_to(Phase.PROPOSALS, at(-60 * 24 * 15))
    for n, (key, who, eixo, sphere, title, body) in enumerate(PROPOSALS):
        s.propose(key, who, eixo, sphere, title, body, at(-60 * 24 * 14 + n))
    s.advance_to(Phase.DEBATE, at(-60 * 24 * 7))
    merged = proposal_services.merge_proposals(
        session, secretary, s.membership, s.conference,
        proposal_ids=[s.proposals["horario"].id, s.proposals["sabado"].id], eixo_id=eixo1.id, sphere="municipal",
        title="Horário ampliado do CRAS", body="Atender até as 20h uma vez por semana e em um sábado por mês.",
        justification=None, now=at(-60 * 24 * 6))
    s.proposals["ampliado"] = merged
    sede_author, sede_member = s.people["dora"]
    proposal_services.withdraw_proposal(session, sede_author, sede_member, s.proposals["sede"],
                                        reason="Já incluída no plano plurianual.", now=at(-60 * 24 * 5))
    s.advance_to(Phase.VOTING, at(0))

    voted = ["cras", "taxa", "van", "ampliado", "cofin", "capacita", "loas", "bpc", "ceas"]
    s.open_round("plenaria", "Plenária final: eixos 1 e 2", voted, at(60), kind="deliberation")
    ballots_plan = {
        "ana": {"cras": "yes", "taxa": "no", "van": "yes", "ampliado": "yes", "cofin": "yes", "capacita": "yes",
                "loas": "yes", "bpc": "yes", "ceas": "yes"},
        "bia": {"cras": "yes", "taxa": "yes", "van": "no", "ampliado": "yes", "cofin": "yes", "capacita": "yes",
                "loas": "yes", "bpc": "yes", "ceas": "abstain"},
        "caio": {"cras": "yes", "taxa": "no", "van": "yes", "ampliado": "no", "cofin": "yes", "capacita": "yes",
                 "loas": "yes", "bpc": "yes", "ceas": "yes"},
        "dora": {"cras": "abstain", "taxa": "no", "van": "no", "ampliado": "yes", "cofin": "yes", "capacita": "no",
                 "loas": "yes", "bpc": "yes", "ceas": "yes"},
        "edu": {"cras": "yes", "taxa": "no", "van": "yes", "ampliado": "yes", "cofin": "yes", "capacita": "yes",
                "loas": "no", "bpc": "yes", "ceas": "yes"},
    }
    for n, (who, choices) in enumerate(ballots_plan.items()):
        s.vote("plenaria", who, choices, at(61 + n))
    # Two delegates (fabi, gil) vote by raising their badges: the secretary counts them.
    s.in_person("plenaria", {"cras": (2, 0, 0), "taxa": (0, 2, 0), "van": (0, 1, 1), "ampliado": (1, 1, 0),
                             "cofin": (2, 0, 0), "capacita": (1, 0, 1), "loas": (2, 0, 0), "bpc": (2, 0, 0),
                             "ceas": (1, 1, 0)}, at(70))
    s.close("plenaria", at(75))
    if settle_tie:
        report_services.settle_not_deliberated(session, secretary, s.membership, s.proposals["van"],
                                               reason=TIE_REASON, now=at(80))
    s.open_round("prioridade", "Priorização estadual do eixo 1", ["cofin", "capacita"], at(90), kind="priority",
                 max_choices=1, forward_count=1)
    for n, who in enumerate(("ana", "bia", "caio", "dora", "edu")):
        s.vote("prioridade", who, {"capacita" if who == "dora" else "cofin": "selected"}, at(91 + n))
    s.close("prioridade", at(100))
    for key, wording in (
        ("cras", "Garantir equipe de referência completa em todos os CRAS, conforme a NOB-RH/SUAS."),
        ("cofin", "Regularizar os repasses do cofinanciamento estadual, com calendário público."),
        ("bpc", "- Fazer busca ativa, com as equipes do CRAS, das pessoas com direito ao BPC."),
    ):
        proposal_services.set_final_wording(session, secretary, s.membership, s.proposals[key], final_wording=wording,
                                            now=at(110))
    if close:
        s.advance_to(Phase.CLOSED, at(300))
    return s

"""The VIII conference's plenária final: rounds, in-person counts, the tie settled by a
second round, the priority round of the state-level proposals, and the final wording."""

from __future__ import annotations

from app.demo.people import PEOPLE
from app.demo.stage import Stage, spread

DELEGATES = [p.login for p in PEOPLE if p.credential.value == "delegado"]  # 16, all checked in


def _ballots(stage: Stage, voting_round, plans: dict[str, list[str]], voters: list[str]) -> None:  # type: ignore[no-untyped-def]
    """plans: proposal key → one choice per voter ("" leaves it blank)."""
    for index, login in enumerate(voters):
        choices = {key: plan[index] for key, plan in plans.items() if index < len(plan) and plan[index]}
        if choices:
            stage.vote(voting_round, login, choices)


def eixo_1_round(stage: Stage) -> None:
    """Named round with crachá counts: one approved, one rejected, one tie."""
    voting_round = stage.round("Plenária final – Eixo 1", ["horario_cras", "creas_regional", "transporte_rural"])
    online = DELEGATES[:12]
    _ballots(stage, voting_round, {
        "horario_cras": spread([("yes", 9), ("no", 2), ("abstain", 1)]),
        "creas_regional": spread([("yes", 3), ("no", 8), ("abstain", 1)]),
        "transporte_rural": spread([("yes", 6), ("no", 5), ("abstain", 1)]),
    }, online)
    stage.in_person(voting_round, {"horario_cras": (3, 1, 0), "creas_regional": (1, 3, 0),
                                   "transporte_rural": (1, 2, 1)})
    stage.close(voting_round)


def tie_break_round(stage: Stage) -> None:
    voting_round = stage.round("Desempate – transporte para a zona rural", ["transporte_rural"])
    _ballots(stage, voting_round, {"transporte_rural": spread([("yes", 11), ("no", 4), ("abstain", 1)])}, DELEGATES)
    stage.close(voting_round)


OTHER_PROPOSALS = ["beneficios_eventuais", "bpc", "orcamento_municipal", "repasse_regular", "protecao_basica_scfv",
                   "orcamento_federal", "capacitacao_cmas", "radio_cmas", "forum_usuarios", "diarias_delegados"]


def other_proposals_round(stage: Stage) -> None:
    """A secret round: ballots carry no voter; small segments' figures stay hidden."""
    voting_round = stage.round("Plenária final – demais propostas", OTHER_PROPOSALS, secret=True)
    plans = {}
    for offset, key in enumerate(OTHER_PROPOSALS):
        no = 1 + offset % 3
        abstain = offset % 2
        plans[key] = spread([("yes", 16 - no - abstain), ("no", no), ("abstain", abstain)])
    _ballots(stage, voting_round, plans, DELEGATES)
    stage.close(voting_round)


STATE_LEVEL = ["beneficios_eventuais", "repasse_regular", "protecao_basica_scfv", "forum_usuarios"]


def priority_round(stage: Stage) -> None:
    """Each delegate picks up to two state-level proposals; the three best are forwarded."""
    voting_round = stage.round("Priorização das propostas estaduais", STATE_LEVEL, kind="priority",
                               max_choices=2, forward_count=3)
    patterns = ([["protecao_basica_scfv", "beneficios_eventuais"]] * 5 + [["protecao_basica_scfv", "forum_usuarios"]] * 4
                + [["protecao_basica_scfv", "repasse_regular"]] + [["beneficios_eventuais", "repasse_regular"]] * 4
                + [["forum_usuarios"]] * 2)
    for login, picks in zip(DELEGATES, patterns, strict=True):
        stage.vote(voting_round, login, dict.fromkeys(picks, "selected"))
    stage.close(voting_round)


FINAL_WORDINGS = {
    "horario_cras": "Ampliar o horário de atendimento do CRAS até as 20h, duas vezes por semana, com inscrição e "
                    "atualização do Cadastro Único nesse período, organizando a equipe em escala.",
    "transporte_rural": "Garantir transporte gratuito semanal das comunidades rurais até o CRAS, usando os veículos "
                        "do município nos dias disponíveis.",
    "orcamento_municipal": "Alcançar, em até quatro anos, 5% da receita municipal destinada ao Fundo Municipal de "
                           "Assistência Social, com metas anuais na LOA.",
}


def plenary(stage: Stage) -> None:
    eixo_1_round(stage)
    tie_break_round(stage)
    other_proposals_round(stage)
    priority_round(stage)
    for key, text in FINAL_WORDINGS.items():
        stage.final_wording(key, text)

"""The phases of a conference and what each one allows: the one place that says so.

preparation → proposals → debate → voting → closed → report_published
"""

from __future__ import annotations

import enum

from flask_babel import lazy_gettext as _l


class Phase(enum.StrEnum):
    PREPARATION = "preparation"
    PROPOSALS = "proposals"
    DEBATE = "debate"
    VOTING = "voting"
    CLOSED = "closed"
    REPORT_PUBLISHED = "report_published"


ORDER: tuple[Phase, ...] = tuple(Phase)


class Action(enum.StrEnum):
    JOIN = "join"
    SUBMIT_PROPOSAL = "submit_proposal"
    EDIT_OWN_PROPOSAL = "edit_own_proposal"
    WITHDRAW_PROPOSAL = "withdraw_proposal"
    COMMENT = "comment"
    SYSTEMATIZE = "systematize"  # secretary edits, merges, sets the final wording
    ACCREDIT = "accredit"
    CHECK_IN = "check_in"
    IMPORT_PARTICIPANTS = "import_participants"
    PREPARE_ROUND = "prepare_round"
    OPEN_ROUND = "open_round"
    PUBLISH_REPORT = "publish_report"
    IMPORT_REPORT = "import_report"


_P = Phase
ALLOWED: dict[Action, frozenset[Phase]] = {
    Action.JOIN: frozenset({_P.PREPARATION, _P.PROPOSALS, _P.DEBATE, _P.VOTING}),
    Action.SUBMIT_PROPOSAL: frozenset({_P.PROPOSALS}),
    Action.EDIT_OWN_PROPOSAL: frozenset({_P.PROPOSALS, _P.DEBATE}),
    Action.WITHDRAW_PROPOSAL: frozenset({_P.PROPOSALS, _P.DEBATE, _P.VOTING}),
    Action.COMMENT: frozenset({_P.PROPOSALS, _P.DEBATE}),
    Action.SYSTEMATIZE: frozenset({_P.PROPOSALS, _P.DEBATE, _P.VOTING, _P.CLOSED}),
    Action.ACCREDIT: frozenset({_P.PREPARATION, _P.PROPOSALS, _P.DEBATE, _P.VOTING}),
    Action.CHECK_IN: frozenset({_P.PREPARATION, _P.PROPOSALS, _P.DEBATE, _P.VOTING}),
    Action.IMPORT_PARTICIPANTS: frozenset({_P.PREPARATION, _P.PROPOSALS, _P.DEBATE, _P.VOTING}),
    Action.PREPARE_ROUND: frozenset({_P.DEBATE, _P.VOTING}),
    Action.OPEN_ROUND: frozenset({_P.VOTING}),
    Action.PUBLISH_REPORT: frozenset({_P.CLOSED, _P.REPORT_PUBLISHED}),
    Action.IMPORT_REPORT: frozenset({_P.PREPARATION, _P.PROPOSALS, _P.DEBATE}),
}

PHASE_LABELS = {
    Phase.PREPARATION: _l("Preparação"),
    Phase.PROPOSALS: _l("Envio de propostas"),
    Phase.DEBATE: _l("Debate"),
    Phase.VOTING: _l("Votação"),
    Phase.CLOSED: _l("Encerrada"),
    Phase.REPORT_PUBLISHED: _l("Relatório publicado"),
}

PHASE_DESCRIPTIONS = {
    Phase.PREPARATION: _l("A secretaria prepara a conferência; as inscrições estão abertas."),
    Phase.PROPOSALS: _l("Participantes inscritos enviam propostas e já podem comentar."),
    Phase.DEBATE: _l("As propostas estão em debate: comente e responda."),
    Phase.VOTING: _l("Plenária: os delegados credenciados votam nas rodadas abertas pela secretaria."),
    Phase.CLOSED: _l("A conferência terminou; a secretaria prepara o relatório final."),
    Phase.REPORT_PUBLISHED: _l("O relatório final está publicado."),
}

ACTION_REFUSALS = {
    Action.JOIN: _l("As inscrições desta conferência estão encerradas."),
    Action.SUBMIT_PROPOSAL: _l("O envio de propostas não está aberto nesta fase da conferência."),
    Action.EDIT_OWN_PROPOSAL: _l("Nesta fase da conferência as propostas não podem mais ser editadas."),
    Action.WITHDRAW_PROPOSAL: _l("Nesta fase da conferência as propostas não podem ser retiradas."),
    Action.COMMENT: _l("O debate não está aberto nesta fase da conferência."),
    Action.SYSTEMATIZE: _l("A sistematização não é possível nesta fase da conferência."),
    Action.ACCREDIT: _l("O credenciamento não é possível nesta fase da conferência."),
    Action.CHECK_IN: _l("O registro de presença não é possível nesta fase da conferência."),
    Action.IMPORT_PARTICIPANTS: _l("A importação de participantes não é possível nesta fase."),
    Action.PREPARE_ROUND: _l("Rodadas de votação só podem ser preparadas no debate ou na votação."),
    Action.OPEN_ROUND: _l("Rodadas de votação só podem ser abertas na fase de votação."),
    Action.PUBLISH_REPORT: _l("O relatório só pode ser publicado depois que a conferência for encerrada."),
    Action.IMPORT_REPORT: _l("Relatórios de outras conferências só podem ser importados antes da votação."),
}


def allows(phase: Phase, action: Action) -> bool:
    return phase in ALLOWED[action]


def next_phase(phase: Phase) -> Phase | None:
    """The phase a secretary may move to; the report is published by publishing it."""
    index = ORDER.index(phase)
    if phase in (Phase.CLOSED, Phase.REPORT_PUBLISHED):
        return None
    return ORDER[index + 1]

"""Enumerations of voting rounds and their labels."""

from __future__ import annotations

import enum

from flask_babel import lazy_gettext as _l


class RoundKind(enum.StrEnum):
    DELIBERATION = "deliberation"
    PRIORITY = "priority"


class RoundState(enum.StrEnum):
    DRAFT = "draft"
    OPEN = "open"
    CLOSED = "closed"


class Choice(enum.StrEnum):
    YES = "yes"
    NO = "no"
    ABSTAIN = "abstain"
    SELECTED = "selected"  # priority rounds


DELIBERATION_CHOICES = (Choice.YES, Choice.NO, Choice.ABSTAIN)


class Outcome(enum.StrEnum):
    APPROVED = "approved"
    REJECTED = "rejected"
    TIE = "tie"
    NO_QUORUM = "no_quorum"
    FORWARDED = "forwarded"
    NOT_FORWARDED = "not_forwarded"


UNRESOLVED = (Outcome.TIE, Outcome.NO_QUORUM)
SEGMENT_PRIVACY_MIN = 5  # secret rounds: per-segment figures only for segments with 5+ voters

KIND_LABELS = {
    RoundKind.DELIBERATION: _l("Deliberação (sim, não, abstenção)"),
    RoundKind.PRIORITY: _l("Priorização (escolher até K propostas)"),
}
KIND_SHORT_LABELS = {RoundKind.DELIBERATION: _l("Deliberação"), RoundKind.PRIORITY: _l("Priorização")}
STATE_LABELS = {
    RoundState.DRAFT: _l("Em preparação"),
    RoundState.OPEN: _l("Aberta"),
    RoundState.CLOSED: _l("Encerrada"),
}
CHOICE_LABELS = {
    Choice.YES: _l("Sim"),
    Choice.NO: _l("Não"),
    Choice.ABSTAIN: _l("Abstenção"),
    Choice.SELECTED: _l("Escolhida"),
}
OUTCOME_LABELS = {
    Outcome.APPROVED: _l("Aprovada"),
    Outcome.REJECTED: _l("Rejeitada"),
    Outcome.TIE: _l("Empate"),
    Outcome.NO_QUORUM: _l("Sem quórum"),
    Outcome.FORWARDED: _l("Encaminhada"),
    Outcome.NOT_FORWARDED: _l("Não encaminhada"),
}

"""Forms of the voting area. The rules of a round are checked by the services (with
field errors); these forms only read what was typed."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    FieldList,
    FormField,
    HiddenField,
    IntegerField,
    RadioField,
    SelectChoice,
    StringField,
)
from wtforms.validators import DataRequired, NumberRange, Optional

from app.conferences.constants import MAJORITY_RULE_LABELS
from app.forms import MAX_INT, BaseForm, at_most, bounded_int, input_required, max_length, required
from app.votes.constants import KIND_LABELS, RoundKind

_AT_LEAST_ONE = NumberRange(min=1, message=_l("Use um número igual ou maior que 1."))
_NOT_NEGATIVE = NumberRange(min=0, message=_l("Use um número igual ou maior que zero."))
# Upper bounds, so that no figure overflows its column (a 500 instead of a message).
_AT_MOST_A_THOUSAND = at_most(1000)
_AT_MOST_A_MILLION = at_most(1_000_000)


def _choices(labels: Mapping[Any, Any]) -> list[SelectChoice]:
    return [SelectChoice(key.value, label) for key, label in labels.items()]


class RoundSettingsForm(BaseForm):
    """The settings of a draft round (the kind is chosen once, at creation)."""

    title = StringField(_l("Título da rodada"), validators=[required(), max_length(200)],
                        description=_l("Por exemplo: Eixo 1, propostas municipais."))
    secret = BooleanField(_l("Votação secreta"), description=_l(
        "Ninguém, nem a secretaria, consegue saber como cada pessoa votou. Em votação secreta o voto não pode ser trocado."))
    allow_change = BooleanField(_l("O delegado pode trocar o voto enquanto a rodada estiver aberta"))
    double_entry = BooleanField(_l("Dupla conferência da contagem presencial"), description=_l(
        "Duas pessoas da secretaria digitam a contagem por crachá; a rodada só encerra quando os números conferem."))
    majority_rule = RadioField(_l("Regra de maioria"), choices=_choices(MAJORITY_RULE_LABELS), validators=[required()])
    quorum_percent = IntegerField(
        _l("Quórum: porcentagem do eleitorado que precisa votar"),
        validators=[input_required(), NumberRange(min=0, max=100, message=_l("Use um número de 0 a 100."))],
    )
    max_choices = IntegerField(_l("Quantas propostas cada delegado pode escolher (só priorização)"),
                               validators=[Optional(), _AT_LEAST_ONE, _AT_MOST_A_THOUSAND])
    forward_count = IntegerField(_l("Quantas propostas serão encaminhadas (só priorização)"),
                                 validators=[Optional(), _AT_LEAST_ONE, _AT_MOST_A_THOUSAND])

    def settings(self) -> dict[str, Any]:
        return {
            "title": self.title.data or "", "secret": bool(self.secret.data),
            "allow_change": bool(self.allow_change.data), "double_entry": bool(self.double_entry.data),
            "majority_rule": self.majority_rule.data, "quorum_percent": self.quorum_percent.data,
            "max_choices": self.max_choices.data, "forward_count": self.forward_count.data,
        }


class NewRoundForm(RoundSettingsForm):
    kind = RadioField(_l("Tipo de rodada"), choices=_choices(KIND_LABELS), default=RoundKind.DELIBERATION.value,
                      validators=[required()])


class ProposalPickForm(BaseForm):
    """The checked proposals; "select all filtered" is the second submit button (action=all)."""

    proposal_ids = HiddenField(_l("Propostas da rodada"))  # errors only; the checkboxes are read below

    def checked_ids(self, formdata: Any) -> list[int]:
        return _ints(formdata.getlist("proposal_ids"))


class CloseForm(BaseForm):
    confirm = BooleanField(_l("Confirmo que a votação desta rodada terminou e quero encerrá-la"),
                           validators=[DataRequired(message=_l("Marque a confirmação para encerrar a rodada."))])


class LateDelegateForm(BaseForm):
    participation_id = IntegerField(validators=[input_required(), NumberRange(min=1, max=MAX_INT)])


class BallotForm(BaseForm):
    """A ballot: the fields are one radio group per proposal (deliberation) or checkboxes (priority)."""

    @staticmethod
    def field_name(proposal_id: int) -> str:
        return f"p-{proposal_id}"

    def choices(self, formdata: Any, kind: RoundKind) -> dict[int, str]:
        """What the delegate marked (a proposal left blank is simply not in the result); the
        service checks every proposal id against the round."""
        if kind == RoundKind.PRIORITY:
            return dict.fromkeys(_ints(formdata.getlist("escolhas")), "selected")
        marked = {}
        for name, value in formdata.items():
            if name.startswith("p-") and value:
                pid = _ints([name[2:]])
                if pid:
                    marked[pid[0]] = value
        return marked


class CountRowForm(BaseForm):
    class Meta:
        csrf = False

    proposal_id = HiddenField()
    yes = IntegerField(_l("Sim"), validators=[Optional(), _NOT_NEGATIVE, _AT_MOST_A_MILLION])
    no = IntegerField(_l("Não"), validators=[Optional(), _NOT_NEGATIVE, _AT_MOST_A_MILLION])
    abstain = IntegerField(_l("Abstenção"), validators=[Optional(), _NOT_NEGATIVE, _AT_MOST_A_MILLION])


class CountsForm(BaseForm):
    rows = FieldList(FormField(CountRowForm))

    def counts(self) -> dict[int, tuple[int, int, int]] | None:
        """proposal id → (sim, não, abstenção); rows left entirely blank are skipped. None if tampered."""
        out: dict[int, tuple[int, int, int]] = {}
        for entry in self.rows.entries:
            row = entry.form
            try:
                pid = bounded_int(row.proposal_id.data)
            except (TypeError, ValueError):
                return None
            values = (row.yes.data, row.no.data, row.abstain.data)
            if all(v is None for v in values):
                continue
            out[pid] = tuple(v or 0 for v in values)  # type: ignore[assignment]
        return out


def _ints(values: Sequence[str]) -> list[int]:
    out = []
    for value in values:
        try:
            out.append(bounded_int(value))
        except (TypeError, ValueError):
            continue
    return out

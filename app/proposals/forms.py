"""Forms of the proposals area: proposals, the debate and moderation.

The forms check what a form can check alone (required, length); the services check the
rest (eixo of this conference, sphere, limits, phases) and their errors come back on the
fields through ``BaseForm.add_error`` (the field names match the services' ``field=``).
"""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from wtforms import (
    HiddenField,
    RadioField,
    SelectChoice,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Optional

from app.forms import BaseForm, bounded_int, max_length, required
from app.proposals.constants import (
    BODY_MAX,
    COMMENT_MAX,
    JUSTIFICATION_MAX,
    REASON_MAX,
    SPHERE_LABELS,
    STANCE_LABELS,
    TITLE_MAX,
)

MARKDOWN_HINT = _l(
    "Você pode usar: **negrito**, _itálico_, listas começando as linhas com “-” e links "
    "(endereços que começam com https://). Deixe uma linha em branco entre os parágrafos."
)


def int_or_none(value: Any) -> int | None:
    """Coerce a submitted id; anything that is not a whole number becomes None (no English errors)."""
    if value is None or value == "":
        return None
    try:
        return bounded_int(value)
    except (TypeError, ValueError):
        return None


def int_or_zero(value: Any) -> int:
    """For lists of ids: a tampered value becomes 0, which matches no row (the service says so)."""
    return int_or_none(value) or 0


SPHERE_CHOICES = [SelectChoice(sphere.value, label) for sphere, label in SPHERE_LABELS.items()]
STANCE_CHOICES = [SelectChoice("", _l("Sem posição"))] + [
    SelectChoice(stance.value, label) for stance, label in STANCE_LABELS.items()
]


class ProposalFieldsForm(BaseForm):
    """Eixo, sphere and texts: submitting a proposal and writing an aglutinação."""

    eixo_id = SelectField(_l("Eixo"), coerce=int_or_none, validate_choice=False, validators=[required()])
    sphere = RadioField(_l("Esfera de governo"), choices=SPHERE_CHOICES, validate_choice=False,
                        validators=[required()],
                        description=_l("Quem precisa agir para a proposta acontecer: o município, o estado "
                                       "ou o governo federal."))
    title = StringField(_l("Título"), validators=[required(), max_length(TITLE_MAX)],
                       description=_l("Uma frase curta que resuma a proposta."))
    body = TextAreaField(_l("Texto da proposta"), validators=[required(), max_length(BODY_MAX)],
                     description=MARKDOWN_HINT)
    justification = TextAreaField(_l("Justificativa (opcional)"),
                              validators=[Optional(), max_length(JUSTIFICATION_MAX)],
                              description=_l("Por que a proposta é importante."))

    def set_eixos(self, eixos: list[Any]) -> None:
        self.eixo_id.choices = [SelectChoice("", _l("Escolha um eixo"))] + [
            SelectChoice(str(eixo.id), _l("Eixo %(number)d: %(title)s", number=eixo.number, title=eixo.title))
            for eixo in eixos
        ]


class ProposalForm(ProposalFieldsForm):
    pass


class MergeForm(ProposalFieldsForm):
    proposal_ids = SelectMultipleField(_l("Propostas a aglutinar"), coerce=int_or_zero, validate_choice=False,
                                       description=_l("Marque duas ou mais propostas em debate."))


class EditProposalForm(BaseForm):
    title = StringField(_l("Título"), validators=[required(), max_length(TITLE_MAX)])
    body = TextAreaField(_l("Texto da proposta"), validators=[required(), max_length(BODY_MAX)],
                     description=MARKDOWN_HINT)
    justification = TextAreaField(_l("Justificativa (opcional)"),
                              validators=[Optional(), max_length(JUSTIFICATION_MAX)])


class WithdrawForm(BaseForm):
    reason = TextAreaField(_l("Motivo da retirada"), validators=[required(), max_length(REASON_MAX)],
                       description=_l("Fica visível para todos, junto da proposta."))


class FinalWordingForm(BaseForm):
    final_wording = TextAreaField(_l("Redação final"), validators=[required(), max_length(BODY_MAX)],
                              description=MARKDOWN_HINT)


class CommentForm(BaseForm):
    """A new comment at the end of the debate."""

    body = TextAreaField(_l("Seu comentário"), validators=[required(), max_length(COMMENT_MAX)],
                     id="comentario-texto", description=MARKDOWN_HINT)
    stance = RadioField(_l("Sua posição sobre a proposta (opcional)"), choices=STANCE_CHOICES,
                        validate_choice=False, validators=[Optional()], default="", id="comentario-posicao")

    def add_error(self, field_name: str | None, message: object) -> None:
        # A bad parent (another proposal's comment) is about the whole form, not a field.
        super().add_error(None if field_name == "parent_id" else field_name, message)


class ReplyForm(CommentForm):
    """A reply, opened right under the comment it answers (distinct ids on the same page)."""

    parent_id = HiddenField(_l("Comentário respondido"), filters=[int_or_none], validators=[
        DataRequired(message=_l("Não encontramos o comentário que você quer responder."))])
    body = TextAreaField(_l("Sua resposta"), validators=[required(), max_length(COMMENT_MAX)],
                     id="resposta-texto", description=MARKDOWN_HINT)
    stance = RadioField(_l("Sua posição sobre a proposta (opcional)"), choices=STANCE_CHOICES,
                        validate_choice=False, validators=[Optional()], default="", id="resposta-posicao")


class EditCommentForm(BaseForm):
    body = TextAreaField(_l("Seu comentário"), validators=[required(), max_length(COMMENT_MAX)],
                     description=MARKDOWN_HINT)
    stance = RadioField(_l("Sua posição sobre a proposta (opcional)"), choices=STANCE_CHOICES,
                        validate_choice=False, validators=[Optional()], default="")


class ReasonForm(BaseForm):
    """Reporting a comment, or hiding it (the reason is public when hiding)."""

    reason = TextAreaField(_l("Motivo"), validators=[required(), max_length(REASON_MAX)])

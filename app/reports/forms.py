"""Forms of the report pages: settling an item, publishing, importing another report."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField
from wtforms import BooleanField, HiddenField, SelectChoice, SelectField, StringField, TextAreaField
from wtforms.validators import Optional

from app.forms import BaseForm, max_length, required
from app.proposals.constants import REASON_MAX

NOTE_MAX = 500


class SettleForm(BaseForm):
    """Record a tie or no-quorum item as "não deliberada" (one form per item: use a prefix)."""

    reason = TextAreaField(_l("Motivo"), validators=[required(), max_length(REASON_MAX)], description=_l(
        "Por exemplo: \u201cempate mantido após nova discussão; a plenária decidiu não deliberar\u201d. "
        "O motivo aparece no anexo do relatório."))


class PublishForm(BaseForm):
    note = TextAreaField(_l("O que esta versão corrige"), validators=[Optional(), max_length(NOTE_MAX)],
                         description=_l("Obrigatório a partir da segunda versão. Aparece na lista de versões."))


class ImportForm(BaseForm):
    file = FileField(_l("Arquivo JSON do relatório"), description=_l(
        "O arquivo \u201c.json\u201d baixado da página do relatório publicado da outra conferência."))
    url = StringField(_l("Ou o endereço do relatório em outro Plenária"), validators=[Optional(), max_length(500)],
                      description=_l("O endereço do JSON do relatório publicado, que termina em \u201c.json\u201d. "
                                     "Exemplo: https://plenaria.exemplo.gov.br/conferencias/nome/relatorio/v1.json"))


class ImportConfirmForm(BaseForm):
    """The reviewed import: the report travels in a hidden field and is checked again."""

    report_text = HiddenField(validators=[required()])
    include_optional = BooleanField(_l("Incluir também as deliberações encaminhadas à esfera federal"), description=_l(
        "Para consolidar também as propostas federais dos municípios, a serem levadas à etapa nacional."))


def eixo_field_name(number: int) -> str:
    return f"eixo_{number}"


def confirm_form(origin_eixos: Iterable[tuple[int, str]], receiving_eixos: Iterable[Any],
                 **kwargs: Any) -> ImportConfirmForm:
    """The confirmation form with one select per origin eixo (receiving eixo ids as values)."""
    choices = [SelectChoice("", _l("— escolha o eixo desta conferência —"))] + [
        SelectChoice(str(e.id), f"{e.number}. {e.title}") for e in receiving_eixos]
    fields = {
        eixo_field_name(number): SelectField(
            _l("Eixo %(number)d de origem: %(title)s", number=number, title=title), choices=choices,
            default="")
        for number, title in origin_eixos
    }
    form_class = type("ImportMappingForm", (ImportConfirmForm,), fields)
    return form_class(**kwargs)

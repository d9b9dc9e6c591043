"""Forms of the conference area."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import (
    DateTimeLocalField,
    FieldList,
    FileField,
    FormField,
    HiddenField,
    IntegerField,
    RadioField,
    SelectChoice,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import NumberRange, Optional, Regexp

from app.conferences.constants import (
    CONFERENCE_SPHERE_LABELS,
    CREDENTIAL_LABELS,
    MAJORITY_RULE_LABELS,
    PORTE_LABELS,
    SEGMENT_LABELS,
)
from app.forms import BaseForm, at_most, bounded_int, input_required, max_length, required

UFS = ["AC", "AL", "AM", "AP", "BA", "CE", "DF", "ES", "GO", "MA", "MG", "MS", "MT", "PA", "PB", "PE", "PI", "PR", "RJ", "RN", "RO", "RR", "RS", "SC", "SE", "SP", "TO"]
TIMEZONES = (
    "America/Sao_Paulo", "America/Bahia", "America/Fortaleza", "America/Recife", "America/Maceio",
    "America/Belem", "America/Araguaina", "America/Santarem", "America/Manaus", "America/Cuiaba",
    "America/Campo_Grande", "America/Porto_Velho", "America/Boa_Vista", "America/Rio_Branco",
    "America/Eirunepe", "America/Noronha",
)
_NOT_NEGATIVE = NumberRange(min=0, message=_l("Use um número igual ou maior que zero."))
_AT_MOST_A_THOUSAND = at_most(1000)  # no figure may overflow its column


def _choices(labels: dict) -> list[SelectChoice]:
    # SelectChoice, not (value, label) tuples: WTForms 3.3 deprecates tuples (and the test
    # suite turns warnings into errors), 3.4 removes them.
    return [SelectChoice(key.value, label) for key, label in labels.items()]


def _plain(values: tuple[str, ...] | list[str]) -> list[SelectChoice]:
    return [SelectChoice(value, value) for value in values]


class ConferenceForm(BaseForm):
    slug = StringField(
        _l("Endereço na web (slug)"),
        validators=[required(), max_length(80), Regexp(r"^[a-z0-9]+(?:-[a-z0-9]+)*$", message=_l(
            "Use só letras minúsculas sem acento, números e hifens, como viii-conferencia-2019."))],
        description=_l("Aparece no endereço da página, por exemplo /conferencias/viii-conferencia-2019."),
    )
    title = StringField(_l("Título"), validators=[required(), max_length(200)])
    edition = IntegerField(
        _l("Número da edição"),
        validators=[input_required(), NumberRange(min=1, max=200, message=_l("Use um número de 1 a 200."))],
        description=_l("Em algarismos: 8 para a VIII conferência."),
    )
    sphere = SelectField(_l("Esfera da conferência"), choices=_choices(CONFERENCE_SPHERE_LABELS), validators=[required()])
    municipio = StringField(_l("Município"), validators=[Optional(), max_length(120)],
                            description=_l("Deixe em branco nas conferências estaduais e nacionais."))
    uf = SelectField(_l("UF"), choices=_plain(UFS), validators=[required()])
    ibge_code = StringField(
        _l("Código IBGE"),
        validators=[Optional(), Regexp(r"^\d{7}$", message=_l("O código IBGE do município tem 7 dígitos."))],
    )
    porte = SelectField(
        _l("Porte do município"), choices=[SelectChoice("", _l("Não se aplica")), *_choices(PORTE_LABELS)], validators=[Optional()]
    )
    theme = StringField(_l("Tema"), validators=[required(), max_length(300)])
    description = TextAreaField(_l("Apresentação"), validators=[Optional(), max_length(10000)],
                                description=_l("Texto de divulgação, como no edital de convocação."))
    venue = StringField(_l("Local"), validators=[required(), max_length(200)])
    starts_at = DateTimeLocalField(
        _l("Início"), format="%Y-%m-%dT%H:%M", validators=[required()],
        description=_l("Data e hora no fuso da conferência."),
    )
    ends_at = DateTimeLocalField(_l("Término"), format="%Y-%m-%dT%H:%M", validators=[required()])
    timezone = SelectField(_l("Fuso horário"), choices=_plain(TIMEZONES), default="America/Sao_Paulo")


class EixoForm(BaseForm):
    title = StringField(_l("Título do eixo"), validators=[required(), max_length(300)])
    description = TextAreaField(_l("Descrição"), validators=[Optional(), max_length(5000)])


class CapsForm(BaseForm):
    class Meta:
        csrf = False

    eixo_id = HiddenField()
    cap_municipal = IntegerField(_l("Municipal"), validators=[Optional(), _NOT_NEGATIVE, _AT_MOST_A_THOUSAND])
    cap_estadual = IntegerField(_l("Estadual"), validators=[Optional(), _NOT_NEGATIVE, _AT_MOST_A_THOUSAND])
    cap_federal = IntegerField(_l("Federal"), validators=[Optional(), _NOT_NEGATIVE, _AT_MOST_A_THOUSAND])


class RulesForm(BaseForm):
    majority_rule = RadioField(_l("Regra de maioria padrão"), choices=_choices(MAJORITY_RULE_LABELS), validators=[required()])
    quorum_percent = IntegerField(
        _l("Quórum: porcentagem do eleitorado que precisa votar"),
        validators=[input_required(), NumberRange(min=0, max=100, message=_l("Use um número de 0 a 100."))],
    )
    proposals_per_participant = IntegerField(
        _l("Propostas por participante"),
        validators=[input_required(), NumberRange(min=0, max=100, message=_l("Use um número de 0 a 100."))],
        description=_l("0 para não limitar."),
    )
    reports_to_hide = IntegerField(
        _l("Denúncias para ocultar um comentário até revisão"),
        validators=[input_required(), NumberRange(min=1, max=100, message=_l("Use um número de 1 a 100."))],
    )
    caps = FieldList(FormField(CapsForm))


class PhaseForm(BaseForm):
    expected = HiddenField(validators=[required()])


class JoinForm(BaseForm):
    segment = RadioField(_l("Você participa como"), choices=_choices(SEGMENT_LABELS), validators=[required()])
    organisation = StringField(
        _l("Entidade ou órgão que você representa"),
        validators=[Optional(), max_length(200)],
        description=_l("Obrigatório para entidades e governo."),
    )


class SecretaryForm(BaseForm):
    email = StringField(_l("E-mail da pessoa"), validators=[required(), max_length(254)],
                        description=_l("A pessoa precisa ter uma conta no Plenária."))


class CredentialForm(BaseForm):
    credential = SelectField(_l("Credencial"), choices=_choices(CREDENTIAL_LABELS), validators=[required()])


class BulkForm(BaseForm):
    ids = SelectMultipleField(_l("Pessoas selecionadas"), coerce=bounded_int, validate_choice=False)
    action = SelectField(
        _l("Ação"),
        choices=[
            SelectChoice("delegado", _l("Credenciar como delegado(a)")),
            SelectChoice("observador", _l("Credenciar como observador(a)")),
            SelectChoice("convidado", _l("Credenciar como convidado(a)")),
            SelectChoice("pending", _l("Voltar para aguardando credenciamento")),
            SelectChoice("check_in", _l("Registrar presença")),
            SelectChoice("undo_check_in", _l("Desfazer presença")),
        ],
        validators=[required()],
    )


class ImportForm(BaseForm):
    file = FileField(_l("Planilha CSV"), description=_l(
        "Colunas: nome; e-mail; segmento; organização; credencial. Separadas por vírgula ou ponto e vírgula, em UTF-8 ou Latin-1."
    ))


class ImportConfirmForm(BaseForm):
    csv_text = HiddenField(validators=[required()])

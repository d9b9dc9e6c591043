"""Enumerations of the conference area and their labels for people."""

from __future__ import annotations

import enum

from flask_babel import lazy_gettext as _l


class ConferenceSphere(enum.StrEnum):
    MUNICIPAL = "municipal"
    ESTADUAL = "estadual"
    NACIONAL = "nacional"


class Porte(enum.StrEnum):
    PEQUENO_I = "pequeno_i"
    PEQUENO_II = "pequeno_ii"
    MEDIO = "medio"
    GRANDE = "grande"
    METROPOLE = "metropole"


class Segment(enum.StrEnum):
    USUARIO = "usuario"
    TRABALHADOR = "trabalhador"
    ENTIDADE = "entidade"
    GOVERNO = "governo"


CIVIL_SOCIETY = (Segment.USUARIO, Segment.TRABALHADOR, Segment.ENTIDADE)
SEGMENTS_WITH_ORGANISATION = (Segment.ENTIDADE, Segment.GOVERNO)


class Credential(enum.StrEnum):
    PENDING = "pending"
    DELEGADO = "delegado"
    OBSERVADOR = "observador"
    CONVIDADO = "convidado"


class Role(enum.StrEnum):
    PARTICIPANT = "participant"
    SECRETARY = "secretary"


class MajorityRule(enum.StrEnum):
    SIMPLE = "simple"
    ABSOLUTE = "absolute"
    TWO_THIRDS = "two_thirds"


CONFERENCE_SPHERE_LABELS = {
    ConferenceSphere.MUNICIPAL: _l("Municipal"),
    ConferenceSphere.ESTADUAL: _l("Estadual"),
    ConferenceSphere.NACIONAL: _l("Nacional"),
}

PORTE_LABELS = {
    Porte.PEQUENO_I: _l("Pequeno porte I"),
    Porte.PEQUENO_II: _l("Pequeno porte II"),
    Porte.MEDIO: _l("Médio porte"),
    Porte.GRANDE: _l("Grande porte"),
    Porte.METROPOLE: _l("Metrópole"),
}

SEGMENT_LABELS = {
    Segment.USUARIO: _l("Usuário(a)"),
    Segment.TRABALHADOR: _l("Trabalhador(a) do SUAS"),
    Segment.ENTIDADE: _l("Entidade ou organização de assistência social"),
    Segment.GOVERNO: _l("Governo (poder público)"),
}

SEGMENT_SHORT_LABELS = {
    Segment.USUARIO: _l("Usuários"),
    Segment.TRABALHADOR: _l("Trabalhadores"),
    Segment.ENTIDADE: _l("Entidades"),
    Segment.GOVERNO: _l("Governo"),
}

CREDENTIAL_LABELS = {
    Credential.PENDING: _l("Aguardando credenciamento"),
    Credential.DELEGADO: _l("Delegado(a): voz e voto"),
    Credential.OBSERVADOR: _l("Observador(a): voz"),
    Credential.CONVIDADO: _l("Convidado(a): voz"),
}

CREDENTIAL_SHORT_LABELS = {
    Credential.PENDING: _l("Pendentes"),
    Credential.DELEGADO: _l("Delegados"),
    Credential.OBSERVADOR: _l("Observadores"),
    Credential.CONVIDADO: _l("Convidados"),
}

ROLE_LABELS = {
    Role.PARTICIPANT: _l("Participante"),
    Role.SECRETARY: _l("Secretaria da conferência"),
}

MAJORITY_RULE_LABELS = {
    MajorityRule.SIMPLE: _l("Maioria simples (mais votos sim do que não; abstenções não contam)"),
    MajorityRule.ABSOLUTE: _l("Maioria absoluta (sim acima da metade de todos os votos, abstenções incluídas)"),
    MajorityRule.TWO_THIRDS: _l("Dois terços (sim em pelo menos 2/3 dos votos sim e não)"),
}

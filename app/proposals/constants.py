"""Enumerations of the proposals area and their labels."""

from __future__ import annotations

import enum

from flask_babel import lazy_gettext as _l


class ProposalSphere(enum.StrEnum):
    MUNICIPAL = "municipal"
    ESTADUAL = "estadual"
    FEDERAL = "federal"


SPHERE_LETTERS = {ProposalSphere.MUNICIPAL: "M", ProposalSphere.ESTADUAL: "E", ProposalSphere.FEDERAL: "F"}


class ProposalState(enum.StrEnum):
    DRAFT = "draft"
    SUBMITTED = "submitted"
    IN_VOTE = "in_vote"
    APPROVED = "approved"
    REJECTED = "rejected"
    WITHDRAWN = "withdrawn"
    MERGED = "merged"


OPEN_STATES = (ProposalState.SUBMITTED, ProposalState.IN_VOTE)
CLOSED_FOR_DEBATE = (ProposalState.WITHDRAWN, ProposalState.MERGED)
NO_FINAL_WORDING = (ProposalState.WITHDRAWN, ProposalState.MERGED, ProposalState.REJECTED)


class Stance(enum.StrEnum):
    A_FAVOR = "a_favor"
    CONTRA = "contra"
    NEUTRO = "neutro"


class VersionKind(enum.StrEnum):
    CREATED = "created"
    EDITED = "edited"
    SYSTEMATIZED = "systematized"
    FINAL_WORDING = "final_wording"
    WITHDRAWN = "withdrawn"
    MERGED = "merged"
    IMPORTED = "imported"


SPHERE_LABELS = {
    ProposalSphere.MUNICIPAL: _l("Municipal"),
    ProposalSphere.ESTADUAL: _l("Estadual"),
    ProposalSphere.FEDERAL: _l("Federal"),
}

STATE_LABELS = {
    ProposalState.DRAFT: _l("Rascunho"),
    ProposalState.SUBMITTED: _l("Em debate"),
    ProposalState.IN_VOTE: _l("Em votação"),
    ProposalState.APPROVED: _l("Aprovada"),
    ProposalState.REJECTED: _l("Rejeitada"),
    ProposalState.WITHDRAWN: _l("Retirada"),
    ProposalState.MERGED: _l("Aglutinada"),
}

STANCE_LABELS = {
    Stance.A_FAVOR: _l("A favor"),
    Stance.CONTRA: _l("Contra"),
    Stance.NEUTRO: _l("Neutro"),
}

VERSION_LABELS = {
    VersionKind.CREATED: _l("Proposta enviada"),
    VersionKind.EDITED: _l("Texto editado pelo autor"),
    VersionKind.SYSTEMATIZED: _l("Sistematização pela secretaria"),
    VersionKind.FINAL_WORDING: _l("Redação final definida"),
    VersionKind.WITHDRAWN: _l("Proposta retirada"),
    VersionKind.MERGED: _l("Aglutinação"),
    VersionKind.IMPORTED: _l("Recebida de outra conferência"),
}

TITLE_MAX = 200
BODY_MAX = 10_000
JUSTIFICATION_MAX = 5_000
COMMENT_MAX = 5_000
REASON_MAX = 500
MAX_DEPTH = 4
COMMENT_EDIT_MINUTES = 15

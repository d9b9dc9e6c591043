"""Pure permission predicates of voting rounds."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l

from app.conferences.constants import Credential
from app.conferences.permissions import can_manage_conference
from app.votes.constants import RoundState


def can_manage_rounds(user: Any, membership: Any) -> bool:
    return can_manage_conference(user, membership)


def can_see_results(voting_round: Any) -> bool:
    """Results exist for nobody until the round is closed (secretaries see turnout only)."""
    return voting_round.state == RoundState.CLOSED


def can_see_round(user: Any, membership: Any, voting_round: Any) -> bool:
    """Draft rounds are the secretariat's work in progress."""
    return voting_round.state != RoundState.DRAFT or can_manage_rounds(user, membership)


def vote_refusal(user: Any, membership: Any, voting_round: Any, in_electorate: bool) -> Any:
    """Why this person cannot vote in this round now (None when they can)."""
    if user is None or not getattr(user, "is_authenticated", False):
        return _l("Entre com a sua conta de delegado(a) para votar.")
    if voting_round.state == RoundState.CLOSED:
        return _l("Votação encerrada: esta rodada não recebe mais votos.")
    if voting_round.state != RoundState.OPEN:
        return _l("Esta rodada ainda não foi aberta pela secretaria.")
    if membership is None or membership.segment is None:
        return _l("Só delegados credenciados desta conferência votam.")
    if membership.credential == Credential.PENDING:
        return _l("Sua inscrição ainda não foi credenciada. Procure a mesa de credenciamento para receber o "
                  "crachá de delegado(a).")
    if membership.credential != Credential.DELEGADO:
        return _l("Observadores e convidados têm voz, mas não votam. Só delegados credenciados votam.")
    if not in_electorate:
        return _l("Você não estava presente quando a rodada foi aberta. Procure a secretaria para ser incluído(a) no eleitorado.")
    return None


def can_vote(user: Any, membership: Any, voting_round: Any, in_electorate: bool) -> bool:
    return vote_refusal(user, membership, voting_round, in_electorate) is None

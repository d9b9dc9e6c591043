"""Casting a ballot: one transaction, one vote per delegate, proposal and round.

The database enforces it too (round_voters' primary key, the unique constraints on
votes); a concurrent duplicate becomes a clear refusal, never a 500. The ballot takes a
shared lock on the round's row, so a close waits for it, and once closed no ballot is
accepted ("votação encerrada").
"""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Mapping

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from app.auth.models import User
from app.conferences.models import Participation
from app.errors import ConflictError, PermissionDenied, ValidationError
from app.votes import permissions
from app.votes.constants import DELIBERATION_CHOICES, Choice, RoundKind, RoundState
from app.votes.locking import lock_round_for_ballot
from app.votes.models import Ballot, RoundElector, RoundItem, RoundVoter, Vote, VotingRound

RECEIPT_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I


class VotingClosedError(ConflictError):
    """The round is not open (any more); nothing was stored."""


def new_receipt() -> str:
    """A random, unguessable code (75 bits), not derived from who voted: XXXXX-XXXXX-XXXXX."""
    raw = "".join(secrets.choice(RECEIPT_ALPHABET) for _ in range(15))
    return f"{raw[:5]}-{raw[5:10]}-{raw[10:]}"


def in_electorate(session: Session, round_id: int, membership: Participation | None) -> bool:
    if membership is None:
        return False
    return session.get(RoundElector, (round_id, membership.id)) is not None


def _under_round_lock(
    session: Session, voting_round: VotingRound, membership: Participation | None,
) -> tuple[RoundState, bool, set[int]]:
    """Take the round's shared lock (a close waits for this ballot; a ballot arriving after a
    close was requested waits for it: app/votes/locking.py), then read what may have changed:
    the round's state, and, in one query, its proposals and whether this delegate is in its
    electorate. (A round's other settings never change once it is open.)"""
    lock_round_for_ballot(session, voting_round.id)
    state = session.scalar(sa.select(VotingRound.state).where(VotingRound.id == voting_round.id))
    elector = (
        sa.select(RoundElector.participation_id)
        .where(RoundElector.round_id == voting_round.id, RoundElector.participation_id == membership.id).exists()
        if membership is not None else sa.false()
    )
    rows = session.execute(
        sa.select(RoundItem.proposal_id, elector).where(RoundItem.round_id == voting_round.id)
    ).all()
    return state, bool(rows and rows[0][1]), {proposal_id for proposal_id, _ in rows}


def _validated(voting_round: VotingRound, items: set[int], choices: Mapping[int, str]) -> dict[int, Choice]:
    clean: dict[int, Choice] = {}
    for proposal_id, raw in choices.items():
        if not raw:
            continue  # left blank: simply not voted
        if proposal_id not in items:
            raise ValidationError(_l("A cédula tem uma proposta que não está nesta rodada."))
        try:
            choice = Choice(raw)
        except ValueError as exc:
            raise ValidationError(_l("Opção de voto inválida.")) from exc
        allowed = DELIBERATION_CHOICES if voting_round.kind == RoundKind.DELIBERATION else (Choice.SELECTED,)
        if choice not in allowed:
            raise ValidationError(_l("Opção de voto inválida."))
        clean[proposal_id] = choice
    if not clean:
        raise ValidationError(_l("Sua cédula está em branco: marque pelo menos uma opção."))
    if voting_round.kind == RoundKind.PRIORITY and len(clean) > (voting_round.max_choices or 0):
        raise ValidationError(_l("Escolha no máximo %(k)d propostas.", k=voting_round.max_choices or 0))
    return clean


def _insert_votes(session: Session, voting_round: VotingRound, ballot: Ballot, voter_id: int | None,
                  choices: dict[int, Choice]) -> None:
    session.execute(sa.insert(Vote.__table__), [
        {"round_id": voting_round.id, "ballot_id": ballot.id, "proposal_id": pid, "voter_id": voter_id,
         "segment": ballot.segment, "choice": choice}
        for pid, choice in sorted(choices.items())
    ])


def cast_ballot(
    session: Session, voter: User, membership: Participation | None, voting_round: VotingRound, *,
    choices: Mapping[int, str], now: dt.datetime,
) -> Ballot:
    """Store a delegate's ballot (or, where the round allows, replace it) and return it."""
    state, eligible, items = _under_round_lock(session, voting_round, membership)
    if state == RoundState.CLOSED:
        raise VotingClosedError(_l("Votação encerrada: seu voto não foi registrado."))
    if state != RoundState.OPEN:
        raise VotingClosedError(_l("Esta rodada ainda não foi aberta pela secretaria."))
    refusal = permissions.vote_refusal(voter, membership, voting_round, eligible)
    if refusal is not None:
        raise PermissionDenied(refusal)
    assert membership is not None and membership.segment is not None
    if membership.user_id != voter.id:  # someone else's membership: never vote for another person
        raise PermissionDenied(_l("Só delegados credenciados desta conferência votam."))
    clean = _validated(voting_round, items, choices)
    voter_id = None if voting_round.secret else membership.id
    changeable = voting_round.allow_change and not voting_round.secret
    if changeable and session.get(RoundVoter, (voting_round.id, membership.id)) is not None:
        return _change_ballot(session, voting_round, membership, clean, now)
    ballot = Ballot(round_id=voting_round.id, receipt=new_receipt(), voter_id=voter_id,
                    segment=membership.segment, cast_at=None if voting_round.secret else now)
    try:
        with session.begin_nested():
            # round_voters' primary key is what refuses a second ballot (whatever the concurrency).
            session.execute(sa.insert(RoundVoter.__table__).values(
                round_id=voting_round.id, participation_id=membership.id))
            session.add(ballot)
            session.flush()
            _insert_votes(session, voting_round, ballot, voter_id, clean)
    except IntegrityError as exc:
        if changeable:  # the same delegate's other request won the race
            raise ConflictError(_l("Seu voto já tinha sido registrado por outro envio. Confira o comprovante.")) from exc
        raise ConflictError(_l("Você já votou nesta rodada, e nela o voto não pode ser trocado.")) from exc
    return ballot


def _change_ballot(session: Session, voting_round: VotingRound, membership: Participation,
                   choices: dict[int, Choice], now: dt.datetime) -> Ballot:
    if voting_round.secret or not voting_round.allow_change:
        raise ConflictError(_l("Você já votou nesta rodada, e nela o voto não pode ser trocado."))
    ballot = session.scalars(
        sa.select(Ballot).where(Ballot.round_id == voting_round.id, Ballot.voter_id == membership.id).with_for_update()
    ).one()
    session.execute(sa.delete(Vote).where(Vote.ballot_id == ballot.id))
    _insert_votes(session, voting_round, ballot, membership.id, choices)
    ballot.changed_at = now
    session.flush()
    return ballot

"""A seeded generator of conference data at the sizes in bench/sizes.py.

Bulk rows go straight to the tables (COPY on PostgreSQL); the rounds are then closed by
the real closing service, so that results are what the app itself would store.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field

import sqlalchemy as sa
from argon2 import PasswordHasher
from flask import Flask

from app.audit.models import AuditEvent
from app.auth.models import User
from app.conferences.constants import ConferenceSphere, Credential, MajorityRule, Role, Segment
from app.conferences.models import Conference, Eixo, Participation
from app.conferences.phases import Phase
from app.db import utcnow
from app.extensions import db
from app.proposals.models import Comment, Proposal, ProposalVersion
from app.text import fold
from app.votes.closing import close_round
from app.votes.models import Ballot, RoundElector, RoundItem, RoundVoter, Vote, VotingRound
from bench.bulk import fix_sequences, insert_rows, next_id
from bench.sizes import Size

PASSWORD = "bench-password-1"
SEGMENTS = [Segment.USUARIO, Segment.TRABALHADOR, Segment.ENTIDADE, Segment.GOVERNO]
SPHERES = ["municipal", "estadual", "federal"]
LETTERS = {"municipal": "M", "estadual": "E", "federal": "F"}
WORDS = ["assistência", "social", "direito", "acesso", "serviço", "benefício", "família", "usuário", "território", "financiamento", "participação", "conselho", "proteção", "básica", "especial", "vínculo", "renda", "cadastro", "equipe", "atendimento"]


@dataclass
class Generated:
    slug: str
    conference_id: int
    secretary_email: str
    delegates: list[tuple[int, str, str]]  # (participation id, segment, e-mail)
    reader_proposal: str  # a proposal with a big debate (2,000 comments at national size)
    second_reader_proposal: str = ""  # one with a mid-size debate (500 comments when the size allows)
    closed_round_ids: list[int] = field(default_factory=list)
    proposal_ids: list[int] = field(default_factory=list)


def _text(rng: random.Random, words: int) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(words)).capitalize() + "."


def generate(app: Flask, size: Size, *, seed: int = 2019, slug: str | None = None, close_rounds: bool = True) -> Generated:
    """Create one conference of ``size`` (plus its people) in the app's database."""
    rng = random.Random(seed)
    now = utcnow()
    slug = slug or f"bench-{size.name}-{seed}"
    cheap_hash = PasswordHasher(time_cost=1, memory_cost=64, parallelism=1).hash(PASSWORD)
    with app.app_context():
        conn = db.session.connection()
        conference = Conference(
            slug=slug, title=f"Conferência de teste de carga ({size.name})", edition=1,
            sphere=ConferenceSphere.NACIONAL if size.participants > 1000 else ConferenceSphere.MUNICIPAL,
            municipio="Alvares Florence", uf="SP", theme="Carga", description="Dados gerados.", venue="Benchmark",
            starts_at=now - dt.timedelta(hours=2), ends_at=now + dt.timedelta(hours=6), phase=Phase.VOTING,
            majority_rule=MajorityRule.SIMPLE, quorum_percent=50, proposals_per_participant=0,
        )
        db.session.add(conference)
        db.session.flush()
        eixo_ids = []
        for number in range(1, 6):
            eixo = Eixo(conference_id=conference.id, number=number, title=f"Eixo {number}: {_text(rng, 6)}",
                        cap_estadual=3, cap_federal=2)
            db.session.add(eixo)
            db.session.flush()
            eixo_ids.append(eixo.id)

        first_user = next_id(conn, User.__table__)
        first_part = next_id(conn, Participation.__table__)
        secretary_user = first_user
        people = []
        insert_rows(conn, User.__table__, ("id", "display_name", "email", "password_hash", "locale", "is_admin",
                                           "session_version", "created_at"),
                    ((first_user + i, f"Pessoa {i} {slug}", f"p{i}.{slug}@bench.example", cheap_hash, "pt_BR",
                      False, 1, now) for i in range(size.participants + 1)))
        rows = [(first_part, conference.id, secretary_user, None, None, Credential.PENDING.value,
                 Role.SECRETARY.value, None, now)]
        for i in range(1, size.participants + 1):
            segment = SEGMENTS[i % 4]
            delegate = i <= size.delegates
            credential = Credential.DELEGADO if delegate else (Credential.OBSERVADOR if i % 3 else Credential.CONVIDADO)
            rows.append((first_part + i, conference.id, first_user + i, segment.value,
                         "Órgão" if segment in (Segment.ENTIDADE, Segment.GOVERNO) else None, credential.value,
                         Role.PARTICIPANT.value, now if delegate else None, now))
            if delegate:
                people.append((first_part + i, segment.value, f"p{i}.{slug}@bench.example"))
        insert_rows(conn, Participation.__table__, ("id", "conference_id", "user_id", "segment", "organisation",
                                                    "credential", "role", "checked_in_at", "created_at"), rows)

        proposal_ids = _proposals(conn, rng, conference.id, eixo_ids, first_part, size, now)
        reader, second_reader = _comments(conn, rng, proposal_ids, first_part, size, now)
        rounds = _rounds(conn, rng, conference.id, proposal_ids, people, secretary_user, size, now)
        fix_sequences(conn, [User.__table__, Participation.__table__, Proposal.__table__, ProposalVersion.__table__,
                             Comment.__table__, VotingRound.__table__, Ballot.__table__, Vote.__table__])
        db.session.commit()

        generated = Generated(slug, conference.id, f"p0.{slug}@bench.example", people, reader, second_reader,
                              proposal_ids=proposal_ids)
        if close_rounds:
            secretary = db.session.get(User, secretary_user)
            secretary.is_admin = True  # the bench's secretary also administers
            for round_id in rounds:
                close_round(db.session, secretary, None, db.session.get(VotingRound, round_id), now=utcnow())
                db.session.commit()
                generated.closed_round_ids.append(round_id)
        _ = AuditEvent  # the closing service writes audit events as usual
        return generated


def _proposals(conn, rng, conference_id, eixo_ids, first_part, size, now) -> list[int]:  # type: ignore[no-untyped-def]
    first = next_id(conn, Proposal.__table__)
    rows, versions, ids = [], [], []
    sequences: dict[tuple[int, str], int] = {}
    for i in range(size.proposals):
        eixo_index = i % len(eixo_ids)
        sphere = SPHERES[(i // len(eixo_ids)) % 3]
        seq = sequences[(eixo_index, sphere)] = sequences.get((eixo_index, sphere), 0) + 1
        code = f"E{eixo_index + 1}-{LETTERS[sphere]}-{seq:02d}"
        title, body = _text(rng, 8), _text(rng, 60)
        pid = first + i
        ids.append(pid)
        rows.append((pid, conference_id, eixo_ids[eixo_index], sphere, seq, code, title, body, None,
                     first_part + 1 + i % max(size.participants, 1), "submitted", fold(f"{code} {title} {body}"),
                     1, now, now))
        versions.append((pid, 1, "created", title, body, now))
    insert_rows(conn, Proposal.__table__, ("id", "conference_id", "eixo_id", "sphere", "sequence", "code", "title",
                                           "body", "justification", "author_id", "state", "search_text", "version",
                                           "created_at", "updated_at"), rows)
    insert_rows(conn, ProposalVersion.__table__, ("proposal_id", "number", "kind", "title", "body", "edited_at"),
                versions)
    return ids


def _comments(conn, rng, proposal_ids, first_part, size, now) -> tuple[str, str]:  # type: ignore[no-untyped-def]
    """Threads up to depth 4; the first proposal gets a big debate (a fifth of all, capped at
    2,000), the second a mid-size one (500 when there are enough comments)."""
    first = next_id(conn, Comment.__table__)
    codes = dict(conn.execute(sa.select(Proposal.id, Proposal.code).where(Proposal.id.in_(proposal_ids[:2]))).all())
    second_id = proposal_ids[1] if len(proposal_ids) > 1 else proposal_ids[0]
    if size.comments == 0:
        return codes[proposal_ids[0]], codes[second_id]
    big = min(2000, max(size.comments // 5, 1))
    mid = min(500, max((size.comments - big) // 4, 0))
    rows = []
    cid = first
    targets = ([proposal_ids[0]] * big + [second_id] * mid
               + [rng.choice(proposal_ids[2:] or proposal_ids) for _ in range(size.comments - big - mid)])
    threads: dict[int, list[tuple[int, int, int]]] = {}  # proposal → (id, depth, thread id)
    for proposal_id in targets:
        existing = threads.setdefault(proposal_id, [])
        if existing and rng.random() < 0.6:
            parent_id, depth, thread_id = rng.choice(existing)
            parent = parent_id if depth < 4 else None
            row_depth, row_parent = (depth + 1, parent_id) if parent else (depth, _parent_of(rows, parent_id, first))
        else:
            row_parent, row_depth, thread_id = None, 1, cid
        stance = rng.choice(["a_favor", "contra", "neutro", None])
        rows.append((cid, proposal_id, row_parent, thread_id, row_depth, first_part + 1 + cid % size.participants,
                     _text(rng, 25), stance, now, False))
        existing.append((cid, row_depth, thread_id))
        cid += 1
    insert_rows(conn, Comment.__table__, ("id", "proposal_id", "parent_id", "thread_id", "depth", "author_id", "body",
                                          "stance", "created_at", "hidden_pending_review"), rows)
    return codes[proposal_ids[0]], codes[second_id]


def _parent_of(rows: list[tuple], comment_id: int, first: int) -> int:
    return rows[comment_id - first][2]


def _open_round(conn, conference_id, items, people, secretary_user, title, now) -> int:  # type: ignore[no-untyped-def]
    """An open deliberation round over ``items`` whose electorate is every delegate."""
    round_id = conn.execute(sa.insert(VotingRound).values(
        conference_id=conference_id, title=title, kind="deliberation", state="open", secret=False,
        allow_change=False, double_entry=False, majority_rule="simple", quorum_percent=50,
        created_by_id=secretary_user, created_at=now, opened_by_id=secretary_user, opened_at=now,
    ).returning(VotingRound.id)).scalar_one()
    insert_rows(conn, RoundItem.__table__, ("round_id", "proposal_id", "position"),
                ((round_id, pid, i) for i, pid in enumerate(items)))
    insert_rows(conn, RoundElector.__table__, ("round_id", "participation_id", "segment", "added_late"),
                ((round_id, pid, seg, False) for pid, seg, _ in people))
    return round_id


def _cast(conn, rng, round_id, items, voters, now) -> None:  # type: ignore[no-untyped-def]
    """Ballots of ``voters`` on every item, written in bulk."""
    ballot_id = next_id(conn, Ballot.__table__)
    vote_id = next_id(conn, Vote.__table__)
    insert_rows(conn, RoundVoter.__table__, ("round_id", "participation_id"), ((round_id, pid) for pid, _, _ in voters))
    ballots, votes = [], []
    for pid, segment, _ in voters:
        ballots.append((ballot_id, round_id, f"B{ballot_id:014d}", pid, segment, now))
        for proposal_id in items:
            choice = rng.choices(("yes", "no", "abstain"), weights=(6, 3, 1))[0]
            votes.append((vote_id, round_id, ballot_id, proposal_id, pid, segment, choice))
            vote_id += 1
        ballot_id += 1
    insert_rows(conn, Ballot.__table__, ("id", "round_id", "receipt", "voter_id", "segment", "cast_at"), ballots)
    insert_rows(conn, Vote.__table__, ("id", "round_id", "ballot_id", "proposal_id", "voter_id", "segment",
                                       "choice"), votes)


def _rounds(conn, rng, conference_id, proposal_ids, people, secretary_user, size, now) -> list[int]:  # type: ignore[no-untyped-def]
    round_ids = []
    for r in range(size.rounds):
        start = (r * size.proposals_per_round) % max(len(proposal_ids) - size.proposals_per_round + 1, 1)
        items = proposal_ids[start:start + size.proposals_per_round]
        round_id = _open_round(conn, conference_id, items, people, secretary_user, f"Rodada {r + 1}", now)
        conn.execute(sa.update(Proposal).where(Proposal.id.in_(items)).values(state="in_vote"))
        _cast(conn, rng, round_id, items, people, now)
        round_ids.append(round_id)
    return round_ids


def add_round(app: Flask, generated: Generated, *, proposals: int, voters: int = 0, close: bool = False,
              title: str = "Rodada extra", seed: int = 7) -> tuple[int, list[int]]:
    """Another round over the first ``proposals`` proposals: open and empty for a burst, or
    with ``voters`` ballots and closed through the service (e.g. a 500-proposal results page)."""
    rng = random.Random(seed)
    now = utcnow()
    items = generated.proposal_ids[:proposals]
    with app.app_context():
        conn = db.session.connection()
        secretary = db.session.scalars(sa.select(User).where(User.email == generated.secretary_email)).one()
        round_id = _open_round(conn, generated.conference_id, items, generated.delegates, secretary.id, title, now)
        if voters:
            _cast(conn, rng, round_id, items, generated.delegates[:voters], now)
        fix_sequences(conn, [VotingRound.__table__, Ballot.__table__, Vote.__table__])
        db.session.commit()
        if close:
            secretary.is_admin = True
            close_round(db.session, secretary, None, db.session.get(VotingRound, round_id), now=utcnow())
            db.session.commit()
    return round_id, items

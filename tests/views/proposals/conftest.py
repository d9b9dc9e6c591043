"""Fixtures of the proposal view tests: proposals and comments written straight into the
database (fast; the services have their own tests), and bulk inserts for the size tests."""

from __future__ import annotations

import datetime as dt
import itertools
from typing import Any

import pytest
import sqlalchemy as sa

from app.conferences.constants import Segment
from app.conferences.phases import Phase
from app.db import UTCDateTime, utcnow
from app.proposals.constants import SPHERE_LETTERS, ProposalSphere, ProposalState, Stance, VersionKind
from app.proposals.models import Comment, Proposal, ProposalVersion
from app.proposals.services import search_text_of

_seq = itertools.count(1)





class Debates:
    """``pm.proposal(conference, author)``, ``pm.comment(proposal, author)``, bulk helpers."""

    def __init__(self, session: Any, make: Any) -> None:
        self.session = session
        self.make = make

    def proposal(self, conference: Any, author: Any = None, *, eixo: int = 1,
                 sphere: ProposalSphere = ProposalSphere.MUNICIPAL, title: str | None = None,
                 body: str = "Texto da proposta.", justification: str | None = None,
                 state: ProposalState = ProposalState.SUBMITTED, merged_into: Any = None,
                 created_at: dt.datetime | None = None) -> Proposal:
        eixo_row = next(e for e in conference.eixos if e.number == eixo)
        sequence = (self.session.scalar(sa.select(sa.func.max(Proposal.sequence)).where(
            Proposal.conference_id == conference.id, Proposal.eixo_id == eixo_row.id,
            Proposal.sphere == sphere)) or 0) + 1
        code = f"E{eixo}-{SPHERE_LETTERS[sphere]}-{sequence:02d}"
        title = title or f"Proposta de teste {next(_seq)}"
        when = created_at or utcnow()
        proposal = Proposal(
            conference_id=conference.id, eixo_id=eixo_row.id, sphere=sphere, sequence=sequence, code=code,
            title=title, body=body, justification=justification, author_id=author.id if author else None,
            state=state, merged_into_id=merged_into.id if merged_into else None,
            search_text=search_text_of(code, title, body, justification), created_at=when, updated_at=when,
        )
        self.session.add(proposal)
        self.session.flush()
        self.session.add(ProposalVersion(
            proposal_id=proposal.id, number=1, kind=VersionKind.CREATED, title=title, body=body,
            justification=justification, edited_by_id=author.user_id if author else None, edited_at=when))
        self.session.flush()
        return proposal

    def comment(self, proposal: Proposal, author: Any, body: str = "Um comentário.", *, parent: Comment | None = None,
                stance: Stance | None = None, created_at: dt.datetime | None = None, **values: Any) -> Comment:
        comment = Comment(
            proposal_id=proposal.id, parent_id=parent.id if parent else None,
            thread_id=parent.thread_id if parent else None, depth=parent.depth + 1 if parent else 1,
            author_id=author.id, body=body, stance=stance, created_at=created_at or utcnow(), **values,
        )
        self.session.add(comment)
        self.session.flush()
        if comment.thread_id is None:
            comment.thread_id = comment.id
            self.session.flush()
        return comment

    def chain(self, proposal: Proposal, author: Any, depth: int = 4) -> list[Comment]:
        """A thread as deep as allowed: a root and its replies, each answering the previous one."""
        comments: list[Comment] = []
        parent = None
        for level in range(1, depth + 1):
            parent = self.comment(proposal, author, f"Nível {level}", parent=parent,
                                  stance=list(Stance)[level % 3])
            comments.append(parent)
        return comments

    def bulk_chains(self, proposal: Proposal, author: Any, threads: int, depth: int = 4) -> int:
        """``threads`` chains of ``depth`` comments in ``depth + 1`` statements (INSERT … SELECT)."""
        now = utcnow()
        stances = list(Stance)
        self.session.execute(sa.insert(Comment), [
            {"proposal_id": proposal.id, "depth": 1, "author_id": author.id, "body": f"Comentário {i}",
             "stance": stances[i % 3], "created_at": now}
            for i in range(threads)
        ])
        self.session.execute(sa.update(Comment).where(Comment.proposal_id == proposal.id, Comment.depth == 1,
                                                      Comment.thread_id.is_(None))
                             .values(thread_id=Comment.id).execution_options(synchronize_session=False))
        for level in range(2, depth + 1):
            parents = sa.select(
                Comment.proposal_id, Comment.id, Comment.thread_id, sa.literal(level), Comment.author_id,
                sa.literal(f"Resposta de nível {level}"), sa.literal(now, UTCDateTime()),
            ).where(Comment.proposal_id == proposal.id, Comment.depth == level - 1)
            self.session.execute(sa.insert(Comment).from_select(
                ["proposal_id", "parent_id", "thread_id", "depth", "author_id", "body", "created_at"], parents))
        self.session.expire_all()
        return threads * depth

    def bulk_proposals(self, conference: Any, author: Any, n: int) -> None:
        """``n`` proposals spread over the eixos and spheres, in one INSERT."""
        now = utcnow()
        spheres = list(ProposalSphere)
        rows = []
        counters: dict[tuple[int, ProposalSphere], int] = {}
        segments_authors = author if isinstance(author, list) else [author]
        for i in range(n):
            eixo = conference.eixos[i % len(conference.eixos)]
            sphere = spheres[(i // len(conference.eixos)) % 3]
            seq = counters[(eixo.id, sphere)] = counters.get((eixo.id, sphere), 0) + 1
            code = f"E{eixo.number}-{SPHERE_LETTERS[sphere]}-{seq:02d}"
            title = f"Proposta em massa {i}"
            rows.append({
                "conference_id": conference.id, "eixo_id": eixo.id, "sphere": sphere, "sequence": seq, "code": code,
                "title": title, "body": "Texto.", "author_id": segments_authors[i % len(segments_authors)].id,
                "state": ProposalState.SUBMITTED, "search_text": search_text_of(code, title, "Texto.", None),
                "version": 1, "created_at": now - dt.timedelta(seconds=i), "updated_at": now,
            })
        self.session.execute(sa.insert(Proposal), rows)
        self.session.expire_all()


@pytest.fixture
def pm(session, make):  # type: ignore[no-untyped-def]
    return Debates(session, make)


class World:
    """A conference in the debate phase with a participant, another participant and a secretary."""

    def __init__(self, make: Any, phase: Phase = Phase.DEBATE) -> None:
        self.conference = make.conference(phase=phase)
        self.author_user = make.user("Ana Autora")
        self.author = make.participation(self.conference, self.author_user, segment=Segment.USUARIO)
        self.other_user = make.user("Beto Debatedor")
        self.other = make.participation(self.conference, self.other_user, segment=Segment.TRABALHADOR)
        self.secretary_user = make.user("Sônia Secretária")
        self.secretary = make.secretary(self.conference, self.secretary_user)
        self.outsider = make.user("Olga de Fora")

    @property
    def slug(self) -> str:
        return self.conference.slug


@pytest.fixture
def world(make):  # type: ignore[no-untyped-def]
    return World(make)


@pytest.fixture
def proposals_world(make):  # type: ignore[no-untyped-def]
    """The same, in the proposals phase (submitting is open)."""
    return World(make, Phase.PROPOSALS)

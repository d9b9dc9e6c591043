"""Test data builders. They write models directly (fast, no audit noise) with sensible
defaults and keyword overrides; tests of the services call the services instead."""

from __future__ import annotations

import datetime as dt
import itertools
from typing import Any

from sqlalchemy.orm import Session

from app.auth.models import User
from app.auth.passwords import hash_password
from app.conferences.constants import ConferenceSphere, Credential, Role, Segment
from app.conferences.models import Conference, Eixo, Participation
from app.conferences.phases import Phase
from app.db import utcnow

PASSWORD = "senha-de-teste-1"
_seq = itertools.count(1)


class Factories:
    def __init__(self, session: Session) -> None:
        self.session = session
        self._password_hash: str | None = None

    def _flush(self, obj: Any) -> Any:
        self.session.add(obj)
        self.session.flush()
        return obj

    def user(self, name: str | None = None, email: str | None = None, *, admin: bool = False,
             password: str | None = PASSWORD) -> User:
        n = next(_seq)
        if password == PASSWORD:
            if self._password_hash is None:
                self._password_hash = hash_password(PASSWORD)
            password_hash: str | None = self._password_hash
        else:
            password_hash = hash_password(password) if password else None
        return self._flush(User(
            display_name=name or f"Pessoa {n}",
            email=(email or f"pessoa{n}@exemplo.org").lower(),
            password_hash=password_hash,
            is_admin=admin,
            created_at=utcnow(),
        ))

    def conference(self, *, phase: Phase = Phase.PROPOSALS, eixos: int = 3, **values: Any) -> Conference:
        n = next(_seq)
        start = values.pop("starts_at", utcnow() + dt.timedelta(days=30))
        defaults: dict[str, Any] = {
            "slug": f"conferencia-{n}",
            "title": f"Conferência Municipal de Teste {n}",
            "edition": n % 20 + 1,
            "sphere": ConferenceSphere.MUNICIPAL,
            "municipio": "Alvares Florence",
            "uf": "SP",
            "ibge_code": "3501103",
            "theme": "Tema de teste",
            "description": "Descrição de teste.",
            "venue": "CRAS",
            "starts_at": start,
            "ends_at": start + dt.timedelta(hours=6),
            "timezone": "America/Sao_Paulo",
            "phase": phase,
        }
        defaults.update(values)
        conference = self._flush(Conference(**defaults, created_at=utcnow()))
        for number in range(1, eixos + 1):
            self._flush(Eixo(conference_id=conference.id, number=number, title=f"Eixo de teste {number}"))
        self.session.refresh(conference, ["eixos"])
        return conference

    def participation(self, conference: Conference, user: User | None = None, *,
                      segment: Segment | None = Segment.USUARIO, credential: Credential = Credential.PENDING,
                      role: Role = Role.PARTICIPANT, organisation: str | None = None,
                      checked_in: bool = False) -> Participation:
        user = user or self.user()
        if segment in (Segment.ENTIDADE, Segment.GOVERNO) and organisation is None:
            organisation = "Órgão de teste"
        return self._flush(Participation(
            conference_id=conference.id, user_id=user.id, segment=segment, credential=credential,
            role=role, organisation=organisation, checked_in_at=utcnow() if checked_in else None,
            created_at=utcnow(),
        ))

    def secretary(self, conference: Conference, user: User | None = None) -> Participation:
        return self.participation(conference, user, segment=None, role=Role.SECRETARY)

    def delegate(self, conference: Conference, *, segment: Segment = Segment.USUARIO,
                 checked_in: bool = True, user: User | None = None) -> Participation:
        return self.participation(conference, user, segment=segment, credential=Credential.DELEGADO,
                                  checked_in=checked_in)

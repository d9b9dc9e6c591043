"""Creating the demo's accounts through the registration service."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from sqlalchemy.orm import Session

from app.auth import services as auth_services
from app.auth.models import User
from app.demo.people import ADMIN, DEMO_PASSWORD, PEOPLE, SECOND_SECRETARY, SECRETARY


@dataclass
class DemoAccounts:
    admin: User
    secretary: User
    second_secretary: User
    people: dict[str, User] = field(default_factory=dict)


def _account(session: Session, name: str, email: str, now: dt.datetime) -> User:
    existing = auth_services.get_user_by_email(session, email)
    if existing is not None:
        return existing
    return auth_services.register_user(session, display_name=name, email=email, password=DEMO_PASSWORD, now=now)


def create_accounts(session: Session, now: dt.datetime) -> DemoAccounts:
    admin = _account(session, *ADMIN, now)
    auth_services.set_admin(session, admin, is_admin=True)
    accounts = DemoAccounts(
        admin=admin,
        secretary=_account(session, *SECRETARY, now),
        second_secretary=_account(session, *SECOND_SECRETARY, now),
    )
    for person in PEOPLE:
        accounts.people[person.login] = _account(session, person.name, person.email, now)
    return accounts


def listing() -> list[tuple[str, str, str]]:
    """(role, e-mail, password) for the main demo accounts, as printed and in README.md."""
    pick = {p.login: p for p in PEOPLE}
    rows = [
        ("administração", ADMIN[1]),
        ("secretaria do CMAS", SECRETARY[1]),
        ("secretaria do CMAS (2ª)", SECOND_SECRETARY[1]),
        ("delegada, usuária", pick["maria.usuaria"].email),
        ("delegado, trabalhador", pick["joao.trabalhador"].email),
        ("delegada, entidade", pick["lar.sao.vicente"].email),
        ("delegada, governo", pick["carla.governo"].email),
        ("observadora, usuária", pick["rosa.usuaria"].email),
        ("convidada, governo", pick["ceas.convidada"].email),
        ("inscrita, sem credencial", pick["marcia.usuaria"].email),
    ]
    return [(role, email, DEMO_PASSWORD) for role, email in rows]

"""Accounts: registration, authentication, profile, password, export and deletion."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from app.auth.models import REMOVED_NAME, User
from app.auth.passwords import hash_password, verify_password
from app.errors import ValidationError
from app.privacy import collect_personal_data, register_exporter

PASSWORD_MIN = 8
PASSWORD_MAX = 128
EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


def normalise_email(email: str) -> str:
    return email.strip().lower()


def get_user_by_email(session: Session, email: str) -> User | None:
    return session.scalars(sa.select(User).where(User.email == normalise_email(email))).first()


def _check_password_rules(password: str, field: str = "password") -> None:
    if len(password) < PASSWORD_MIN:
        raise ValidationError(_l("A senha precisa ter pelo menos 8 caracteres."), field=field)
    if len(password) > PASSWORD_MAX:
        raise ValidationError(_l("A senha pode ter no máximo 128 caracteres."), field=field)


def register_user(
    session: Session, *, display_name: str, email: str, password: str, now: dt.datetime
) -> User:
    """Create an account, or let the person claim one that a secretary imported for them.

    An imported account has no password yet: registering with its e-mail sets the name
    and password (the secretary vouched for the e-mail when importing it).
    """
    _check_password_rules(password)
    email = normalise_email(email)
    if len(email) > 254 or not EMAIL_RE.match(email):
        raise ValidationError(_l("Informe um e-mail válido, como nome@exemplo.com.br."), field="email")
    name = display_name.strip()
    if not name:
        raise ValidationError(_l("Informe o nome que será mostrado."), field="display_name")
    existing = get_user_by_email(session, email)
    if existing is not None:
        if existing.password_hash is not None or existing.deleted_at is not None:
            raise ValidationError(_l("Já existe uma conta com este e-mail."), field="email")
        existing.display_name = name
        existing.password_hash = hash_password(password)
        session.flush()
        return existing
    user = User(display_name=name, email=email, password_hash=hash_password(password), created_at=now)
    try:
        with session.begin_nested():  # added inside: begin_nested() flushes what is pending before it
            session.add(user)
            session.flush()
    except IntegrityError as exc:  # a concurrent registration with the same e-mail
        raise ValidationError(_l("Já existe uma conta com este e-mail."), field="email") from exc
    return user


def authenticate(session: Session, *, email: str, password: str) -> User | None:
    user = get_user_by_email(session, email)
    if user is None or user.deleted_at is not None:
        verify_password(None, password)
        return None
    return user if verify_password(user.password_hash, password) else None


def update_profile(session: Session, user: User, *, display_name: str, locale: str | None = None) -> User:
    name = display_name.strip()
    if not name:
        raise ValidationError(_l("Informe o nome que será mostrado."), field="display_name")
    user.display_name = name
    if locale:
        user.locale = locale
    session.flush()
    return user


def change_password(session: Session, user: User, *, current: str, new: str) -> User:
    if not verify_password(user.password_hash, current):
        raise ValidationError(_l("A senha atual não confere."), field="current_password")
    _check_password_rules(new, field="new_password")
    user.password_hash = hash_password(new)
    user.session_version += 1  # every other session ends; the view logs this one in again
    session.flush()
    return user


def end_all_sessions(session: Session, user: User) -> User:
    user.session_version += 1
    session.flush()
    return user


def delete_account(session: Session, user: User, *, password: str, now: dt.datetime) -> User:
    """Anonymise the account: contributions stay, attributed to "Participante removido"."""
    if not verify_password(user.password_hash, password):
        raise ValidationError(_l("A senha não confere."), field="password")
    user.email = None
    user.display_name = REMOVED_NAME
    user.password_hash = None
    user.is_admin = False
    user.deleted_at = now
    user.session_version += 1
    session.flush()
    return user


@register_exporter
def _export_account(session: Session, user: User) -> dict[str, Any]:
    return {
        "account": {
            "display_name": user.display_name,
            "email": user.email,
            "locale": user.locale,
            "created_at": user.created_at.isoformat(),
        }
    }


def export_personal_data(session: Session, user: User, *, now: dt.datetime) -> dict[str, Any]:
    data = {"format": "plenaria.personal-data/1", "generated_at": now.isoformat()}
    data.update(collect_personal_data(session, user))
    return data


def set_admin(session: Session, user: User, *, is_admin: bool) -> User:
    """Only reachable from the command line (`flask users admin`) and the demo."""
    user.is_admin = is_admin
    session.flush()
    return user

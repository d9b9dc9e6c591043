"""The user account."""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from app.db import UTCDateTime, utcnow
from app.extensions import db

REMOVED_NAME = "Participante removido"


class User(db.Model):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    display_name: Mapped[str] = mapped_column(sa.String(120))
    # The login. Never shown to anyone but its owner; NULL once the account is deleted.
    email: Mapped[str | None] = mapped_column(sa.String(254), unique=True)
    password_hash: Mapped[str | None] = mapped_column(sa.String(255))
    locale: Mapped[str] = mapped_column(sa.String(8), default="pt_BR")
    is_admin: Mapped[bool] = mapped_column(default=False)
    # Bumped on logout, password change and "sair de todos os dispositivos": sessions
    # carrying an older version are refused.
    session_version: Mapped[int] = mapped_column(default=1)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    deleted_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)

    # flask-login protocol -------------------------------------------------------------
    @property
    def is_authenticated(self) -> bool:
        return True

    @property
    def is_active(self) -> bool:
        return self.deleted_at is None

    @property
    def is_anonymous(self) -> bool:
        return False

    def get_id(self) -> str:
        return f"{self.id}:{self.session_version}"

    # -----------------------------------------------------------------------------------
    @property
    def public_name(self) -> str:
        return REMOVED_NAME if self.deleted_at is not None else self.display_name

    def __repr__(self) -> str:
        return f"<User {self.id}>"

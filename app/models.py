"""Every area's models, imported in one place for Alembic and `flask shell`."""

from app.audit.models import AuditEvent, AuditHead
from app.auth.models import User
from app.conferences.models import Conference, Eixo, Participation

__all__ = ["AuditEvent", "AuditHead", "Conference", "Eixo", "Participation", "User"]

"""Importing participants from a CSV file: decode, parse, validate every row, then apply
all of them or none.

Municipal spreadsheets come as UTF-8 (with or without BOM) or Latin-1/Windows-1252,
separated by commas or semicolons; headers may be in Portuguese or English.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import unicodedata
from dataclasses import dataclass, field

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Session

from app.auth.models import User
from app.auth.services import normalise_email
from app.conferences.constants import SEGMENTS_WITH_ORGANISATION, Credential, Segment
from app.conferences.models import Conference, Participation
from app.conferences.phases import Action
from app.conferences.services import audit, require_manager, require_phase
from app.errors import ValidationError

MAX_ROWS = 5000
EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")

HEADER_ALIASES = {
    "name": {"name", "nome", "nome completo"},
    "email": {"email", "e-mail", "e mail", "correio eletronico"},
    "segment": {"segment", "segmento"},
    "organisation": {"organisation", "organization", "organizacao", "entidade", "orgao", "entidade/orgao"},
    "credential": {"credential", "credencial", "credenciamento"},
}
SEGMENT_ALIASES = {
    "usuario": Segment.USUARIO, "usuaria": Segment.USUARIO, "usuarios": Segment.USUARIO,
    "trabalhador": Segment.TRABALHADOR, "trabalhadora": Segment.TRABALHADOR, "trabalhadores": Segment.TRABALHADOR,
    "entidade": Segment.ENTIDADE, "entidades": Segment.ENTIDADE,
    "governo": Segment.GOVERNO, "poder publico": Segment.GOVERNO,
}
CREDENTIAL_ALIASES = {
    "": Credential.PENDING, "pendente": Credential.PENDING, "pending": Credential.PENDING,
    "delegado": Credential.DELEGADO, "delegada": Credential.DELEGADO,
    "observador": Credential.OBSERVADOR, "observadora": Credential.OBSERVADOR,
    "convidado": Credential.CONVIDADO, "convidada": Credential.CONVIDADO,
}


def _fold(text: str) -> str:
    """Lower case without accents, so "Usuário" and "usuario" match."""
    decomposed = unicodedata.normalize("NFKD", text.strip().lower())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def decode_upload(raw: bytes) -> str:
    if b"\x00" in raw:
        raise ValidationError(_l("O arquivo não parece ser uma planilha CSV (tem conteúdo binário)."), field="file")
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        return raw.decode("cp1252", errors="strict") if _is_cp1252(raw) else raw.decode("latin-1")


def _is_cp1252(raw: bytes) -> bool:
    try:
        raw.decode("cp1252")
    except UnicodeDecodeError:
        return False
    return True


@dataclass
class ImportRow:
    line: int
    name: str = ""
    email: str = ""
    segment: Segment | None = None
    organisation: str | None = None
    credential: Credential | None = None
    errors: list[object] = field(default_factory=list)
    existing_account: bool = False


@dataclass
class ImportPreview:
    rows: list[ImportRow]
    file_errors: list[object] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.file_errors and bool(self.rows) and all(not r.errors for r in self.rows)

    @property
    def bad_rows(self) -> list[ImportRow]:
        return [r for r in self.rows if r.errors]


def _read_table(text: str) -> tuple[list[str], list[tuple[int, list[str]]]]:
    """The header and the records, each with the line of the file where it starts (so that
    the preview names the line the secretary sees in the spreadsheet, blank lines included)."""
    sample = text[:4096]
    try:
        dialect: type[csv.Dialect] | csv.Dialect = csv.Sniffer().sniff(sample, delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    reader = csv.reader(io.StringIO(text), dialect)
    records: list[tuple[int, list[str]]] = []
    start = 1
    try:
        for row in reader:
            records.append((start, row))
            start = reader.line_num + 1
    except csv.Error as error:  # a cell past the csv module's limit (128 KiB), a stray NUL…
        raise ValidationError(_l(
            "Não foi possível ler a planilha a partir da linha %(line)d: confira se ela foi salva como CSV.",
            line=start), field="file") from error
    if not records:
        return [], []
    return records[0][1], records[1:]


def _map_header(header: list[str]) -> dict[str, int]:
    mapping: dict[str, int] = {}
    for index, title in enumerate(header):
        folded = _fold(title)
        for key, aliases in HEADER_ALIASES.items():
            if folded in aliases and key not in mapping:
                mapping[key] = index
    return mapping


def _validate_row(row: ImportRow, raw: dict[str, str], seen: dict[str, int]) -> None:
    row.name = raw.get("name", "").strip()
    row.email = normalise_email(raw.get("email", ""))
    if not row.name:
        row.errors.append(_l("falta o nome"))
    elif len(row.name) > 120:
        row.errors.append(_l("nome com mais de 120 caracteres"))
    if not row.email:
        row.errors.append(_l("falta o e-mail"))
    elif len(row.email) > 254 or not EMAIL_RE.match(row.email):
        row.errors.append(_l("e-mail inválido"))
    elif row.email in seen:
        row.errors.append(_l("e-mail repetido (já aparece na linha %(line)d)", line=seen[row.email]))
    else:
        seen[row.email] = row.line
    row.segment = SEGMENT_ALIASES.get(_fold(raw.get("segment", "")))
    if row.segment is None:
        row.errors.append(_l("segmento desconhecido (use usuário, trabalhador, entidade ou governo)"))
    organisation = raw.get("organisation", "").strip()
    row.organisation = organisation or None
    if row.segment in SEGMENTS_WITH_ORGANISATION and not organisation:
        row.errors.append(_l("falta a entidade ou órgão representado"))
    if len(organisation) > 200:
        row.errors.append(_l("entidade ou órgão com mais de 200 caracteres"))
    row.credential = CREDENTIAL_ALIASES.get(_fold(raw.get("credential", "")))
    if row.credential is None:
        row.errors.append(_l("credencial desconhecida (use delegado, observador, convidado ou deixe em branco)"))


def preview_import(session: Session, conference: Conference, text: str) -> ImportPreview:
    """Parse and check every row; nothing is written."""
    header, body = _read_table(text)
    mapping = _map_header(header)
    missing = [key for key in ("name", "email", "segment") if key not in mapping]
    if missing:
        return ImportPreview([], [_l("O cabeçalho precisa ter as colunas nome, e-mail e segmento (e, se quiser, organização e credencial).")])
    body = [(line, cells) for line, cells in body if any(c.strip() for c in cells)]
    if len(body) > MAX_ROWS:
        return ImportPreview([], [_l("O arquivo tem mais de %(max)d linhas.", max=MAX_ROWS)])
    rows: list[ImportRow] = []
    seen: dict[str, int] = {}
    for line, cells in body:
        raw = {key: (cells[idx] if idx < len(cells) else "") for key, idx in mapping.items()}
        row = ImportRow(line=line)
        _validate_row(row, raw, seen)
        rows.append(row)
    _check_against_database(session, conference, rows)
    preview = ImportPreview(rows)
    if not rows:
        preview.file_errors.append(_l("O arquivo não tem nenhuma linha de participante."))
    return preview


def _check_against_database(session: Session, conference: Conference, rows: list[ImportRow]) -> None:
    emails = [r.email for r in rows if r.email]
    if not emails:
        return
    users = {u.email: u for u in session.scalars(sa.select(User).where(User.email.in_(emails)))}
    joined = set(session.scalars(
        sa.select(User.email).join(Participation, Participation.user_id == User.id)
        .where(Participation.conference_id == conference.id, User.email.in_(emails), Participation.segment.is_not(None))
    ))
    for row in rows:
        if row.email in joined:
            row.errors.append(_l("já está inscrito(a) nesta conferência"))
        elif row.email in users:
            row.existing_account = True


def apply_import(
    session: Session, actor: User, membership: Participation | None, conference: Conference,
    *, text: str, now: dt.datetime,
) -> ImportPreview:
    """Write every row, or none: any bad row refuses the whole file."""
    require_manager(actor, membership, conference.id)
    require_phase(conference, Action.IMPORT_PARTICIPANTS)
    preview = preview_import(session, conference, text)
    if not preview.ok:
        raise ValidationError(_l("O arquivo tem linhas com problemas; nada foi importado."), field="file")
    users = {u.email: u for u in session.scalars(sa.select(User).where(User.email.in_([r.email for r in preview.rows])))}
    existing = {p.user_id: p for p in session.scalars(
        sa.select(Participation).where(Participation.conference_id == conference.id)
    )}
    for row in preview.rows:
        user = users.get(row.email)
        if user is None:
            user = User(display_name=row.name, email=row.email, password_hash=None, created_at=now)
            session.add(user)
            session.flush()
        participation = existing.get(user.id)
        if participation is None:
            participation = Participation(conference_id=conference.id, user_id=user.id, created_at=now)
            session.add(participation)
        participation.segment = row.segment
        participation.organisation = row.organisation
        participation.credential = row.credential or Credential.PENDING
    session.flush()
    audit(session, actor, "participants.imported", conference, now, conference.id,
          rows=len(preview.rows), new_accounts=sum(1 for r in preview.rows if not r.existing_account))
    return preview

"""What personal data the app can hold at all (issue 8, "Privacy (LGPD)").

- No CPF or NIS (nor PIS/NIT, the same number) fields anywhere: no column, no form field,
  no form input in a template, no CSV-import column.
- Quota or social-marker data (race/colour, gender, sexual orientation, disability, income,
  ethnicity, quota): none is collected. The only self-declared attributes are the segment
  and the organisation represented, which the conference needs to run. If a marker is ever
  added, DESIGN.md says it may only be shown as counts: these tests then fail on purpose,
  to make that a decision (and to update the privacy notice).
"""

from __future__ import annotations

import re
from pathlib import Path

import wtforms

from app.auth.models import User
from app.conferences import csv_import
from app.conferences.models import Participation
from app.extensions import db

APP = Path(__file__).resolve().parents[3] / "app"
NATIONAL_IDS = {"cpf", "nis", "pis", "nit", "pasep", "rg"}
SOCIAL_MARKERS = {"race", "raca", "cor", "ethnicity", "etnia", "gender", "genero", "sexo", "sex", "orientation",
                  "orientacao", "disability", "deficiencia", "pcd", "income", "renda", "quota", "cota", "cotas",
                  "lgbt", "lgbtqia", "indigena", "quilombola", "religion", "religiao", "health", "saude"}


def tokens(name: str) -> set[str]:
    return {t for t in re.split(r"[^a-z0-9]+", name.lower()) if t}


def columns() -> list[str]:
    return [f"{table.name}.{column.name}" for table in db.metadata.sorted_tables for column in table.columns]


def form_fields(app) -> list[str]:  # type: ignore[no-untyped-def]
    """Every field of every form class the app defines (the blueprints import them all)."""
    found = []
    pending = list(wtforms.Form.__subclasses__())
    seen = set()
    while pending:
        form = pending.pop()
        if form in seen:
            continue
        seen.add(form)
        pending.extend(form.__subclasses__())
        if not form.__module__.startswith("app."):
            continue
        for name in dir(form):
            if isinstance(getattr(form, name, None), wtforms.fields.core.UnboundField):
                found.append(f"{form.__module__}.{form.__name__}.{name}")
    return found


def template_inputs() -> list[str]:
    out = []
    for path in APP.rglob("*.html"):
        for name in re.findall(r'<(?:input|select|textarea)[^>]*\bname="([^"{]+)"', path.read_text()):
            out.append(f"{path.relative_to(APP)}:{name}")
    return out


def test_there_is_no_cpf_or_nis_column_form_field_input_or_import_column(app):
    assert len(columns()) > 100 and len(form_fields(app)) > 50, "the scan found almost nothing"
    for where in columns() + form_fields(app) + template_inputs():
        assert not tokens(where.rsplit(".", 1)[-1].rsplit(":", 1)[-1]) & NATIONAL_IDS, where
    assert set(csv_import.HEADER_ALIASES) == {"name", "email", "segment", "organisation", "credential"}
    for aliases in csv_import.HEADER_ALIASES.values():
        assert not any(tokens(alias) & NATIONAL_IDS for alias in aliases)


def test_a_cpf_column_in_an_imported_spreadsheet_is_ignored(session, make):
    conference = make.conference()
    text = "nome;e-mail;CPF;segmento\nMaria;maria@exemplo.org;123.456.789-09;usuário\n"
    preview = csv_import.preview_import(session, conference, text)
    assert preview.ok, [r.errors for r in preview.bad_rows]
    assert "123.456.789-09" not in repr(preview.rows)


def test_no_quota_or_social_marker_data_is_collected(app):
    for where in columns() + form_fields(app) + template_inputs():
        assert not tokens(where.rsplit(".", 1)[-1].rsplit(":", 1)[-1]) & SOCIAL_MARKERS, where
    # What a person declares on joining a conference, exactly: where a self-declared marker would
    # go, so a new column here is a privacy decision (shown only as counts; in the privacy notice).
    assert {"display_name", "email"} <= {c.name for c in User.__table__.columns}
    assert {c.name for c in Participation.__table__.columns} == {
        "id", "conference_id", "user_id", "segment", "organisation", "credential", "role", "checked_in_at",
        "created_at", "anonymized_at"}

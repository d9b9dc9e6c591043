"""Importing other conferences' published reports: their forwarded deliberations become
proposals of the receiving conference, in the eixo the secretary maps them to, keeping
their provenance. Importing the same report twice adds nothing; a malformed or
wrong-schema file is refused with the reason and nothing is written.

A state conference receives the deliberations forwarded to the estadual sphere (and,
when the secretary asks, the federal ones too, to consolidate them for the national
stage); a national conference receives the federal ones.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Session

from app.auth.models import User
from app.conferences.constants import ConferenceSphere
from app.conferences.models import Conference, Participation
from app.conferences.phases import Action
from app.conferences.services import audit, require_manager, require_phase
from app.errors import ValidationError
from app.proposals.constants import TITLE_MAX, VersionKind
from app.proposals.models import Proposal
from app.proposals.services import create_proposal
from app.reports.build import SCHEMA

MAX_BYTES = 5 * 1024 * 1024
URL_MAX = 500  # Proposal.origin_url; the import key is the URL, "#" and the code (at most 20)
DEFAULT_SPHERES = {ConferenceSphere.ESTADUAL: ("estadual",), ConferenceSphere.NACIONAL: ("federal",)}
OPTIONAL_SPHERES = {ConferenceSphere.ESTADUAL: ("federal",), ConferenceSphere.NACIONAL: ()}


@dataclass(frozen=True)
class Incoming:
    code: str
    sphere: str
    eixo: int
    eixo_title: str
    title: str
    text: str
    key: str
    already_imported: bool = False


@dataclass
class ImportPlan:
    origin_title: str
    origin_url: str
    origin_eixos: list[tuple[int, str]]
    items: list[Incoming] = field(default_factory=list)

    @property
    def new_items(self) -> list[Incoming]:
        return [i for i in self.items if not i.already_imported]


def _fail(message: Any) -> ValidationError:
    return ValidationError(message, field="file")


def parse_report(text: str) -> dict[str, Any]:
    """Check the document is a published Plenária report of schema plenaria.report/1."""
    if len(text.encode("utf-8")) > MAX_BYTES:
        raise _fail(_l("O arquivo passa de 5 MB."))
    try:
        report = json.loads(text)
    except (json.JSONDecodeError, RecursionError) as exc:
        raise _fail(_l("O arquivo não é um JSON válido.")) from exc
    if not isinstance(report, dict) or report.get("schema") != SCHEMA:
        raise _fail(_l("O arquivo não é um relatório do Plenária no formato plenaria.report/1."))
    if report.get("status") != "published":
        raise _fail(_l("Só relatórios publicados podem ser importados (este é um rascunho)."))
    conference = report.get("conference")
    forwarded = report.get("forwarded")
    if not isinstance(conference, dict) or not isinstance(forwarded, dict):
        raise _fail(_l("O relatório está incompleto: faltam os dados da conferência ou as deliberações encaminhadas."))
    if not isinstance(conference.get("title"), str) or not isinstance(conference.get("url"), str):
        raise _fail(_l("O relatório está incompleto: faltam o título ou o endereço da conferência de origem."))
    if not conference["url"].startswith(("https://", "http://")):  # shown as a link on each imported proposal
        raise _fail(_l("O endereço da conferência de origem no relatório não é um endereço http ou https."))
    if _has_nul(report):  # PostgreSQL cannot store NUL characters in text
        raise _fail(_l("O pedido tem caracteres inválidos (caractere nulo). Confira o texto e envie de novo."))
    eixos = conference.get("eixos", [])
    if len(conference["url"]) > URL_MAX or not isinstance(eixos, list) or not all(_valid_eixo(e) for e in eixos):
        raise _fail(_l("Os dados da conferência de origem estão em formato inesperado no relatório."))
    codes: list[str] = []
    for sphere in ("estadual", "federal"):
        entries = forwarded.get(sphere, [])
        if not isinstance(entries, list) or not all(_valid_entry(e) for e in entries):
            raise _fail(_l("As deliberações encaminhadas do relatório estão em formato inesperado."))
        codes += [e["code"] for e in entries]
    if len(codes) != len(set(codes)):  # each code is one deliberation (and one import key)
        raise _fail(_l("As deliberações encaminhadas do relatório estão em formato inesperado."))
    return report


def _has_nul(value: Any) -> bool:
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, dict):
        return any(_has_nul(k) or _has_nul(v) for k, v in value.items())
    if isinstance(value, list):
        return any(_has_nul(v) for v in value)
    return False


def _whole(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _valid_eixo(eixo: Any) -> bool:
    return isinstance(eixo, dict) and _whole(eixo.get("number")) and isinstance(eixo.get("title", ""), str)


def _valid_entry(entry: Any) -> bool:
    return (isinstance(entry, dict) and isinstance(entry.get("code"), str) and isinstance(entry.get("title"), str)
            and isinstance(entry.get("text"), str) and _whole(entry.get("eixo"))
            and isinstance(entry.get("eixo_title") or "", str)
            and 0 < len(entry["code"]) <= 20 and entry["text"].strip() != "")


def _same_conference(origin: dict[str, Any], conference: Conference) -> bool:
    """A report of this very conference (its slug alone could repeat on another server)."""
    territory = origin.get("territory") if isinstance(origin.get("territory"), dict) else {}
    return (origin.get("slug"), origin.get("title"), origin.get("edition"), territory.get("uf")) == (
        conference.slug, conference.title, conference.edition, conference.uf)


def plan_import(session: Session, conference: Conference, report: dict[str, Any], *,
                include_optional: bool = False) -> ImportPlan:
    spheres = DEFAULT_SPHERES.get(conference.sphere)
    if spheres is None:
        raise _fail(_l("Conferências municipais não recebem relatórios: elas os enviam."))
    if include_optional:
        spheres = spheres + OPTIONAL_SPHERES[conference.sphere]
    origin = report["conference"]
    if _same_conference(origin, conference):
        raise _fail(_l("Este é o relatório da própria conferência."))
    eixo_titles = {e.get("number"): e.get("title", "") for e in origin.get("eixos", []) if isinstance(e, dict)}
    plan = ImportPlan(origin_title=origin["title"], origin_url=origin["url"], origin_eixos=sorted(
        (n, t) for n, t in eixo_titles.items() if isinstance(n, int)))
    keys = []
    for sphere in spheres:
        for entry in report["forwarded"].get(sphere, []):
            key = f"{origin['url']}#{entry['code']}"
            keys.append(key)
            plan.items.append(Incoming(
                code=entry["code"], sphere=sphere, eixo=entry["eixo"],
                eixo_title=entry.get("eixo_title") or eixo_titles.get(entry["eixo"], ""),
                title=entry["title"][:TITLE_MAX].strip() or entry["code"], text=entry["text"].strip(), key=key))
    done = set(session.scalars(sa.select(Proposal.origin_key).where(
        Proposal.conference_id == conference.id, Proposal.origin_key.in_(keys)))) if keys else set()
    plan.items = [Incoming(**{**i.__dict__, "already_imported": i.key in done}) for i in plan.items]
    return plan


def apply_import(
    session: Session, actor: User, membership: Participation | None, conference: Conference, *,
    report: dict[str, Any], eixo_map: dict[int, int], include_optional: bool = False, now: dt.datetime,
) -> list[Proposal]:
    """Create the proposals; ``eixo_map`` maps each origin eixo number to a receiving eixo id."""
    require_manager(actor, membership)
    require_phase(conference, Action.IMPORT_REPORT)
    plan = plan_import(session, conference, report, include_optional=include_optional)
    eixo_ids = {e.id for e in conference.eixos}
    missing = sorted({i.eixo for i in plan.new_items if eixo_map.get(i.eixo) not in eixo_ids})
    if missing:
        raise ValidationError(_l("Escolha o eixo desta conferência para cada eixo de origem (faltam: %(eixos)s).",
                                 eixos=", ".join(str(n) for n in missing)), field="eixo_map")
    created = []
    for item in plan.new_items:
        proposal = create_proposal(
            session, conference, eixo_id=eixo_map[item.eixo], sphere=item.sphere, title=item.title, body=item.text,
            justification=None, author=None, editor=actor, now=now, kind=VersionKind.IMPORTED,
            note=f"{plan.origin_title[:400]} ({item.code})",  # ProposalVersion.note holds 500
        )
        proposal.origin_conference = plan.origin_title[:200]
        proposal.origin_code = item.code
        proposal.origin_url = plan.origin_url[:500]
        proposal.origin_key = item.key[:600]
        created.append(proposal)
    session.flush()
    audit(session, actor, "report.imported", conference, now, conference.id, origin=plan.origin_url,
          created=[p.code for p in created], skipped=len(plan.items) - len(plan.new_items))
    return created

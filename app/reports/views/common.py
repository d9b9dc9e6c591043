"""How a report dict reads on the page and in the PDF: labels, groupings, table of contents.

Everything here works from the report dict alone (the stored JSON of a published
version), never from the database, so a published version reads the same forever.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Mapping
from typing import Any

from flask_babel import lazy_gettext as _l

from app.conferences.constants import (
    CONFERENCE_SPHERE_LABELS,
    CREDENTIAL_SHORT_LABELS,
    PORTE_LABELS,
    SEGMENT_SHORT_LABELS,
)
from app.proposals.constants import SPHERE_LABELS
from app.reports.build import CREDENTIALS, FORWARDED_SPHERES, SEGMENTS, SPHERES
from app.reports.render import to_json
from app.votes.constants import KIND_SHORT_LABELS

SECTIONS = (
    ("informacoes-gerais", _l("Informações gerais")),
    ("participacao", _l("Participação")),
    ("deliberacoes", _l("Deliberações aprovadas por eixo e por esfera")),
    ("encaminhadas", _l("Propostas encaminhadas às esferas estadual e federal")),
    ("anexo", _l("Anexo: propostas não aprovadas")),
    ("rodadas", _l("Rodadas de votação")),
    ("integridade", _l("Integridade")),
)

APPENDIX = (
    ("rejected", _l("Rejeitadas")),
    ("no_quorum", _l("Sem quórum")),
    ("not_deliberated", _l("Não deliberadas")),
    ("withdrawn", _l("Retiradas")),
    ("merged", _l("Aglutinadas")),
    ("not_voted", _l("Não votadas")),
)

APPENDIX_EMPTY = {
    "rejected": _l("Nenhuma proposta rejeitada."),
    "no_quorum": _l("Nenhuma proposta ficou sem quórum."),
    "not_deliberated": _l("Nenhuma proposta registrada como não deliberada."),
    "withdrawn": _l("Nenhuma proposta retirada."),
    "merged": _l("Nenhuma proposta aglutinada."),
    "not_voted": _l("Todas as propostas foram votadas."),
}

MAJORITY_SHORT_LABELS = {
    "simple": _l("Maioria simples"),
    "absolute": _l("Maioria absoluta"),
    "two_thirds": _l("Dois terços"),
}

SPHERE_HEADINGS = {
    "municipal": _l("Esfera municipal"),
    "estadual": _l("Esfera estadual"),
    "federal": _l("Esfera federal"),
}

FORWARD_HEADINGS = {
    "estadual": _l("Encaminhadas à esfera estadual"),
    "federal": _l("Encaminhadas à esfera federal"),
}

OUTCOME_WORDS = {"tie": _l("empate"), "no_quorum": _l("falta de quórum")}
TIE_ISSUES = ("tie", "no_quorum")


def when(value: str | None) -> dt.datetime | None:
    """An ISO date-time of the report back to a datetime (for the date filters)."""
    return dt.datetime.fromisoformat(value) if value else None


def content_sha256(report: Mapping[str, Any]) -> str:
    """The SHA-256 of the report's canonical JSON (what publication stores and serves)."""
    return hashlib.sha256(to_json(dict(report)).encode("utf-8")).hexdigest()


def deliberations_by_eixo(report: Mapping[str, Any]) -> list[dict[str, Any]]:
    """Every eixo of the conference, each with its approved deliberations per sphere."""
    groups: dict[int, dict[str, list[dict[str, Any]]]] = {}
    for entry in report["deliberations"]:
        groups.setdefault(entry["eixo"], {}).setdefault(entry["sphere"], []).append(entry)
    eixos = [(e["number"], e["title"]) for e in report["conference"]["eixos"]]
    known = {number for number, _ in eixos}
    for entry in report["deliberations"]:  # an eixo renamed or removed since: still listed
        if entry["eixo"] not in known:
            known.add(entry["eixo"])
            eixos.append((entry["eixo"], entry["eixo_title"]))
    return [
        {"number": number, "title": title,
         "spheres": [(s, groups[number][s]) for s in SPHERES if s in groups.get(number, {})],
         "count": sum(len(v) for v in groups.get(number, {}).values())}
        for number, title in sorted(eixos)
    ]


def participation_rows(report: Mapping[str, Any]) -> dict[str, Any]:
    part = report["participation"]
    matrix = part["by_segment_credential"]
    present = part["checked_in"]
    return {
        "rows": [
            {"segment": s, "cells": [matrix[s][c] for c in CREDENTIALS], "total": sum(matrix[s].values()),
             "present_cells": [present[s][c] for c in CREDENTIALS], "present": sum(present[s].values())}
            for s in SEGMENTS
        ],
        "column_totals": [sum(matrix[s][c] for s in SEGMENTS) for c in CREDENTIALS],
        "present_totals": [sum(present[s][c] for s in SEGMENTS) for c in CREDENTIALS],
    }


def unresolved_text(item: Mapping[str, Any]) -> str:
    """One pending item, in plain words."""
    issue = item["issue"]
    sphere = SPHERE_LABELS.get(item.get("sphere", ""), item.get("sphere", ""))
    if issue in TIE_ISSUES:
        if item.get("round"):
            return str(_l("%(code)s: %(outcome)s na rodada \u201c%(round)s\u201d.", code=item["code"],
                          outcome=OUTCOME_WORDS[issue], round=item["round"]))
        return str(_l("%(code)s: %(outcome)s.", code=item["code"], outcome=OUTCOME_WORDS[issue]))
    if issue == "round_not_closed":
        return str(_l("%(code)s está numa rodada de votação que ainda não foi encerrada.", code=item["code"]))
    if issue == "needs_priority_round":
        return str(_l(
            "Eixo %(eixo)d, esfera %(sphere)s: %(n)d propostas aprovadas para um limite de %(cap)d encaminhadas. "
            "Faça uma rodada de priorização para decidir quais seguem.",
            eixo=item["eixo"], sphere=str(sphere).lower(), n=item["candidates"], cap=item["cap"]))
    if issue == "priority_tie":
        return str(_l(
            "Eixo %(eixo)d, esfera %(sphere)s: empate na priorização (%(codes)s). "
            "Faça uma nova rodada de priorização entre as empatadas.",
            eixo=item["eixo"], sphere=str(sphere).lower(), codes=", ".join(item["codes"])))
    if issue == "priority_no_quorum":
        return str(_l(
            "Eixo %(eixo)d, esfera %(sphere)s: a rodada de priorização não teve quórum (%(codes)s). "
            "Faça uma nova rodada de priorização.",
            eixo=item["eixo"], sphere=str(sphere).lower(), codes=", ".join(item["codes"])))
    if issue == "cap_splits_a_tie":
        return str(_l(
            "Eixo %(eixo)d, esfera %(sphere)s: o limite de %(cap)d encaminhadas cai no meio de um empate da "
            "priorização. Faça uma nova rodada de priorização entre as empatadas.",
            eixo=item["eixo"], sphere=str(sphere).lower(), cap=item["cap"]))
    return str(_l("Pendência: %(issue)s.", issue=issue))


def report_context(report: Mapping[str, Any], *, sha256: str | None = None) -> dict[str, Any]:
    """What the report templates (page and PDF) need besides the dict itself."""
    return {
        "report": report,
        "sha256": sha256,
        "when": when,
        "sections": SECTIONS,
        "appendix_sections": APPENDIX,
        "appendix_empty": APPENDIX_EMPTY,
        "by_eixo": deliberations_by_eixo(report),
        "participation": participation_rows(report),
        "segments": SEGMENTS,
        "credentials": CREDENTIALS,
        "forwarded_spheres": FORWARDED_SPHERES,
        "segment_labels": SEGMENT_SHORT_LABELS,
        "credential_labels": CREDENTIAL_SHORT_LABELS,
        "porte_labels": PORTE_LABELS,
        "conference_sphere_labels": CONFERENCE_SPHERE_LABELS,
        "sphere_labels": SPHERE_LABELS,
        "sphere_headings": SPHERE_HEADINGS,
        "forward_headings": FORWARD_HEADINGS,
        "kind_labels": KIND_SHORT_LABELS,
        "majority_labels": MAJORITY_SHORT_LABELS,
        "unresolved_text": unresolved_text,
        "is_draft": report.get("status") != "published",
    }

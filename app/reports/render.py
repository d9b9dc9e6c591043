"""Renderings of the report dict: canonical JSON and CSV (deterministic, byte for byte)."""

from __future__ import annotations

import csv
import io
import json
from typing import Any

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def to_json(report: dict[str, Any]) -> str:
    """Canonical JSON: sorted keys, UTF-8 characters kept, two-space indent, final newline."""
    return json.dumps(report, ensure_ascii=False, sort_keys=True, indent=2) + "\n"


def safe_cell(value: Any) -> str:
    """Neutralise spreadsheet formulas: a cell starting with = + - @ gets a leading quote."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_PREFIXES) else text


CSV_COLUMNS = (
    ("codigo", lambda d: d["code"]),
    ("eixo", lambda d: d["eixo"]),
    ("titulo_do_eixo", lambda d: d["eixo_title"]),
    ("esfera", lambda d: d["sphere"]),
    ("titulo", lambda d: d["title"]),
    ("redacao_final", lambda d: d["text"]),
    ("sim", lambda d: (d.get("votes") or {}).get("yes", "")),
    ("nao", lambda d: (d.get("votes") or {}).get("no", "")),
    ("abstencao", lambda d: (d.get("votes") or {}).get("abstain", "")),
    ("sim_presencial", lambda d: ((d.get("votes") or {}).get("in_person") or {}).get("yes", "")),
    ("nao_presencial", lambda d: ((d.get("votes") or {}).get("in_person") or {}).get("no", "")),
    ("abstencao_presencial", lambda d: ((d.get("votes") or {}).get("in_person") or {}).get("abstain", "")),
    ("rodada", lambda d: (d.get("votes") or {}).get("round", "")),
    ("encaminhada", lambda d: "sim" if d.get("forwarded") else "nao"),
    ("origem", lambda d: (d.get("origin") or {}).get("code", "")),
)


def to_csv(report: dict[str, Any]) -> str:
    """One row per deliberation (approved proposal), in the report's order."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow([name for name, _ in CSV_COLUMNS])
    for deliberation in report["deliberations"]:
        writer.writerow([safe_cell(get(deliberation)) for _, get in CSV_COLUMNS])
    return out.getvalue()

"""The JSON and CSV renderings: canonical, deterministic, safe to open in a spreadsheet."""

from __future__ import annotations

import csv
import io
import json

import pytest

from app.reports.build import build_report
from app.reports.render import CSV_COLUMNS, safe_cell, to_csv, to_json
from tests.unit.reports.rows import proposal, report_input, result, round_row

R1 = round_row(1)


def _report(**texts: str) -> dict:
    props = [proposal(i, code, final_wording=text) for i, (code, text) in enumerate(sorted(texts.items()), start=1)]
    return build_report(report_input(props, rounds=[R1], results=[result(1, p.id, in_person=(1, 2, 3)) for p in props]))


@pytest.mark.parametrize(("value", "expected"), [
    ("=HYPERLINK(\"http://mal.example\")", "'=HYPERLINK(\"http://mal.example\")"),
    ("+55 17 3000-0000", "'+55 17 3000-0000"),
    ("-1+1", "'-1+1"),
    ("@SUM(A1:A9)", "'@SUM(A1:A9)"),
    ("\tTAB", "'\tTAB"),
    ("\rCR", "'\rCR"),
    ("Garantir = direitos", "Garantir = direitos"),
    ("", ""),
    (None, ""),
    (7, "7"),
])
def test_safe_cell(value, expected):
    assert safe_cell(value) == expected


def test_csv_neutralises_formulas_in_every_column():
    report = _report(**{"E1-M-01": "=1+1", "E1-M-02": "+cmd", "E1-M-03": "-2", "E1-M-04": "@x", "E1-M-05": "Texto"})
    rows = list(csv.reader(io.StringIO(to_csv(report))))
    assert rows[0] == [name for name, _ in CSV_COLUMNS]
    texts = {row[0]: row[5] for row in rows[1:]}
    assert texts == {"E1-M-01": "'=1+1", "E1-M-02": "'+cmd", "E1-M-03": "'-2", "E1-M-04": "'@x", "E1-M-05": "Texto"}
    assert all(not cell.startswith(("=", "+", "-", "@")) for row in rows for cell in row)


def test_csv_one_row_per_deliberation_with_vote_figures():
    report = _report(**{"E1-M-01": "Linha 1\nlinha 2, com \"aspas\"", "E1-M-02": "B"})
    rows = list(csv.DictReader(io.StringIO(to_csv(report))))
    assert len(rows) == len(report["deliberations"]) == 2
    first = rows[0]
    assert first["redacao_final"] == "Linha 1\nlinha 2, com \"aspas\""
    assert (first["sim"], first["nao"], first["abstencao"]) == ("6", "3", "3")
    assert (first["sim_presencial"], first["nao_presencial"], first["abstencao_presencial"]) == ("1", "2", "3")
    assert first["rodada"] == "Rodada 1" and first["encaminhada"] == "nao" and first["esfera"] == "municipal"


def test_json_is_canonical():
    report = _report(**{"E1-M-01": "Ação"})
    text = to_json(report)
    assert text.endswith("}\n") and "Ação" in text
    assert text == json.dumps(json.loads(text), ensure_ascii=False, sort_keys=True, indent=2) + "\n"


def test_renderings_are_byte_identical_for_the_same_input():
    texts = {"E1-M-01": "Um", "E1-M-02": "Dois"}
    assert to_json(_report(**texts)) == to_json(_report(**texts))
    assert to_csv(_report(**texts)).encode() == to_csv(_report(**texts)).encode()

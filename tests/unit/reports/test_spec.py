"""The OpenAPI document describes every key the report builder writes."""

from __future__ import annotations

from app.api.openapi import build_document
from app.reports.build import build_report
from tests.unit.reports.rows import eixos, proposal, report_input, result, round_row


def _resolve(schema: dict, schemas: dict) -> dict:
    while "$ref" in schema:
        schema = schemas[schema["$ref"].rsplit("/", 1)[1]]
    return schema


def _undescribed(value, schema: dict, schemas: dict, path: str = "$") -> list[str]:
    schema = _resolve(schema, schemas)
    missing = []
    if isinstance(value, dict):
        props = schema.get("properties", {})
        for key in schema.get("required", []):
            if key not in value:
                missing.append(f"{path}.{key} (required, absent)")
        for key, inner in value.items():
            if key not in props:
                missing.append(f"{path}.{key}")
            else:
                missing += _undescribed(inner, props[key], schemas, f"{path}.{key}")
    elif isinstance(value, list):
        for inner in value:
            missing += _undescribed(inner, schema.get("items", {}), schemas, path + "[]")
    return missing


def _full_report() -> dict:
    props = [
        proposal(1, "E1-M-01", final_wording="Final"), proposal(2, "E1-M-02", "rejected"),
        proposal(3, "E1-M-03", "withdrawn", withdrawn_reason="x"), proposal(4, "E1-M-04", "merged", merged_into_code="E1-M-01"),
        proposal(5, "E1-M-05", "in_vote"), proposal(6, "E1-M-06", "in_vote"), proposal(7, "E1-M-07", "submitted"),
        proposal(8, "E1-E-01", sphere="estadual", origin_conference="A", origin_code="B", origin_url="https://a.example"),
        proposal(9, "E1-E-02", sphere="estadual"), proposal(10, "E1-F-01", sphere="federal"),
        proposal(11, "E1-M-08", "in_vote"),
    ]
    r1, r2 = round_row(1), round_row(2, "priority", minute=60)
    results = [result(1, 1), result(1, 2, "rejected"), result(1, 5, "tie"), result(1, 6, "no_quorum"), result(1, 8),
               result(1, 9), result(1, 10), result(1, 11, "tie"), result(2, 8, "forwarded", rank=1, forwarded=True),
               result(2, 9, "not_forwarded", rank=2)]
    return build_report(report_input(props, rounds=[r1, r2], results=results, settlements={5: "x", 6: "y"},
                                     eixos=eixos(cap_federal=0), participants={("usuario", "delegado"): 1}))


def test_every_key_is_described():
    document = build_document()
    schemas = document["components"]["schemas"]
    report = _full_report()
    assert report["unresolved"] and report["appendix"]["no_quorum"] and report["forwarded"]["estadual"]
    assert _undescribed(report, schemas["Report"], schemas) == []


def test_report_paths_are_documented():
    paths = build_document()["paths"]
    assert "/conferences/{slug}/report" in paths and "/conferences/{slug}/report/{version}" in paths

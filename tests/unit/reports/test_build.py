"""build_report over hand-made rows: buckets, unresolved items, forwarding, participation."""

from __future__ import annotations

import dataclasses
import datetime as dt
import random

import pytest

from app.reports.build import SCHEMA, build_report
from app.reports.render import to_csv, to_json
from tests.unit.reports.rows import (
    T0,
    eixos,
    proposal,
    report_input,
    result,
    round_row,
)

R1 = round_row(1, minute=0)
R2 = round_row(2, minute=60)
PRIORITY = round_row(9, "priority", minute=120, title="Priorização")


def where(report: dict, code: str) -> str:
    """Which list of the report holds the code (or "unresolved:<issue>")."""
    if any(d["code"] == code for d in report["deliberations"]):
        return "deliberations"
    for bucket, entries in report["appendix"].items():
        if any(d["code"] == code for d in entries):
            return bucket
    for item in report["unresolved"]:
        if item.get("code") == code:
            return "unresolved:" + item["issue"]
    return "nowhere"


# (state, results of the proposal (round, outcome), settled reason, in an open round) → where it goes
BUCKET_CASES = [
    ("approved", [(R1, "approved")], None, False, "deliberations"),
    ("rejected", [(R1, "rejected")], None, False, "rejected"),
    ("withdrawn", [], None, False, "withdrawn"),
    ("merged", [], None, False, "merged"),
    ("submitted", [], None, False, "not_voted"),
    ("in_vote", [(R1, "tie")], None, False, "unresolved:tie"),
    ("in_vote", [(R1, "no_quorum")], None, False, "unresolved:no_quorum"),
    ("in_vote", [(R1, "tie")], "Sem consenso.", False, "not_deliberated"),
    ("in_vote", [(R1, "no_quorum")], "Plenário esvaziado.", False, "no_quorum"),
    ("in_vote", [], None, True, "unresolved:round_not_closed"),
    ("in_vote", [(R1, "tie")], None, True, "unresolved:round_not_closed"),  # the new round is still open
    ("approved", [(R1, "tie"), (R2, "approved")], None, False, "deliberations"),  # settled by a new round
    ("rejected", [(R1, "no_quorum"), (R2, "rejected")], None, False, "rejected"),
]


@pytest.mark.parametrize(("state", "history", "settled", "active", "expected"), BUCKET_CASES)
def test_each_proposal_lands_in_one_place(state, history, settled, active, expected):
    extra = {"withdrawn_reason": "Desisti."} if state == "withdrawn" else {}
    if state == "merged":
        extra = {"merged_into_code": "E1-M-09"}
    p = proposal(7, "E1-M-01", state, **extra)
    data = report_input(
        [p], rounds=[R1, R2], results=[result(r.id, 7, outcome) for r, outcome in history],
        settlements={7: settled} if settled else {}, in_active_round=frozenset({7}) if active else frozenset(),
    )
    report = build_report(data)
    assert where(report, "E1-M-01") == expected
    placed = len(report["deliberations"]) + sum(len(v) for v in report["appendix"].values()) + len(report["unresolved"])
    assert placed == 1


def test_bucket_details():
    props = [
        proposal(1, "E1-M-01", "rejected"),
        proposal(2, "E1-M-02", "withdrawn", withdrawn_reason="Já atendida."),
        proposal(3, "E1-M-03", "merged", merged_into_code="E1-M-05"),
        proposal(4, "E1-M-04", "in_vote"),
        proposal(5, "E1-M-05", "approved", final_wording="Redação final da E1-M-05."),
    ]
    data = report_input(props, rounds=[R1], results=[
        result(1, 1, "rejected", yes=1, no=6, in_person=(0, 2, 1)), result(1, 4, "tie", yes=3, no=3),
        result(1, 5, "approved", yes=7, no=0, in_person=(2, 0, 0)),
    ], settlements={4: "A plenária preferiu não deliberar."})
    report = build_report(data)
    rejected = report["appendix"]["rejected"][0]
    assert rejected["votes"]["yes"] == 1 and rejected["votes"]["no"] == 8 and rejected["votes"]["abstain"] == 1
    assert rejected["votes"]["in_person"] == {"yes": 0, "no": 2, "abstain": 1}
    assert rejected["votes"]["round"] == "Rodada 1" and rejected["votes"]["round_number"] == 1
    assert report["appendix"]["withdrawn"][0]["reason"] == "Já atendida."
    assert report["appendix"]["merged"][0]["merged_into"] == "E1-M-05"
    settled = report["appendix"]["not_deliberated"][0]
    assert settled["reason"] == "A plenária preferiu não deliberar." and settled["last_outcome"] == "tie"
    approved = report["deliberations"][0]
    assert approved["text"] == "Redação final da E1-M-05." and approved["final_wording"] is True
    assert approved["votes"]["yes"] == 9 and approved["votes"]["online"]["yes"] == 7
    assert report["unresolved"] == []


def test_unresolved_items_name_the_round():
    data = report_input([proposal(1, "E1-M-01", "in_vote")], rounds=[R1], results=[result(1, 1, "tie")])
    assert build_report(data)["unresolved"] == [
        {"code": "E1-M-01", "title": "Título E1-M-01", "issue": "tie", "round": "Rodada 1"}]


def test_results_of_rounds_not_closed_are_ignored():
    # Only closed rounds are read; a stray result of another round must not count.
    data = report_input([proposal(1, "E1-M-01", "submitted")], rounds=[R1], results=[result(99, 1, "approved")])
    report = build_report(data)
    assert where(report, "E1-M-01") == "not_voted"
    assert report["rounds"] == [build_report(report_input(rounds=[R1]))["rounds"][0]]


def estaduais(n: int, start: int = 1) -> list:
    return [proposal(10 + i, f"E1-E-{i:02d}", sphere="estadual") for i in range(start, start + n)]


def approved(props: list) -> list:
    return [result(1, p.id, "approved") for p in props]


def priority(props: list, ranks: list[int | None], forwarded: list[bool], outcomes: list[str] | None = None) -> list:
    outcomes = outcomes or ["forwarded" if f else "not_forwarded" for f in forwarded]
    return [result(PRIORITY.id, p.id, o, yes=10 - (r or 0), no=0, rank=r, forwarded=f)
            for p, r, f, o in zip(props, ranks, forwarded, outcomes, strict=True)]


def forwarding(cap: int | None, n: int, ranking: tuple | None = None):
    props = estaduais(n)
    results = approved(props)
    rounds = [R1]
    if ranking is not None:
        rounds.append(PRIORITY)
        results += priority(props, *ranking)
    report = build_report(report_input(props, rounds=rounds, results=results, eixos=eixos(cap_estadual=cap)))
    forwarded = [(e["code"], e["rank"]) for e in report["forwarded"]["estadual"]]
    issues = report["unresolved"]
    return forwarded, issues


FORWARDING_CASES = [
    pytest.param(None, 3, None, [("E1-E-01", None), ("E1-E-02", None), ("E1-E-03", None)], [], id="no-cap-no-ranking"),
    pytest.param(2, 2, None, [("E1-E-01", None), ("E1-E-02", None)], [], id="no-ranking-within-cap"),
    pytest.param(2, 3, None, [], [{"eixo": 1, "sphere": "estadual", "issue": "needs_priority_round", "cap": 2,
                                   "candidates": 3}], id="no-ranking-over-cap"),
    pytest.param(1, 3, ([2, 1, 3], [True, True, False]), [("E1-E-02", 1)], [], id="ranking-with-cap"),
    pytest.param(None, 3, ([2, 1, 3], [True, True, False]), [("E1-E-02", 1), ("E1-E-01", 2)], [],
                 id="ranking-without-cap-keeps-the-rounds-choice"),
    pytest.param(1, 3, ([1, 1, 3], [True, True, False]), [],
                 [{"eixo": 1, "sphere": "estadual", "issue": "cap_splits_a_tie", "cap": 1}], id="cap-splits-a-rank-tie"),
    pytest.param(2, 3, ([1, 1, 3], [True, True, False]), [("E1-E-01", 1), ("E1-E-02", 1)], [],
                 id="cap-after-the-tied-group"),
    pytest.param(1, 3, ([1, 2, 2], [True, False, False], ["forwarded", "tie", "tie"]), [],
                 [{"eixo": 1, "sphere": "estadual", "issue": "priority_tie", "codes": ["E1-E-02", "E1-E-03"]}],
                 id="priority-tie"),
    pytest.param(1, 2, ([1, 2], [False, False], ["no_quorum", "no_quorum"]), [],
                 [{"eixo": 1, "sphere": "estadual", "issue": "priority_no_quorum", "codes": ["E1-E-01", "E1-E-02"]}],
                 id="priority-round-without-quorum"),
]


@pytest.mark.parametrize(("cap", "n", "ranking", "expected", "issues"), FORWARDING_CASES)
def test_forwarding(cap, n, ranking, expected, issues):
    forwarded, found = forwarding(cap, n, ranking)
    assert forwarded == expected
    assert found == issues


def test_forwarding_is_per_eixo_and_sphere_and_marks_deliberations():
    props = [proposal(1, "E1-E-01", sphere="estadual"), proposal(2, "E1-E-02", sphere="estadual"),
             proposal(3, "E2-E-01", sphere="estadual", eixo_id=2), proposal(4, "E1-F-01", sphere="federal"),
             proposal(5, "E1-M-01")]
    data = report_input(props, rounds=[R1], results=approved(props), eixos=eixos(cap_estadual=1, cap_federal=1))
    report = build_report(data)
    assert [e["code"] for e in report["forwarded"]["federal"]] == ["E1-F-01"]
    assert [e["code"] for e in report["forwarded"]["estadual"]] == ["E2-E-01"]
    assert report["unresolved"] == [{"eixo": 1, "sphere": "estadual", "issue": "needs_priority_round", "cap": 1,
                                     "candidates": 2}]
    flags = {d["code"]: d["forwarded"] for d in report["deliberations"]}
    assert flags == {"E1-E-01": False, "E1-E-02": False, "E2-E-01": True, "E1-F-01": True, "E1-M-01": False}
    assert [d["code"] for d in report["deliberations"]] == ["E1-M-01", "E1-E-01", "E1-E-02", "E1-F-01", "E2-E-01"]


def test_rejected_and_unapproved_are_never_forwarded():
    props = [proposal(1, "E1-E-01", "rejected", sphere="estadual"), proposal(2, "E1-E-02", "withdrawn", sphere="estadual")]
    data = report_input(props, rounds=[R1], results=[result(1, 1, "rejected")])
    assert build_report(data)["forwarded"] == {"estadual": [], "federal": []}


PARTICIPANTS = {("usuario", "delegado"): 3, ("trabalhador", "delegado"): 1, ("entidade", "delegado"): 1,
                ("governo", "delegado"): 5, ("usuario", "observador"): 2, ("governo", "convidado"): 1,
                ("trabalhador", "pending"): 4}
CHECKED = {("usuario", "delegado"): 3, ("governo", "delegado"): 4, ("usuario", "observador"): 1}


@pytest.mark.parametrize(("governo", "balanced"), [(5, True), (4, False), (6, False)])
def test_participation_and_parity(governo, balanced):
    participants = {**PARTICIPANTS, ("governo", "delegado"): governo}
    part = build_report(report_input(participants=participants, checked_in=CHECKED))["participation"]
    assert part["by_segment_credential"]["usuario"] == {"delegado": 3, "observador": 2, "convidado": 0, "pending": 0}
    assert part["by_segment_credential"]["entidade"]["pending"] == 0
    assert part["checked_in"]["governo"]["delegado"] == 4
    assert part["delegates_by_segment"] == {"usuario": 3, "trabalhador": 1, "entidade": 1, "governo": governo}
    assert part["parity"] == {"governo": governo, "sociedade_civil": 5, "balanced": balanced}
    assert part["totals"] == {"participants": 12 + governo, "checked_in": 8, "delegates": 5 + governo}


def test_empty_participation():
    part = build_report(report_input())["participation"]
    assert part["totals"] == {"participants": 0, "checked_in": 0, "delegates": 0}
    assert part["parity"]["balanced"] is True


@pytest.mark.parametrize(("minutes", "hours"), [(300, 5.0), (290, 4.75), (487, 8.0), (488, 8.25), (30, 0.5),
                                                 (60 * 32, 32.0)])
def test_total_hours_to_the_quarter(minutes, hours):
    conference = dataclasses.replace(report_input().conference, ends_at=T0 + dt.timedelta(minutes=minutes))
    assert build_report(report_input(conference=conference))["conference"]["total_hours"] == hours


def test_dates_are_in_the_conference_timezone():
    report = build_report(report_input())
    assert report["conference"]["starts_at"] == "2025-07-01T09:00:00-03:00"
    assert report["generated_at"] == "2025-07-02T09:00:00-03:00"


def test_rounds_list_and_turnout():
    rounds = build_report(report_input(rounds=[R1, round_row(3, electorate=0, online=0, in_person=0)]))["rounds"]
    assert rounds[0]["voters"] == 8 and rounds[0]["turnout_percent"] == 80.0 and rounds[0]["kind"] == "deliberation"
    assert rounds[1]["turnout_percent"] == 0.0


def test_draft_and_published_status():
    draft = build_report(report_input())
    assert (draft["schema"], draft["status"], draft["version"]) == (SCHEMA, "draft", None)
    published = build_report(report_input(version=3))
    assert (published["status"], published["version"]) == ("published", 3)


def test_origin_is_kept():
    p = proposal(1, "E1-E-01", sphere="estadual", origin_conference="VIII Municipal", origin_code="E1-E-04",
                 origin_url="https://outro.example/c")
    entry = build_report(report_input([p], rounds=[R1], results=approved([p])))["deliberations"][0]
    assert entry["origin"] == {"conference": "VIII Municipal", "code": "E1-E-04", "url": "https://outro.example/c"}


def _rich_input():
    props = [proposal(i, f"E{1 + i % 2}-{'MEF'[i % 3]}-{i:02d}", ("approved", "rejected", "in_vote", "submitted")[i % 4],
                      sphere=("municipal", "estadual", "federal")[i % 3], eixo_id=1 + i % 2) for i in range(1, 25)]
    results = [result(1, p.id, {"approved": "approved", "rejected": "rejected", "in_vote": "tie"}.get(p.state, "x"))
               for p in props if p.state != "submitted"]
    return props, results


def test_deterministic_whatever_the_input_order():
    props, results = _rich_input()
    first = build_report(report_input(props, rounds=[R1], results=results, settlements={3: "x", 7: "y"}))
    for seed in range(5):
        rng = random.Random(seed)
        shuffled_p, shuffled_r = props[:], results[:]
        rng.shuffle(shuffled_p)
        rng.shuffle(shuffled_r)
        again = build_report(report_input(shuffled_p, rounds=[R1], results=shuffled_r, settlements={7: "y", 3: "x"}))
        assert to_json(again) == to_json(first)
        assert to_csv(again) == to_csv(first)


def _keys(value, path=""):
    if isinstance(value, dict):
        for key, inner in value.items():
            yield f"{path}.{key}", key, inner
            yield from _keys(inner, f"{path}.{key}")
    elif isinstance(value, list):
        for inner in value:
            yield from _keys(inner, path + "[]")


def test_no_raw_database_ids_in_the_report():
    props, results = _rich_input()
    report = build_report(report_input(props, rounds=[R1, PRIORITY], results=results, settlements={3: "x"}))
    assert not [path for path, key, _ in _keys(report) if key == "id" or key.endswith("_id")]

"""The final report as data: a pure function of the rows read for it.

``build_report(ReportInput) -> dict`` is the report (schema "plenaria.report/1"); the
HTML page, the PDF, the CSV and the JSON are renderings of that dict. The same input
gives the same dict, and the JSON and CSV renderings are byte-identical for it.

How forwarding is decided, per eixo and per sphere (estadual, federal):
- the candidates are the approved proposals of that eixo and sphere;
- when a closed priority round ranked any of them, the ones it forwarded are taken in
  rank order (then code); when there are more than the eixo's cap, the first ``cap`` are
  kept, unless the cap falls inside a group tied on rank (then the eixo and sphere is
  unresolved); a priority tie flagged by the round is unresolved too, and so is a
  priority round without quorum;
- when no priority round ranked them, all are forwarded if they fit the cap; if they do
  not fit, the eixo and sphere is unresolved ("a priority round is needed").
Publication is refused while anything is unresolved: ties and no-quorum outcomes not
settled (by a new round or as "not deliberated" with a reason) and forwarding conflicts.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import Any
from zoneinfo import ZoneInfo

from app.reports.inputs import ProposalRow, ReportInput, ResultRow, RoundRow

SCHEMA = "plenaria.report/1"
SEGMENTS = ("usuario", "trabalhador", "entidade", "governo")
CIVIL_SOCIETY = ("usuario", "trabalhador", "entidade")
CREDENTIALS = ("delegado", "observador", "convidado", "pending")
SPHERES = ("municipal", "estadual", "federal")
FORWARDED_SPHERES = ("estadual", "federal")


def _iso(value: dt.datetime | None, tz: str) -> str | None:
    return value.astimezone(ZoneInfo(tz)).isoformat() if value else None


def _hours(start: dt.datetime, end: dt.datetime) -> float:
    """Total hours, to the quarter hour."""
    return round((end - start).total_seconds() / 3600 * 4) / 4


def _conference(data: ReportInput) -> dict[str, Any]:
    c = data.conference
    return {
        "slug": c.slug,
        "title": c.title,
        "edition": c.edition,
        "sphere": c.sphere,
        "territory": {"municipio": c.municipio, "uf": c.uf, "ibge": c.ibge_code},
        "porte": c.porte,
        "theme": c.theme,
        "venue": c.venue,
        "starts_at": _iso(c.starts_at, c.timezone),
        "ends_at": _iso(c.ends_at, c.timezone),
        "timezone": c.timezone,
        "total_hours": _hours(c.starts_at, c.ends_at),
        "eixos": [{"number": e.number, "title": e.title} for e in sorted(data.eixos, key=lambda e: e.number)],
        "url": c.url,
    }


def _participation(data: ReportInput) -> dict[str, Any]:
    matrix = {s: {c: data.participants.get((s, c), 0) for c in CREDENTIALS} for s in SEGMENTS}
    present = {s: {c: data.checked_in.get((s, c), 0) for c in CREDENTIALS} for s in SEGMENTS}
    delegates = {s: matrix[s]["delegado"] for s in SEGMENTS}
    governo = delegates["governo"]
    civil = sum(delegates[s] for s in CIVIL_SOCIETY)
    return {
        "by_segment_credential": matrix,
        "checked_in": present,
        "delegates_by_segment": delegates,
        "totals": {
            "participants": sum(sum(row.values()) for row in matrix.values()),
            "checked_in": sum(sum(row.values()) for row in present.values()),
            "delegates": sum(delegates.values()),
        },
        "parity": {"governo": governo, "sociedade_civil": civil, "balanced": governo == civil},
    }


def _figures(result: ResultRow | None, round_: RoundRow | None, index: _Index) -> dict[str, Any] | None:
    if result is None or round_ is None:
        return None
    return {
        "yes": result.yes + result.in_person_yes,
        "no": result.no + result.in_person_no,
        "abstain": result.abstain + result.in_person_abstain,
        "online": {"yes": result.yes, "no": result.no, "abstain": result.abstain},
        "in_person": {"yes": result.in_person_yes, "no": result.in_person_no, "abstain": result.in_person_abstain},
        "round": round_.title,
        "round_number": index.number[round_.id],  # its position in report["rounds"], from 1 (no raw ids)
    }


class _Index:
    """Results by proposal, in the order the rounds closed."""

    def __init__(self, data: ReportInput) -> None:
        self.rounds = {r.id: r for r in data.rounds}
        order = {r.id: i for i, r in enumerate(data.rounds)}
        self.number = {r.id: i + 1 for i, r in enumerate(data.rounds)}
        self.by_proposal: dict[int, list[ResultRow]] = defaultdict(list)
        for result in sorted(data.results, key=lambda r: (order.get(r.round_id, 0), r.proposal_id)):
            if result.round_id in self.rounds:
                self.by_proposal[result.proposal_id].append(result)

    def last(self, proposal_id: int, kind: str, outcome: str | None = None) -> ResultRow | None:
        found = None
        for result in self.by_proposal.get(proposal_id, []):
            if self.rounds[result.round_id].kind == kind and (outcome is None or result.outcome == outcome):
                found = result
        return found


def _entry(p: ProposalRow, eixos: dict[int, Any], extra: dict[str, Any] | None = None) -> dict[str, Any]:
    eixo = eixos[p.eixo_id]
    entry: dict[str, Any] = {
        "code": p.code,
        "eixo": eixo.number,
        "eixo_title": eixo.title,
        "sphere": p.sphere,
        "title": p.title,
        "text": p.final_wording or p.body,
        "final_wording": p.final_wording is not None,
    }
    if p.origin_code:
        entry["origin"] = {"conference": p.origin_conference, "code": p.origin_code, "url": p.origin_url}
    entry.update(extra or {})
    return entry


def _sort_key(entry: dict[str, Any]) -> tuple:
    return (entry["eixo"], SPHERES.index(entry["sphere"]), entry["code"])


def build_report(data: ReportInput) -> dict[str, Any]:
    index = _Index(data)
    eixos = {e.id: e for e in data.eixos}
    deliberations: list[dict[str, Any]] = []
    appendix: dict[str, list[dict[str, Any]]] = {k: [] for k in (
        "rejected", "no_quorum", "not_deliberated", "withdrawn", "merged", "not_voted")}
    unresolved: list[dict[str, Any]] = []

    for p in sorted(data.proposals, key=lambda p: p.code):
        last = index.last(p.id, "deliberation")
        last_round = index.rounds.get(last.round_id) if last else None
        if p.state == "approved":
            won = index.last(p.id, "deliberation", "approved")
            won_round = index.rounds.get(won.round_id) if won else None
            deliberations.append(_entry(p, eixos, {"votes": _figures(won, won_round, index)}))
        elif p.state == "rejected":
            appendix["rejected"].append(_entry(p, eixos, {"votes": _figures(last, last_round, index)}))
        elif p.state == "withdrawn":
            appendix["withdrawn"].append(_entry(p, eixos, {"reason": p.withdrawn_reason}))
        elif p.state == "merged":
            appendix["merged"].append(_entry(p, eixos, {"merged_into": p.merged_into_code}))
        elif p.id in data.settlements:
            bucket = "no_quorum" if last and last.outcome == "no_quorum" else "not_deliberated"
            appendix[bucket].append(_entry(p, eixos, {
                "reason": data.settlements[p.id], "last_outcome": last.outcome if last else None,
                "votes": _figures(last, last_round, index)}))
        elif p.id in data.in_active_round:
            unresolved.append({"code": p.code, "title": p.title, "issue": "round_not_closed"})
        elif last is not None and last.outcome in ("tie", "no_quorum"):
            unresolved.append({"code": p.code, "title": p.title, "issue": last.outcome,
                               "round": last_round.title if last_round else None})
        elif p.state in ("submitted", "in_vote"):
            appendix["not_voted"].append(_entry(p, eixos))

    forwarded, forward_issues = _forwarding(data, index, eixos, deliberations)
    unresolved.extend(forward_issues)
    chosen = {entry["code"] for sphere in FORWARDED_SPHERES for entry in forwarded[sphere]}
    for entry in deliberations:
        entry["forwarded"] = entry["code"] in chosen
    deliberations.sort(key=_sort_key)
    for bucket in appendix.values():
        bucket.sort(key=_sort_key)

    c = data.conference
    return {
        "schema": SCHEMA,
        "status": "draft" if data.version is None else "published",
        "version": data.version,
        "generated_at": _iso(data.generated_at, c.timezone),
        "conference": _conference(data),
        "participation": _participation(data),
        "deliberations": deliberations,
        "forwarded": forwarded,
        "appendix": appendix,
        "unresolved": sorted(unresolved, key=lambda u: (u.get("code", ""), u["issue"])),
        "rounds": [_round(r, c.timezone) for r in data.rounds],
        "integrity": {
            "audit_last_seq": data.audit_last_seq,
            "audit_last_hash": data.audit_last_hash,
            "generated_at": _iso(data.generated_at, c.timezone),
        },
    }


def _round(r: RoundRow, tz: str) -> dict[str, Any]:
    voters = r.voters_online + r.voters_in_person
    return {
        "title": r.title,
        "kind": r.kind,
        "secret": r.secret,
        "majority_rule": r.majority_rule,
        "quorum_percent": r.quorum_percent,
        "quorum_needed": r.quorum_needed,
        "quorum_met": r.quorum_met,
        "electorate": r.electorate,
        "voters": voters,
        "voters_online": r.voters_online,
        "voters_in_person": r.voters_in_person,
        "turnout_percent": round(100 * voters / r.electorate, 1) if r.electorate else 0.0,
        "opened_at": _iso(r.opened_at, tz),
        "closed_at": _iso(r.closed_at, tz),
    }


def _forwarding(
    data: ReportInput, index: _Index, eixos: dict[int, Any], deliberations: list[dict[str, Any]],
) -> tuple[dict[str, list[dict[str, Any]]], list[dict[str, Any]]]:
    by_code = {p.code: p for p in data.proposals}
    forwarded: dict[str, list[dict[str, Any]]] = {s: [] for s in FORWARDED_SPHERES}
    issues: list[dict[str, Any]] = []
    for sphere in FORWARDED_SPHERES:
        for eixo in sorted(data.eixos, key=lambda e: e.number):
            cap = getattr(eixo, f"cap_{sphere}")
            candidates = [by_code[d["code"]] for d in deliberations
                          if d["sphere"] == sphere and by_code[d["code"]].eixo_id == eixo.id]
            if not candidates:
                continue
            ranked = {p.id: r for p in candidates if (r := index.last(p.id, "priority")) is not None}
            where = {"eixo": eixo.number, "sphere": sphere}
            if not ranked:
                if cap is not None and len(candidates) > cap:
                    issues.append({**where, "issue": "needs_priority_round", "cap": cap, "candidates": len(candidates)})
                    continue
                chosen = [(None, p) for p in sorted(candidates, key=lambda p: p.code)]
            else:
                tied = [p.code for p in candidates if p.id in ranked and ranked[p.id].outcome == "tie"]
                if tied:
                    issues.append({**where, "issue": "priority_tie", "codes": sorted(tied)})
                    continue
                short = [p.code for p in candidates if p.id in ranked and ranked[p.id].outcome == "no_quorum"]
                if short:  # the ranking was not decided: forwarding nothing silently would be wrong
                    issues.append({**where, "issue": "priority_no_quorum", "codes": sorted(short)})
                    continue
                picked = sorted(((ranked[p.id].rank, p) for p in candidates if p.id in ranked and ranked[p.id].forwarded),
                                key=lambda rp: (rp[0] or 0, rp[1].code))
                if cap is not None and len(picked) > cap:
                    if picked[cap - 1][0] == picked[cap][0] if cap > 0 else False:
                        issues.append({**where, "issue": "cap_splits_a_tie", "cap": cap})
                        continue
                    picked = picked[:cap]
                chosen = picked
            for rank, p in chosen:
                forwarded[sphere].append(_entry(p, eixos, {"rank": rank}))
    return forwarded, issues

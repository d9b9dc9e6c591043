"""Hand-made rows for the pure report builder: no database, no Flask."""

from __future__ import annotations

import datetime as dt
from typing import Any

from app.reports.inputs import ConferenceRow, EixoRow, ProposalRow, ReportInput, ResultRow, RoundRow

T0 = dt.datetime(2025, 7, 1, 12, 0, tzinfo=dt.UTC)
CONFERENCE = ConferenceRow(
    slug="xi-conferencia", title="XI Conferência Municipal", edition=11, sphere="municipal", municipio="Alvares Florence",
    uf="SP", ibge_code="3501103", porte="pequeno_i", theme="Tema", venue="CRAS", starts_at=T0,
    ends_at=T0 + dt.timedelta(hours=5), timezone="America/Sao_Paulo", url="https://plenaria.example/c/xi",
)
EIXOS = (EixoRow(1, 1, "Eixo um", None, None, None), EixoRow(2, 2, "Eixo dois", None, None, None))


def eixos(cap_estadual: int | None = None, cap_federal: int | None = None) -> tuple[EixoRow, ...]:
    return (EixoRow(1, 1, "Eixo um", None, cap_estadual, cap_federal), EixoRow(2, 2, "Eixo dois", None, None, None))


def proposal(pid: int, code: str, state: str = "approved", *, sphere: str = "municipal", eixo_id: int = 1,
             **values: Any) -> ProposalRow:
    return ProposalRow(id=pid, code=code, eixo_id=eixo_id, sphere=sphere, title=f"Título {code}",
                       body=f"Texto {code}", final_wording=values.pop("final_wording", None), state=state, **values)


def round_row(rid: int, kind: str = "deliberation", *, minute: int = 0, title: str | None = None,
              quorum_met: bool = True, electorate: int = 10, online: int = 6, in_person: int = 2) -> RoundRow:
    return RoundRow(
        id=rid, title=title or f"Rodada {rid}", kind=kind, secret=False, majority_rule="simple", quorum_percent=50,
        quorum_needed=5, quorum_met=quorum_met, electorate=electorate, voters_online=online,
        voters_in_person=in_person, opened_at=T0 + dt.timedelta(minutes=minute),
        closed_at=T0 + dt.timedelta(minutes=minute + 30),
    )


def result(rid: int, pid: int, outcome: str = "approved", *, yes: int = 5, no: int = 1, abstain: int = 0,
           in_person: tuple[int, int, int] = (0, 0, 0), rank: int | None = None,
           forwarded: bool = False) -> ResultRow:
    return ResultRow(round_id=rid, proposal_id=pid, yes=yes, no=no, abstain=abstain, in_person_yes=in_person[0],
                     in_person_no=in_person[1], in_person_abstain=in_person[2], outcome=outcome, rank=rank,
                     forwarded=forwarded)


def report_input(proposals: tuple[ProposalRow, ...] | list[ProposalRow] = (), *, rounds: Any = (), results: Any = (),
                 **values: Any) -> ReportInput:
    return ReportInput(
        conference=values.pop("conference", CONFERENCE), eixos=values.pop("eixos", EIXOS),
        participants=values.pop("participants", {}), checked_in=values.pop("checked_in", {}),
        proposals=tuple(proposals), rounds=tuple(rounds), results=tuple(results),
        generated_at=values.pop("generated_at", T0 + dt.timedelta(days=1)), **values,
    )

"""What the fuzzing of tests/security/test_fuzz_forms.py found, pinned as plain tests: ids past
what an id column holds, huge numbers in forms, and odd reports offered for import."""

from __future__ import annotations

import json
from typing import Any

import pytest
import sqlalchemy as sa

from app.conferences.phases import Phase
from app.reports.models import PublishedReport
from tests.security.test_fuzz_forms import as_state_conference, check
from tests.security.world import (
    DELEGATE,
    PENDING,
    SECRETARY,
)

pytestmark = pytest.mark.filterwarnings("ignore:Generating overly large repr:hypothesis.errors.HypothesisWarning")

HUGE = str(2**64)


def test_ids_past_the_integer_columns_are_not_found(seeded):
    """SQLite cannot bind an integer past 2**63 (OverflowError, a 500); PostgreSQL's ids end at
    2**31 - 1. Larger ids in URLs are simply not found."""
    a = seeded.world.a
    for number in (str(2**31), str(2**63), HUGE, "9" * 40):
        for url in (f"/conferencias/{a.slug}/votacoes/{number}", f"/conferencias/{a.slug}/relatorio/v{number}",
                    f"/api/v1/conferences/{a.slug}/rounds/{number}", f"/api/v1/conferences/{a.slug}/report/{number}",
                    f"/conferencias/{a.slug}/gestao/eixos/{number}/editar"):
            assert seeded.request(SECRETARY, "GET", url).status_code == 404, url


@pytest.mark.parametrize(("actor", "path", "data", "phase"), [
    (SECRETARY, "gestao/votacoes/{draft}/propostas", {"proposal_ids": [HUGE, "-" + HUGE]}, None),
    (SECRETARY, "gestao/votacoes/{open}/contagem", {"rows-0-proposal_id": HUGE, "rows-0-yes": "1"}, None),
    (SECRETARY, "gestao/votacoes/{open}/contagem", {"rows-0-proposal_id": "{open_proposal}", "rows-0-yes": HUGE}, None),
    (SECRETARY, "gestao/votacoes/{open}/eleitorado", {"participation_id": HUGE}, None),
    (SECRETARY, "gestao/votacoes/{draft}/editar", {"title": "R", "majority_rule": "simple", "quorum_percent": "50",
                                                   "max_choices": HUGE, "forward_count": HUGE}, None),
    (SECRETARY, "gestao/votacoes/nova", {"title": "R", "kind": "priority", "majority_rule": "simple",
                                         "quorum_percent": "50", "max_choices": HUGE, "forward_count": "1"}, None),
    (SECRETARY, "gestao/inscricoes/lote", {"action": "delegado", "ids": [HUGE]}, None),
    (SECRETARY, "gestao/regras", {"majority_rule": "simple", "quorum_percent": "50", "proposals_per_participant": "3",
                                  "reports_to_hide": "3", "caps-0-eixo_id": "{eixo}", "caps-0-cap_federal": HUGE}, None),
    (SECRETARY, "gestao/regras", {"majority_rule": "simple", "quorum_percent": "50", "proposals_per_participant": "3",
                                  "reports_to_hide": "3", "caps-0-eixo_id": HUGE}, None),
    (SECRETARY, "propostas/aglutinar", {"proposal_ids": [HUGE, "1"], "eixo_id": HUGE, "sphere": "municipal",
                                        "title": "Junta", "body": "Texto."}, None),
    (DELEGATE, "votacoes/{open}/votar", {f"p-{HUGE}": "yes", "escolhas": HUGE}, None),
    (PENDING, "propostas/nova", {"eixo_id": HUGE, "sphere": "municipal", "title": "Título", "body": "Texto."},
     Phase.PROPOSALS),
    (DELEGATE, "propostas/E1-M-01/comentarios/", {"body": "Resposta.", "parent_id": HUGE}, Phase.DEBATE),
])
def test_huge_numbers_in_forms_are_refused_with_a_message(seeded, actor, path, data, phase):
    a = seeded.world.a
    values = {"draft": a.rounds["draft"], "open": a.rounds["open"], "open_proposal": a.proposal_ids["open"],
              "eixo": a.eixo_ids[0]}
    url = f"/conferencias/{a.slug}/" + path.format(**values)
    data = {k: ([v.format(**values) for v in val] if isinstance(val, list) else val.format(**values))
            for k, val in data.items()}
    with seeded.undone(phase):
        before = seeded.fingerprint()
        response = seeded.client(actor).post(url, data=data)
        response.get_data()
        after = seeded.fingerprint()
    check(response, nul=False, before=before, after=after, what=f"POST {url} {data}")
    assert response.status_code in (302, 400, 403, 404, 409, 422), response.status_code


def odd(seeded, **changes: Any) -> str:
    real = json.loads(seeded.connection.execute(sa.select(PublishedReport.content).limit(1)).scalar_one())
    conference = {**real["conference"], "title": "Conferência de origem", "url": "https://origem.example/c"}
    entry = {"code": "E1-E-01", "title": "Encaminhada", "text": "Texto.", "eixo": 1}
    report = {**real, "status": "published", "conference": conference, "forwarded": {"estadual": [entry], "federal": []}}
    for key, value in changes.items():
        target, _, name = key.partition("__")
        if target == "conference":
            conference[name] = value
        elif target == "entry":
            entry[name] = value
        else:
            report["forwarded"] = value
    return json.dumps(report)


@pytest.mark.parametrize("changes", [
    {"conference__eixos": 7},
    {"conference__eixos": [{"number": [1], "title": "x"}]},
    {"conference__eixos": [{"number": 1, "title": {"a": 1}}]},
    {"conference__title": "Origem\u0000"},
    {"entry__text": "Texto com \u0000 no meio."},
    {"entry__eixo_title": {"não": "texto"}},
    {"entry__eixo": True},
    {"conference__url": "https://origem.example/" + "c" * 600},
    {"conference__title": "C" * 5000},
    {"forwarded": {"estadual": [{"code": "E1-E-01", "title": "A", "text": "T.", "eixo": 1}],
                   "federal": [{"code": "E1-E-01", "title": "B", "text": "T.", "eixo": 1}]}},
], ids=lambda c: next(iter(c)))
def test_odd_reports_are_refused_or_imported_never_a_500(seeded, changes):
    a = seeded.world.a
    url = f"/conferencias/{a.slug}/gestao/relatorio/importar/confirmar"
    data = {"report_text": odd(seeded, **changes), "eixo_1": str(a.eixo_ids[0]), "include_optional": "y"}
    with seeded.undone(Phase.DEBATE):
        as_state_conference(seeded)
        before = seeded.fingerprint()
        response = seeded.client(SECRETARY).post(url, data=data)
        response.get_data()
        after = seeded.fingerprint()
    check(response, nul=False, before=before, after=after, what=f"{changes}")
    assert response.status_code == 302
    imported = response.headers["Location"].endswith("/propostas/")
    assert imported == ("conference__title" in changes and "\u0000" not in changes["conference__title"]), changes

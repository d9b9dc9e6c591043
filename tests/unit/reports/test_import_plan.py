"""plan_import refuses a conference's own report, whatever its URL, and not a namesake's."""

import pytest

from app.conferences.constants import ConferenceSphere
from app.conferences.phases import Phase
from app.errors import ValidationError
from app.reports.build import SCHEMA
from app.reports.importing import plan_import


def _report(origin: dict) -> dict:
    return {"schema": SCHEMA, "status": "published", "conference": origin,
            "forwarded": {"estadual": [{"code": "E1-E-01", "title": "T", "text": "Texto", "eixo": 1}], "federal": []}}


@pytest.fixture
def state(make):
    return make.conference(phase=Phase.PROPOSALS, sphere=ConferenceSphere.ESTADUAL, slug="estadual-sp", municipio=None)


def test_own_report_is_refused(session, state):
    origin = {"slug": state.slug, "title": state.title, "edition": state.edition, "territory": {"uf": state.uf},
              "url": "https://outro-endereco.example/conferencias/estadual-sp", "eixos": []}
    with pytest.raises(ValidationError):
        plan_import(session, state, _report(origin))


def test_a_namesake_on_another_server_is_accepted(session, state):
    origin = {"slug": state.slug, "title": "Conferência Municipal de Outra Cidade", "edition": 3,
              "territory": {"uf": "MG"}, "url": "https://outra.example/conferencias/estadual-sp", "eixos": []}
    plan = plan_import(session, state, _report(origin))
    assert [item.code for item in plan.items] == ["E1-E-01"]

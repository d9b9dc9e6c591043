"""Journeys 1 to 3 of issue 6, in pt-BR and in English, with axe on every page they reach."""

from __future__ import annotations

import pytest

from tests.browser import journeys
from tests.browser.report_journey import report_journey

pytestmark = pytest.mark.browser
LANGS = pytest.mark.parametrize("lang", ["pt_BR", "en"], ids=["pt-BR", "en"])


@LANGS
def test_newcomer_registers_joins_proposes_and_replies(contexts, a11y, lang):
    journeys.newcomer_journey(contexts, a11y, lang=lang, tag=lang.lower())


@LANGS
def test_secretary_accredits_opens_round_delegates_vote_late_vote_refused(contexts, a11y, seed, lang):
    journeys.secretary_round_journey(contexts, a11y, seed, variant=lang, lang=lang)


@LANGS
def test_secretary_publishes_report_visitor_downloads_pdf_and_csv(contexts, a11y, seed, tmp_path, lang):
    report_journey(contexts, a11y, seed, tmp_path, lang=lang)

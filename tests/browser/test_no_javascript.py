"""Journey 5: journeys 1 and 2 with JavaScript disabled in the browser: every step still works
(forms, the reply form, the ballot, the confirmation step), and axe checks each page as it is
rendered without scripts."""

from __future__ import annotations

import pytest

from tests.browser import journeys

pytestmark = pytest.mark.browser


def test_newcomer_journey_without_javascript(contexts, a11y):
    journeys.newcomer_journey(contexts, a11y, js=False, tag="semjs")


def test_secretary_round_journey_without_javascript(contexts, a11y, seed):
    journeys.secretary_round_journey(contexts, a11y, seed, variant="nojs", js=False)

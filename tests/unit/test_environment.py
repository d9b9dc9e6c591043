"""A test that needs something from the machine skips without it, except under CI=true."""

from __future__ import annotations

import pytest

from tests.environment import unavailable


def test_a_missing_tool_skips_on_a_developer_machine(monkeypatch):
    monkeypatch.delenv("CI", raising=False)
    with pytest.raises(pytest.skip.Exception, match="falta o pdftotext"):
        unavailable("falta o pdftotext")


@pytest.mark.parametrize("value", ["true", "TRUE", " true "])
def test_a_missing_tool_fails_in_ci(monkeypatch, value):
    monkeypatch.setenv("CI", value)
    with pytest.raises(pytest.fail.Exception, match="may not be skipped"):
        unavailable("falta o pdftotext")

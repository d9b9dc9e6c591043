"""What a few tests need from the machine (Chromium, pdftotext, Redis, PostgreSQL's server
binaries). On a developer's machine without it such a test is skipped with the reason; under
CI=true (.ci/run installs and starts all of them) it fails, so that CI never passes by skipping."""

from __future__ import annotations

import os
from typing import NoReturn

import pytest


def in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() == "true"


def unavailable(reason: str) -> NoReturn:
    if in_ci():
        pytest.fail(f"{reason} (CI=true: this test may not be skipped)", pytrace=False)
    pytest.skip(reason)

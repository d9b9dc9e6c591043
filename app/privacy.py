"""Personal-data export registry (LGPD art. 18): each area adds what it holds of a user."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy.orm import Session

Exporter = Callable[[Session, Any], dict[str, Any]]
_exporters: list[Exporter] = []


def register_exporter(fn: Exporter) -> Exporter:
    if fn not in _exporters:
        _exporters.append(fn)
    return fn


def collect_personal_data(session: Session, user: Any) -> dict[str, Any]:
    data: dict[str, Any] = {}
    for exporter in _exporters:
        data.update(exporter(session, user))
    return data

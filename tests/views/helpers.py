"""Helpers for the view tests: small readers of the rendered HTML (and, for tests that need
several clients, ``new_client`` from tests/conftest.py)."""

from __future__ import annotations

import html as html_lib
import re
from typing import Any

from flask.testing import FlaskClient

from tests.conftest import new_client

__all__ = ["new_client"]


def login(client: FlaskClient, user: Any) -> FlaskClient:
    with client.session_transaction() as sess:
        sess["_user_id"] = user.get_id()
        sess["_fresh"] = True
    return client


def text(response: Any) -> str:
    return response.get_data(as_text=True)


def field_error(page: str, field_id: str) -> str | None:
    """The error text rendered beside a field (``<p class="field-error" id="<id>-error">``)."""
    match = re.search(
        rf'<p class="field-error" id="{re.escape(field_id)}-error">(.*?)</p>', page, re.S
    )
    if match is None:
        return None
    inner = re.sub(r"<[^>]+>", "", match.group(1))
    return html_lib.unescape(" ".join(inner.split())).removeprefix("Erro: ").strip()


def tag(page: str, *, id: str | None = None, name: str | None = None) -> str | None:  # noqa: A002
    """The first start tag with this id or name attribute."""
    attr = f'id="{re.escape(id)}"' if id is not None else f'name="{re.escape(name or "")}"'
    match = re.search(rf"<(?:input|textarea|select|fieldset)\b[^>]*\b{attr}[^>]*>", page)
    return match.group(0) if match else None


def attr(start_tag: str | None, name: str) -> str | None:
    if start_tag is None:
        return None
    match = re.search(rf'\b{re.escape(name)}="([^"]*)"', start_tag)
    return html_lib.unescape(match.group(1)) if match else None


def html_element(page: str) -> str:
    match = re.search(r"<html\b[^>]*>", page)
    assert match, "no <html> element"
    return match.group(0)


def html_classes(page: str) -> set[str]:
    return set((attr(html_element(page), "class") or "").split())


def flashes(page: str) -> list[str]:
    return [html_lib.unescape(" ".join(m.split()))
            for m in re.findall(r'<p class="flash flash--\w+"[^>]*>(.*?)</p>', page, re.S)]


def conference_form(**overrides: Any) -> dict[str, Any]:
    """A valid ConferenceForm submission (times are local, in the conference's timezone)."""
    data = {
        "slug": "viii-conferencia-2019", "title": "VIII Conferência Municipal de Assistência Social",
        "edition": "8", "sphere": "municipal", "municipio": "Alvares Florence", "uf": "SP",
        "ibge_code": "3501103", "porte": "pequeno_i", "theme": "Assistência Social: direito do povo",
        "description": "Um espaço de mobilização.", "venue": "CRAS",
        "starts_at": "2019-09-26T12:30", "ends_at": "2019-09-26T17:30", "timezone": "America/Sao_Paulo",
    }
    data.update(overrides)
    return data

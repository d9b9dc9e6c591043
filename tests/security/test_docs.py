"""docs/security.md names, for each threat, the tests that prove the defence: every test it
names must exist, so that the document cannot drift from the suite."""

from __future__ import annotations

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
DOC = ROOT / "docs" / "security.md"


def functions_in(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return {node.name for node in ast.walk(tree) if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
            and node.name.startswith("test_")}


def test_every_test_named_in_docs_security_exists():
    text = DOC.read_text(encoding="utf-8")
    named: list[tuple[str, str]] = []
    current = None
    for match in re.finditer(r"(tests/[\w/]+\.py)?::(test_\w+)", text):
        current = match.group(1) or current
        assert current, f"{match.group(0)} names no file"
        named.append((current, match.group(2)))
    assert len(named) > 80
    missing = []
    cache: dict[str, set[str]] = {}
    for path, name in named:
        if path not in cache:
            file = ROOT / path
            cache[path] = functions_in(file) if file.exists() else set()
        if name not in cache[path]:
            missing.append(f"{path}::{name}")
    assert not missing, "docs/security.md names tests that do not exist:\n" + "\n".join(missing)


def test_the_matrix_size_in_the_document_is_current(app):
    from tests.security.access_table import ROWS
    from tests.security.world import ACTORS

    endpoints = len({r.endpoint for r in ROWS})
    pairs = sum(len(r.methods) for r in ROWS if not r.label)
    variants = sum(len(r.methods) for r in ROWS if r.label) * len(ACTORS)
    text = DOC.read_text(encoding="utf-8")
    assert f"every endpoint of the URL map ({endpoints})" in text
    assert f"{pairs} endpoint-methods, {pairs * len(ACTORS)} cells, plus {variants} cells of variants" in text

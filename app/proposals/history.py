"""The readable history of a proposal: word-level differences between versions.

Pure functions over plain values (no session, no Flask), unit-tested with tables.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from typing import Any

TOKEN = re.compile(r"\s+|[^\s]+")


@dataclass(frozen=True)
class DiffPart:
    op: str  # "equal", "insert" or "delete"
    text: str


def word_diff(old: str, new: str) -> list[DiffPart]:
    """Differences word by word (whitespace kept), adjacent parts of the same kind merged."""
    a, b = TOKEN.findall(old or ""), TOKEN.findall(new or "")
    parts: list[DiffPart] = []

    def push(op: str, tokens: list[str]) -> None:
        text = "".join(tokens)
        if not text:
            return
        if parts and parts[-1].op == op:
            parts[-1] = DiffPart(op, parts[-1].text + text)
        else:
            parts.append(DiffPart(op, text))

    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(a=a, b=b, autojunk=False).get_opcodes():
        if tag == "equal":
            push("equal", a[i1:i2])
        else:
            push("delete", a[i1:i2])
            push("insert", b[j1:j2])
    return parts


@dataclass(frozen=True)
class HistoryEntry:
    number: int
    kind: str
    at: Any
    by: str | None
    note: str | None
    changes: dict[str, list[DiffPart]]


FIELDS = ("title", "body", "justification", "final_wording")
# Versions the author makes: they name the author's participation, so that a purged one reads
# "Participante removido" (the purge unlinks the editor's account) instead of passing for the
# secretariat. Other versions name the secretary who made them.
AUTHOR_VERSION_KINDS = ("created", "edited", "withdrawn")


def editor_name(kind: str, author_name: str | None, editor_name_: str | None, secretariat: str) -> str:
    """Who made a version, as people read it."""
    if kind in AUTHOR_VERSION_KINDS and author_name is not None:
        return author_name
    return editor_name_ or secretariat


def build_history(versions: list[dict[str, Any]]) -> list[HistoryEntry]:
    """From versions (dicts with number, kind, at, by, note and the texts), oldest first,
    to entries with the fields that changed since the previous version and their diffs."""
    entries: list[HistoryEntry] = []
    previous: dict[str, Any] | None = None
    for version in versions:
        changes: dict[str, list[DiffPart]] = {}
        if previous is not None:
            for name in FIELDS:
                before, after = previous.get(name) or "", version.get(name) or ""
                if before != after:
                    changes[name] = word_diff(before, after)
        entries.append(HistoryEntry(version["number"], version["kind"], version["at"], version.get("by"),
                                    version.get("note"), changes))
        previous = version
    return entries

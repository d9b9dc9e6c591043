"""Text helpers shared by the areas: accent folding for portable search, LIKE escaping."""

from __future__ import annotations

import unicodedata


def fold(text: str | None) -> str:
    """Lower case without accents: "Usuário" and "usuario" compare equal."""
    decomposed = unicodedata.normalize("NFKD", (text or "").strip().lower())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def like_pattern(text: str) -> str:
    """A LIKE pattern matching ``text`` anywhere, with % and _ taken literally (escape '\\')."""
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"

"""The one sanitiser: every piece of user text shown as HTML goes through here.

User text is stored exactly as typed. On display it is parsed as a small Markdown
subset (paragraphs, bold, italics, lists, links) with raw HTML disabled, and the result
is cleaned by bleach against one allow-list. Links get rel="nofollow noopener" and only
http, https and mailto survive. This module is the only place that imports bleach, so
the library can be swapped (bleach is in maintenance mode) without touching callers.
"""

from __future__ import annotations

from functools import lru_cache

import bleach
from bleach.linkifier import LinkifyFilter
from markdown_it import MarkdownIt
from markupsafe import Markup

ALLOWED_TAGS = frozenset({"p", "br", "strong", "em", "ul", "ol", "li", "a"})
ALLOWED_ATTRIBUTES = {"a": ["href", "title", "rel"]}
ALLOWED_PROTOCOLS = frozenset({"http", "https", "mailto"})

_markdown = (
    MarkdownIt("zero", {"html": False, "linkify": False, "breaks": True, "typographer": False})
    .enable(["emphasis", "list", "link", "newline", "paragraph"])
)


def _set_rel(attrs: dict, new: bool = False) -> dict:
    href_key = (None, "href")
    if href_key in attrs:
        attrs[(None, "rel")] = "nofollow noopener"
    return attrs


_cleaner = bleach.Cleaner(
    tags=ALLOWED_TAGS,
    attributes=ALLOWED_ATTRIBUTES,
    protocols=ALLOWED_PROTOCOLS,
    strip=True,
    strip_comments=True,
    filters=[lambda source: LinkifyFilter(source, callbacks=[_set_rel], parse_email=False)],
)


def clean_html(html: str) -> str:
    """Reduce arbitrary HTML to the allow-list (also used on Markdown output)."""
    return _cleaner.clean(html)


@lru_cache(maxsize=8192)
def render_markdown(text: str) -> Markup:
    """User Markdown (subset) → safe HTML, ready for a template."""
    if not text:
        return Markup("")
    html = _markdown.render(text)
    return Markup(clean_html(html).strip())  # noqa: S704 - cleaned by the allow-list above  # nosec B704


def render_plain(text: str) -> Markup:
    """Plain user text with line breaks kept, everything escaped."""
    escaped = Markup.escape(text or "")
    return Markup("<br>\n").join(escaped.split("\n"))

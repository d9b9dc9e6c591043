"""The XSS corpus: every vector goes through proposal titles, bodies, justifications, final
wordings, comments, moderation reasons and re-rendered forms, and no executable markup
may survive in the pages (parsed the way a browser parses them, with tinyhtml5)."""

from __future__ import annotations

import re
from collections import Counter

import pytest
import tinyhtml5

from app.conferences.phases import Phase
from app.db import utcnow
from app.proposals.constants import ProposalState, Stance
from app.proposals.models import CommentReport
from tests.views.helpers import login, text
from tests.views.proposals.xss_vectors import VECTORS

# Tags the sanitiser may produce from user text; anything else must come from our templates.
ALLOWED_FROM_USER = {"p", "br", "strong", "em", "ul", "ol", "li", "a"}
URL_ATTRIBUTES = {"href", "src", "action", "formaction", "data", "background", "poster", "dynsrc", "lowsrc",
                  "codebase", "cite", "longdesc", "usemap", "profile", "icon", "manifest", "srcset"}
BAD_SCHEMES = ("javascript:", "vbscript:", "data:", "livescript:", "mocha:")
ALLOWED_SCHEMES = ("http://", "https://", "mailto:")
SAFE_TEXT = "Texto comum sem marcação"


def test_the_corpus_is_big_enough():
    assert len(VECTORS) >= 80
    assert len(set(VECTORS)) == len(VECTORS)


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1].lower() if isinstance(tag, str) else ""


def _elements(page: str):  # type: ignore[no-untyped-def]
    return [el for el in tinyhtml5.parse(page).iter() if isinstance(el.tag, str)]


def _normalised(value: str) -> str:
    return re.sub(r"[\x00-\x20\x7f]+", "", value).lower()


VARYING = re.compile(r'name="csrf_token" value="[^"]*"|/conferencias/[^"&\s]*|%2Fconferencias%2F[^"&\s]*')


def split_chrome(page: str) -> tuple[str, str]:
    """The page without the site header and footer (template-only, no user text), and those parts.

    Parsing is the slow part of this test; the chrome is compared as text with the baseline's
    instead, so nothing from user text can hide there.
    """
    header_start = page.index('<header class="site-header">')
    main_start = page.index('<main id="conteudo"')
    main_end = page.rindex("</main>") + len("</main>")
    chrome = page[header_start:main_start] + page[main_end:]
    return page[:header_start] + page[main_start:main_end] + "</body></html>", VARYING.sub("", chrome)


def _tag_counts(elements) -> Counter:  # type: ignore[no-untyped-def]
    return Counter(_local(el.tag) for el in elements)


_PARSED_BASELINES: dict[str, tuple[Counter, str]] = {}


def check_page(page: str, baseline: str, where: str) -> None:
    """No element outside the allow-list beyond those of the same page with harmless text,
    no event handler, no inline style, no script-bearing URL."""
    if baseline not in _PARSED_BASELINES:
        kept, chrome = split_chrome(baseline)
        _PARSED_BASELINES[baseline] = (_tag_counts(_elements(kept)), chrome)
    base_counts, base_chrome = _PARSED_BASELINES[baseline]
    kept, chrome = split_chrome(page)
    assert chrome == base_chrome, f"{where}: the site header or footer changed"
    elements = _elements(kept)
    extra = {tag: n - base_counts.get(tag, 0) for tag, n in _tag_counts(elements).items()
             if tag not in ALLOWED_FROM_USER and n > base_counts.get(tag, 0)}
    assert not extra, f"{where}: elements from user text: {extra}"
    for el in elements:
        tag = _local(el.tag)
        for raw_name, value in el.attrib.items():
            name = _local(raw_name)
            assert not name.startswith("on"), f"{where}: <{tag} {name}=…>"
            assert name not in ("style", "srcdoc", "formaction"), f"{where}: <{tag} {name}=…>"
            if name in URL_ATTRIBUTES:
                url = _normalised(value)
                assert not url.startswith(BAD_SCHEMES), f"{where}: <{tag} {name}={value!r}>"
                if tag == "a" and ":" in url.split("/", 1)[0]:
                    assert url.startswith(ALLOWED_SCHEMES), f"{where}: <a href={value!r}>"
    scripts = [el for el in elements if _local(el.tag) == "script"]
    assert all(el.get("src", "").startswith("/static/") and not (el.text or "").strip() for el in scripts), where


def _seed(pm, world, body: str, title: str, comment_body: str, reason: str):  # type: ignore[no-untyped-def]
    """A proposal whose every user-written text is the vector, with a small debate."""
    p = pm.proposal(world.conference, world.author, title=title[:200], body=body, justification=body)
    p.final_wording = body
    p.withdrawn_reason = None
    root = pm.comment(p, world.other, comment_body, stance=Stance.CONTRA)
    pm.comment(p, world.author, comment_body, parent=root)
    pm.comment(p, world.other, comment_body, hidden_at=utcnow(), hidden_reason=reason[:500],
               hidden_by_id=world.secretary_user.id)
    gone = pm.proposal(world.conference, world.author, title=title[:200], body=body,
                       state=ProposalState.WITHDRAWN)
    gone.withdrawn_reason = reason[:500]
    pm.session.add(CommentReport(comment_id=root.id, reporter_id=world.author_user.id, reason=reason[:500],
                                 created_at=utcnow()))
    return p, root, gone


def _pages(client, world, p, root, gone):  # type: ignore[no-untyped-def]
    base = f"/conferencias/{world.slug}/propostas"
    login(client, world.secretary_user)
    yield "list", client.get(f"{base}/")
    yield "detail (secretary)", client.get(f"{base}/{p.code}")
    yield "withdrawn", client.get(f"{base}/{gone.code}")
    yield "history", client.get(f"{base}/{p.code}/historico")
    yield "systematize form", client.get(f"{base}/{p.code}/editar")
    yield "hide form", client.get(f"{base}/{p.code}/comentarios/{root.id}/ocultar")
    yield "moderation", client.get(f"/conferencias/{world.slug}/gestao/moderacao/")
    login(client, world.other_user)
    yield "comment edit form", client.get(f"{base}/{p.code}/comentarios/{root.id}/editar")


def _render_all(client, world, pm, vector: str) -> list[tuple[str, str]]:  # type: ignore[no-untyped-def]
    p, root, gone = _seed(pm, world, vector, vector, vector, vector)
    pages = []
    for where, response in _pages(client, world, p, root, gone):
        assert response.status_code == 200, where
        pages.append((where, text(response)))
    return pages


_BASELINE: dict[str, str] = {}


@pytest.mark.parametrize("index", range(len(VECTORS)))
def test_vector_in_every_user_text(index, client, world, pm, make):
    if not _BASELINE:  # the same pages with harmless text: same shape, computed once per worker
        from tests.views.proposals.conftest import World

        _BASELINE.update(_render_all(client, World(make, world.conference.phase), pm, SAFE_TEXT))
    for where, page in _render_all(client, world, pm, VECTORS[index]):
        check_page(page, _BASELINE[where], f"vector {index} in {where}")


def _form_flow(client, world, value: str) -> list[tuple[str, str]]:  # type: ignore[no-untyped-def]
    """Submit a proposal and comment on it with ``value`` everywhere, errors first."""
    base = f"/conferencias/{world.slug}/propostas"
    pages = []
    login(client, world.author_user)
    response = client.post(f"{base}/nova", data={"title": value[:150], "body": "", "justification": value})
    assert response.status_code == 422
    pages.append(("submit form with errors", text(response)))
    response = client.post(f"{base}/nova", data={
        "eixo_id": str(world.conference.eixos[0].id), "sphere": "municipal", "title": value[:150] + " título",
        "body": value, "justification": value})
    assert response.status_code == 302, text(response)
    code = response.headers["Location"].rsplit("/", 1)[-1]
    response = client.post(f"{base}/{code}/comentarios/", data={"body": (value + " ") * 400})
    assert response.status_code == 422
    pages.append(("comment form with errors", text(response)))
    assert client.post(f"{base}/{code}/comentarios/", data={"body": value}).status_code == 302
    login(client, world.other_user)
    pages.append(("proposal page", text(client.get(f"{base}/{code}"))))
    pages.append(("list", text(client.get(f"{base}/"))))
    return pages


_FORM_BASELINE: dict[str, str] = {}


@pytest.mark.parametrize("index", range(0, len(VECTORS), 5))
def test_vector_through_the_forms_and_their_error_pages(index, client, make):
    """Typed text comes back in re-rendered forms (422) and in what the services store."""
    from tests.views.proposals.conftest import World

    if not _FORM_BASELINE:
        _FORM_BASELINE.update(_form_flow(client, World(make, Phase.PROPOSALS), SAFE_TEXT))
    for where, page in _form_flow(client, World(make, Phase.PROPOSALS), VECTORS[index]):
        check_page(page, _FORM_BASELINE[where], f"vector {index} in {where}")

"""The in-process cache of pages that are the same for every anonymous reader."""

from __future__ import annotations

from app.votes.shared_pages import SharedPages, shared_page


def test_a_page_lives_until_it_expires():
    pages = SharedPages()
    pages.put("a", "página", expires=10.0)
    assert pages.get("a", now=9.9) == "página"
    assert pages.get("a", now=10.0) is None
    assert pages.get("a", now=5.0) is None  # an expired page is dropped, not kept


def test_the_least_recently_read_page_leaves_first():
    pages = SharedPages(capacity=2)
    pages.put("a", "A", expires=100)
    pages.put("b", "B", expires=100)
    assert pages.get("a", now=0) == "A"  # "b" is now the least recently used
    pages.put("c", "C", expires=100)
    assert (pages.get("a", 0), pages.get("b", 0), pages.get("c", 0)) == ("A", None, "C")


def test_shared_page_renders_once_per_period_and_not_at_all_when_off(app, monkeypatch):
    calls = []

    def render() -> str:
        calls.append(1)
        return f"versão {len(calls)}"

    clock = iter([0.0, 0.0, 30.0, 61.0, 61.0]).__next__
    with app.app_context():
        monkeypatch.setitem(app.config, "RESULTS_CACHE_SECONDS", 60)
        monkeypatch.setitem(app.extensions, "plenaria.shared_pages", SharedPages())
        assert shared_page("k", render, clock=clock) == "versão 1"  # miss at 0, stored until 60
        assert shared_page("k", render, clock=clock) == "versão 1"  # hit at 30
        assert shared_page("k", render, clock=clock) == "versão 2"  # expired at 61, rendered again
        monkeypatch.setitem(app.config, "RESULTS_CACHE_SECONDS", 0)
        assert shared_page("k", render) == "versão 3"
        assert shared_page("k", render) == "versão 4"

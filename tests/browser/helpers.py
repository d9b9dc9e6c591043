"""Helpers for the browser journeys: the axe scan, keyboard moves, logging in, translations."""

from __future__ import annotations

import json
import os
import re
import time
import uuid
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from axe_playwright_python.sync_playwright import Axe
from babel.support import Translations

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-artifacts"
SCREENSHOTS = ARTIFACTS / "screenshots"
A11Y_REPORTS = ARTIFACTS / "a11y"
DEMO_PASSWORD = "plenaria2019"
SECRETARY = "secretaria@demo.plenaria.org.br"
BLOCKING_IMPACTS = ("serious", "critical")
RUN_ID = os.environ.get("PYTEST_XDIST_TESTRUNUID") or uuid.uuid4().hex


def demo_email(login: str) -> str:
    return f"{login}@demo.plenaria.org.br"


# ---- translations: what the English pages say, whatever the state of the catalogue ----------

@cache
def _catalogue(lang: str) -> Translations | None:
    if lang == "pt_BR":
        return None
    return Translations.load(str(ROOT / "app" / "translations"), [lang])


def tr(lang: str, msgid: str) -> str:
    """The UI string as the app shows it in `lang` (the pt-BR msgid when not translated yet)."""
    catalogue = _catalogue(lang)
    return catalogue.gettext(msgid) if catalogue is not None else msgid


# ---- the accessibility scan --------------------------------------------------------------------

@dataclass
class Violation:
    rule: str
    impact: str
    help: str
    url: str
    lang: str
    step: str
    targets: list[str]

    def describe(self) -> str:
        where = ", ".join(self.targets[:5]) + (" …" if len(self.targets) > 5 else "")
        return f"  [{self.impact}] {self.rule}: {self.help}\n      página: {self.url} ({self.lang}; {self.step})\n      onde: {where}"


@dataclass
class ScanRecord:
    url: str
    page: str
    lang: str
    js: bool
    step: str
    test: str
    violations: list[dict[str, Any]] = field(default_factory=list)


def page_key(url: str) -> str:
    """A page (a route), not a state: slugs, numbers and codes generalised, query and fragment dropped."""
    path = urlsplit(url).path
    path = re.sub(r"^/conferencias/[^/]+", "/conferencias/<slug>", path)
    path = re.sub(r"/\d+(?=/|$)", "/<n>", path)
    path = re.sub(r"/E\d+-[MEF]-\d+(?=/|$)", "/<codigo>", path)
    path = re.sub(r"/comprovante/[^/]+", "/comprovante/<recibo>", path)
    path = re.sub(r"/v\d+(?=$|/|\.)", "/v<n>", path)
    return path


def _strip_scripts(html: str) -> str:
    return re.sub(r"<script\b[^>]*>.*?</script\s*>", "", html, flags=re.DOTALL | re.IGNORECASE)


class A11yScanner:
    """Runs axe (the copy inside axe-playwright-python, offline) and keeps a record of every scan.

    A page of a context with JavaScript disabled cannot run axe; its HTML, without scripts, is
    scanned in a mirror page with JavaScript on, at the same address (so its CSS loads)."""

    def __init__(self, browser: Any) -> None:
        self.browser = browser
        self.axe = Axe()
        self.contexts: dict[int, tuple[str, bool]] = {}
        self._mirror: Any = None
        self.records: list[ScanRecord] = []
        RECORDS.append(self.records)

    def register(self, context: Any, *, lang: str, js: bool) -> None:
        self.contexts[id(context)] = (lang, js)

    def _mirror_page(self) -> Any:
        if self._mirror is None:
            self._mirror = self.browser.new_context().new_page()
        return self._mirror

    def _run_axe(self, page: Any, js: bool) -> dict[str, Any]:
        if js:
            return self.axe.run(page).response
        html = _strip_scripts(page.content())
        mirror = self._mirror_page()
        url = page.url

        def serve(route: Any) -> None:
            route.fulfill(status=200, content_type="text/html; charset=utf-8", body=html)

        mirror.route(url, serve)
        try:
            mirror.goto(url)
            return self.axe.run(mirror).response
        finally:
            mirror.unroute(url, serve)

    def check(self, page: Any, *, step: str = "", test: str = "") -> None:
        page.wait_for_load_state("load")
        lang, js = self.contexts.get(id(page.context), ("pt_BR", True))
        response = self._run_axe(page, js)
        url = page.url
        found = [
            Violation(rule=v["id"], impact=v.get("impact") or "minor", help=v.get("help", ""), url=url, lang=lang,
                      step=step, targets=[" ".join(map(str, n.get("target", []))) for n in v.get("nodes", [])])
            for v in response.get("violations", [])
        ]
        self.records.append(ScanRecord(
            url=url, page=page_key(url), lang=lang, js=js, step=step, test=test,
            violations=[{"rule": v.rule, "impact": v.impact, "targets": v.targets} for v in found]))
        blocking = [v for v in found if v.impact in BLOCKING_IMPACTS]
        assert not blocking, "axe encontrou violações graves (serious/critical):\n" + "\n".join(
            v.describe() for v in blocking)

    def close(self) -> None:
        if self._mirror is not None:
            self._mirror.context.close()
            self._mirror = None


RECORDS: list[list[ScanRecord]] = []


def write_report(worker: str) -> None:
    records = [r for group in RECORDS for r in group]
    if not records:
        return
    A11Y_REPORTS.mkdir(parents=True, exist_ok=True)
    for old in A11Y_REPORTS.glob("scan-*.json"):  # reports of earlier runs
        try:
            if json.loads(old.read_text(encoding="utf-8")).get("run") != RUN_ID:
                old.unlink()
        except (OSError, ValueError):
            continue
    data = {"run": RUN_ID, "worker": worker, "finished": time.time(),
            "records": [r.__dict__ for r in records]}
    (A11Y_REPORTS / f"scan-{worker}.json").write_text(json.dumps(data, ensure_ascii=False, indent=1),
                                                      encoding="utf-8")


def merge_reports() -> dict[str, Any] | None:
    files = []
    for path in A11Y_REPORTS.glob("scan-*.json"):
        try:
            files.append(json.loads(path.read_text(encoding="utf-8")))
        except (OSError, ValueError):
            continue
    if not files:
        return None
    latest = max(files, key=lambda f: f["finished"])["run"]
    records = [r for f in files if f["run"] == latest for r in f["records"]]
    summary: dict[str, Any] = {"scans": len(records), "pages": {}, "violations": {}}
    for lang in sorted({r["lang"] for r in records}):
        summary["pages"][lang] = sorted({r["page"] for r in records if r["lang"] == lang})
    for record in records:
        for v in record["violations"]:
            entry = summary["violations"].setdefault(v["rule"], {"impact": v["impact"], "scans": 0, "pages": set()})
            entry["scans"] += 1
            entry["pages"].add(record["page"])
    summary["all_pages"] = sorted({r["page"] for r in records})
    summary["urls"] = len({urlsplit(r["url"]).path for r in records})
    summary["by_lang"] = {lang: sum(1 for r in records if r["lang"] == lang) for lang in summary["pages"]}
    summary["without_js"] = sum(1 for r in records if not r["js"])
    (A11Y_REPORTS / "summary.json").write_text(json.dumps(
        {**summary, "violations": {k: {**v, "pages": sorted(v["pages"])} for k, v in summary["violations"].items()}},
        ensure_ascii=False, indent=1), encoding="utf-8")
    return summary


def summary_lines(summary: dict[str, Any]) -> list[str]:
    lines = [f"{summary['scans']} varreduras do axe ("
             + ", ".join(f"{lang}: {n}" for lang, n in summary["by_lang"].items())
             + f"; sem JavaScript: {summary['without_js']}) em {summary['urls']} endereços, "
             f"{len(summary['all_pages'])} páginas distintas ("
             + ", ".join(f"{lang}: {len(pages)}" for lang, pages in summary["pages"].items()) + ")"]
    if not summary["violations"]:
        lines.append("nenhuma violação, de nenhum impacto")
    for rule, entry in sorted(summary["violations"].items()):
        lines.append(f"{entry['impact']:>9} {rule}: {entry['scans']} varreduras, páginas: {', '.join(sorted(entry['pages']))}")
    return lines


# ---- focus and keyboard ------------------------------------------------------------------------

FOCUS_STATE_JS = """() => {
  const e = document.activeElement;
  if (!e || e === document.body || e === document.documentElement) return null;
  const s = getComputedStyle(e);
  const label = (e.getAttribute('aria-label') || e.innerText || e.value || e.getAttribute('name') || '')
    .trim().replace(/\\s+/g, ' ').slice(0, 80);
  return {
    tag: e.tagName.toLowerCase(), id: e.id, type: e.getAttribute('type') || '', label: label,
    href: e.getAttribute('href') || '', name: e.getAttribute('name') || '', value: e.value || '',
    checked: !!e.checked, inMain: !!e.closest('main'), form: e.form ? (e.form.getAttribute('action') || '') : null,
    outline: s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) > 0,
    shadow: s.boxShadow !== 'none',
    focusVisible: e.matches(':focus-visible'),
  };
}"""


def focused(page: Any) -> dict[str, Any] | None:
    return page.evaluate(FOCUS_STATE_JS)


def assert_focus_visible(page: Any, where: str = "") -> dict[str, Any]:
    state = focused(page)
    assert state is not None, f"nenhum elemento com foco {where}"
    assert state["outline"] or state["shadow"], f"foco invisível em {state} {where} ({page.url})"
    return state


def tab(page: Any, *, shift: bool = False) -> dict[str, Any]:
    page.keyboard.press("Shift+Tab" if shift else "Tab")
    return assert_focus_visible(page)


def tab_to(page: Any, matches: Any, *, shift: bool = False, limit: int = 250) -> dict[str, Any]:
    """Press Tab (or Shift+Tab) until the focused element satisfies `matches`, checking that the
    focus is visible at every stop. Fails if the element is never reached."""
    seen = []
    for _ in range(limit):
        page.keyboard.press("Shift+Tab" if shift else "Tab")
        state = focused(page)
        if state is None:  # passing through the document between the last and the first element
            continue
        assert state["outline"] or state["shadow"], f"foco invisível em {state} ({page.url})"
        seen.append(state)
        if matches(state):
            return state
    raise AssertionError(f"não alcancei o controle pelo teclado em {page.url}; passei por: "
                         + "; ".join(f"{s['tag']}#{s['id']} {s['label'][:30]!r}" for s in seen[-40:]))


def focus_within(page: Any, selector: str) -> bool:
    return bool(page.evaluate("s => !!(document.activeElement && document.activeElement.closest(s))", selector))


def assert_no_keyboard_trap(page: Any, *, shift: bool = False, limit: int = 400) -> int:
    """From a freshly loaded page's first tab stop (its last with Shift+Tab), the keyboard goes
    through every stop, each with a visible focus, and comes back to where it started: the
    keyboard is never stuck. Returns the number of stops."""
    first = tab(page, shift=shift)
    page.evaluate("() => document.activeElement.setAttribute('data-first-stop', '')")
    stops = 1
    try:
        for _ in range(limit):
            page.keyboard.press("Shift+Tab" if shift else "Tab")
            state = focused(page)
            if state is None:
                continue
            assert state["outline"] or state["shadow"], f"foco invisível em {state} ({page.url})"
            if page.evaluate("() => document.activeElement.hasAttribute('data-first-stop')"):
                return stops
            stops += 1
        raise AssertionError(f"o foco não voltou a {first} depois de {limit} teclas em {page.url}")
    finally:
        page.evaluate("() => document.querySelectorAll('[data-first-stop]').forEach(e => e.removeAttribute('data-first-stop'))")


def press_access_key(page: Any, key: str) -> None:
    """Alt+key, the eMAG access key, as the keyboard sends it.

    Chromium triggers accesskey on the character event of Alt+key; Playwright's
    keyboard.press('Alt+1') sends no character event while Alt is held, so the key goes
    through the DevTools input API (a real key event, not a script)."""
    cdp = page.context.new_cdp_session(page)
    try:
        code = f"Digit{key}" if key.isdigit() else f"Key{key.upper()}"
        event = {"modifiers": 1, "key": key, "code": code, "windowsVirtualKeyCode": ord(key.upper())}
        cdp.send("Input.dispatchKeyEvent", {**event, "type": "rawKeyDown", "unmodifiedText": key, "text": ""})
        cdp.send("Input.dispatchKeyEvent", {**event, "type": "char", "unmodifiedText": key, "text": key})
        cdp.send("Input.dispatchKeyEvent", {**event, "type": "keyUp"})
    finally:
        cdp.detach()


# ---- common steps --------------------------------------------------------------------------------

def login(page: Any, email: str, a11y: Any | None = None, *, password: str = DEMO_PASSWORD) -> None:
    page.goto("/entrar")
    if a11y:
        a11y(page, "login")
    page.fill("#email", email)
    page.fill("#password", password)
    page.locator("main form.stack button[type=submit]").click()
    page.wait_for_load_state("load")
    assert page.locator("form[action$='/sair']").count() == 1, f"login de {email} falhou: {page.url}"


def flash_text(page: Any) -> str:
    return " ".join(page.locator(".flashes .flash").all_inner_texts())


def screenshot(page: Any, name: str) -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def no_horizontal_scroll(page: Any) -> tuple[int, int]:
    return page.evaluate("() => [document.documentElement.scrollWidth, window.innerWidth]")

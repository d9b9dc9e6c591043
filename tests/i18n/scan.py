"""What the i18n tests look at: the English catalogue, a fresh extraction of the source
(the Makefile's `pybabel extract`), the templates' literal text and the Python messages.

No database and no app: these helpers only read files.
"""

from __future__ import annotations

import ast
import functools
import inspect
import re
from collections import Counter
from collections.abc import Iterable, Iterator
from html.parser import HTMLParser
from pathlib import Path
from typing import NamedTuple

import wtforms.validators
from babel.messages.catalog import Catalog, Message
from babel.messages.frontend import CommandLineInterface
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[2]
APP = ROOT / "app"
EN_PO = APP / "translations" / "en" / "LC_MESSAGES" / "messages.po"
EN_MO = EN_PO.with_suffix(".mo")
BABEL_CFG = ROOT / "babel.cfg"
# The keywords of `make i18n-extract` (pybabel adds its defaults: _, gettext, ngettext…).
EXTRACT_KEYWORDS = ("_l", "lazy_gettext", "lazy_ngettext:1,2")

# A printf-style conversion: %(name)s, %d, %.1f, %% (the escape).
PLACEHOLDER = re.compile(r"%(?:\((?P<name>[^)]*)\))?[-#0 +]*(?:\d+|\*)?(?:\.\d+)?(?P<conv>[diouxXeEfFgGcrsa%])")


def read_catalogue(path: Path = EN_PO) -> Catalog:
    with path.open("rb") as handle:
        return read_po(handle)


def forms(value: str | tuple[str, ...] | list[str]) -> tuple[str, ...]:
    return tuple(value) if isinstance(value, (list, tuple)) else (value,)


def msgid_label(message: Message) -> str:
    return " | ".join(forms(message.id))


def placeholders(text: str) -> Counter[tuple[str | None, str]]:
    """The conversions of a string, as (name, conversion); %% counts as ("%", "%")."""
    return Counter(("%" if m["conv"] == "%" else m["name"], m["conv"]) for m in PLACEHOLDER.finditer(text))


def has_stray_percent(text: str) -> bool:
    """A % that is not a valid conversion would raise when the string is formatted."""
    return "%" in PLACEHOLDER.sub("", text)


def translation_problems(catalogue: Catalog) -> list[str]:
    """Untranslated (any plural form), fuzzy, or placeholders that differ from the msgid."""
    problems = []
    for message in catalogue:
        if not message.id:
            continue
        label = msgid_label(message)
        strings = forms(message.string) if message.string else ()
        if message.fuzzy:
            problems.append(f"fuzzy: {label!r}")
        if message.pluralizable:
            expected = catalogue.num_plurals
            if len(strings) != expected or not all(strings):
                problems.append(f"untranslated plural ({expected} forms needed): {label!r}")
                continue
        elif not (strings and strings[0]):
            problems.append(f"untranslated: {label!r}")
            continue
        source = [placeholders(s) for s in forms(message.id)]
        target = [placeholders(s) for s in strings]
        formatted = any(source)
        if not message.pluralizable:
            if source[0] != target[0]:
                problems.append(f"placeholders {sorted(target[0])} != {sorted(source[0])} in {label!r}")
        else:
            # A plural form may leave out %(num)d ("Select the filtered proposal") but never
            # bring a name the msgid does not pass, and together the forms use all of them.
            allowed = set().union(*source)
            used = set().union(*target)
            if not used <= allowed or used != allowed:
                problems.append(f"plural placeholders {sorted(used)} != {sorted(allowed)} in {label!r}")
        if formatted and any(has_stray_percent(s) for s in strings):
            problems.append(f"a lone % (write %%) in the translation of {label!r}")
    return problems


def extract_source(output: Path) -> Catalog:
    """`make i18n-extract` into `output`: the same pybabel command, run in this process."""
    argv = ["pybabel", "-q", "extract", "-F", str(BABEL_CFG)]
    for keyword in EXTRACT_KEYWORDS:
        argv += ["-k", keyword]
    argv += ["-o", str(output), str(ROOT)]
    CommandLineInterface().run(argv)
    return read_catalogue(output)


def missing_and_obsolete(source: Catalog, catalogue: Catalog) -> tuple[list[str], list[str]]:
    """Source msgids the catalogue lacks (or has with other plurals), and catalogue msgids
    no longer in the source (not an error: `pybabel update` marks them obsolete)."""
    def keys(cat: Catalog) -> set[tuple[str, ...]]:
        return {forms(m.id) for m in cat if m.id}

    ours, theirs = keys(source), keys(catalogue)
    singular = {k[0]: k for k in theirs}
    missing = []
    for key in sorted(ours - theirs):
        where = source[key[0]].locations[:1]
        at = f" ({Path(where[0][0]).resolve().relative_to(ROOT)}:{where[0][1]})" if where else ""
        other = singular.get(key[0])
        hint = f" (the catalogue has it as {other!r})" if other else ""
        missing.append(f"{' | '.join(key)!r}{at}{hint}")
    return missing, sorted(" | ".join(k) for k in theirs - ours)


# --- Templates -------------------------------------------------------------------------

# {% trans %}…{% endtrans %} first (marked text inside), then comments, statements, expressions.
JINJA = re.compile(r"\{%-?\s*trans\b.*?\{%-?\s*endtrans\s*-?%\}|\{#.*?#\}|\{%.*?%\}|\{\{.*?\}\}", re.DOTALL)
TEXT_ATTRIBUTES = {"alt", "title", "aria-label", "aria-description", "aria-roledescription", "aria-valuetext",
                   "placeholder"}
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param", "source", "track", "wbr"}
RAW = {"script", "style"}


class Finding(NamedTuple):
    path: str
    line: int
    what: str
    text: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.what}: {self.text!r}"


def strip_jinja(source: str) -> str:
    """Jinja comments, statements and expressions out; their newlines kept (line numbers)."""
    return JINJA.sub(lambda m: "\n" * m.group(0).count("\n"), source)


def has_letters(text: str) -> bool:
    return any(ch.isalpha() for ch in text)


class LiteralText(HTMLParser):
    """Text nodes and text attributes with letters, outside <script>/<style> and outside
    an element that names its own language (lang="…", except on <html>)."""

    def __init__(self, path: str) -> None:
        super().__init__(convert_charrefs=True)
        self.path = path
        self.stack: list[tuple[str, bool]] = []
        self.findings: list[Finding] = []

    def _in_own_language(self) -> bool:
        return any(has_lang for _, has_lang in self.stack)

    def _raw(self) -> bool:
        return any(tag in RAW for tag, _ in self.stack)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        own = "lang" in values and tag != "html"
        if not (own or self._in_own_language()):
            for name, value in attrs:
                visible = name in TEXT_ATTRIBUTES or (
                    tag == "input" and name == "value" and values.get("type") in ("submit", "button", "reset"))
                if visible and value and has_letters(value):
                    self.findings.append(Finding(self.path, self.getpos()[0], f"<{tag} {name}>", value))
        if tag not in VOID:
            self.stack.append((tag, own))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
        if tag not in VOID:
            self.stack.pop()

    def handle_endtag(self, tag: str) -> None:
        for index in range(len(self.stack) - 1, -1, -1):
            if self.stack[index][0] == tag:
                del self.stack[index:]
                return

    def handle_data(self, data: str) -> None:
        if has_letters(data) and not self._raw() and not self._in_own_language():
            self.findings.append(Finding(self.path, self.getpos()[0], "text", " ".join(data.split())))


def templates() -> list[Path]:
    return sorted(p for p in APP.rglob("*.html") if "templates" in p.relative_to(APP).parts)


def literal_text_in_template(path: Path) -> list[Finding]:
    parser = LiteralText(str(path.relative_to(ROOT)))
    parser.feed(strip_jinja(path.read_text(encoding="utf-8")))
    parser.close()
    return parser.findings


# --- Python ------------------------------------------------------------------------------

def python_files() -> list[Path]:
    return sorted(APP.rglob("*.py"))


def _name(func: ast.expr) -> str | None:
    if isinstance(func, ast.Name):
        return func.id
    if isinstance(func, ast.Attribute):
        return func.attr
    return None


def domain_errors(trees: Iterable[ast.Module], known: Iterable[str] = ("DomainError",)) -> frozenset[str]:
    """DomainError and every class that inherits from it in `trees`, however indirectly."""
    classes = [(node.name, {_name(base) for base in node.bases})
               for tree in trees for node in ast.walk(tree) if isinstance(node, ast.ClassDef)]
    names = set(known)
    while found := {name for name, bases in classes if bases & names and name not in names}:
        names |= found
    return frozenset(names)


def _message_position(cls: type) -> int | None:
    params = [p for p in inspect.signature(cls.__init__).parameters.values()
              if p.name != "self" and p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)]
    names = [p.name for p in params]
    return names.index("message") if "message" in names else None


# wtforms' own validators and errors: where each takes its message (DataRequired(message),
# Length(min, max, message)…). None: only message= counts.
VALIDATORS = {name: _message_position(obj) for name, obj in vars(wtforms.validators).items()
              if inspect.isclass(obj) and obj.__module__ == "wtforms.validators"}


Rules = dict[str, tuple[int | None, frozenset[str]]]


def message_rules(errors: Iterable[str]) -> Rules:
    """Callable name -> (positional index of the message, keywords that take UI text)."""
    rules: Rules = {
        "flash": (0, frozenset({"message"})),
        "abort_with": (1, frozenset({"message"})),
        "add_error": (1, frozenset({"message"})),
    }
    for name, position in VALIDATORS.items():
        rules[name] = (position, frozenset({"message"}))
    for name in errors:  # after the validators: app's ValidationError wins (same position)
        rules[name] = (0, frozenset({"message"}))
    return rules


def literal(node: ast.expr | None) -> str | None:
    """The literal text with letters that `node` would show, if it is a literal."""
    if node is None:
        return None
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value if has_letters(node.value) else None
    if isinstance(node, ast.JoinedStr):
        text = "".join(v.value for v in node.values if isinstance(v, ast.Constant) and isinstance(v.value, str))
        return f"f{text!r}" if has_letters(text) else None
    if isinstance(node, ast.BinOp) and isinstance(node.op, (ast.Add, ast.Mod)):
        return literal(node.left) or literal(node.right)
    if isinstance(node, ast.IfExp):
        return literal(node.body) or literal(node.orelse)
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "format":
        return literal(node.func.value)
    return None


@functools.cache
def app_trees() -> dict[Path, ast.Module]:
    return {path: ast.parse(path.read_text(encoding="utf-8"), filename=str(path)) for path in python_files()}


@functools.cache
def app_domain_errors() -> frozenset[str]:
    return domain_errors(app_trees().values())


def unmarked_in_tree(tree: ast.Module, where: str, rules: Rules) -> Iterator[Finding]:
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call) or (name := _name(node.func)) is None:
            continue
        if name in rules:
            position, keywords = rules[name]
        elif name.endswith("Field"):  # WTForms fields: Field(label, validators, filters, description…)
            position, keywords = 0, frozenset({"label", "description"})
        else:
            continue
        candidates = [kw.value for kw in node.keywords if kw.arg in keywords]
        if position is not None and len(node.args) > position and not isinstance(node.args[position], ast.Starred):
            candidates.append(node.args[position])
        for candidate in candidates:
            text = literal(candidate)
            if text is not None:
                yield Finding(where, candidate.lineno, f"{name}()", text)


def unmarked_python_messages() -> Iterator[Finding]:
    rules = message_rules(app_domain_errors())
    for path, tree in app_trees().items():
        yield from unmarked_in_tree(tree, str(path.relative_to(ROOT)), rules)

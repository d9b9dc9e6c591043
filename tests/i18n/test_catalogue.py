"""Both languages complete (issue 6, "Languages"): pt-BR is the source and the default,
English comes from app/translations/en. These tests need no database.

When one fails:
- untranslated or stale catalogue: `make i18n-update`, translate the new msgids in
  app/translations/en/LC_MESSAGES/messages.po, then `make translations`;
- unmarked text: wrap it in _() (templates, Python) or _l() (module-level constants).
"""

from __future__ import annotations

import ast
import datetime as dt

import flask_babel
import pytest
from babel.messages.catalog import Catalog
from babel.messages.mofile import read_mo

from app import create_app, templating
from config import TestConfig
from tests.i18n import scan


@pytest.fixture(scope="module")
def catalogue():
    return scan.read_catalogue()


# --- a. every msgid translated, nothing fuzzy, same placeholders -------------------------

def test_every_msgid_has_an_english_translation_with_the_same_placeholders(catalogue):
    assert catalogue.locale_identifier == "en"
    problems = scan.translation_problems(catalogue)
    assert not problems, f"{len(problems)} problem(s) in {scan.EN_PO.relative_to(scan.ROOT)}:\n" + "\n".join(problems)


def test_the_catalogue_itself_is_not_marked_fuzzy(catalogue):
    assert not catalogue.fuzzy, "the header of the en catalogue is marked fuzzy: remove the flag"


def test_compiled_catalogue_matches_the_po(catalogue):
    """The app reads the .mo (built by `make translations`, not in git): a stale one shows
    Portuguese on English pages although the .po is complete."""
    if not scan.EN_MO.exists():
        pytest.fail(f"{scan.EN_MO.relative_to(scan.ROOT)} is missing: run `make translations`")
    with scan.EN_MO.open("rb") as handle:
        compiled = {scan.forms(m.id): scan.forms(m.string) for m in read_mo(handle) if m.id}
    source = {scan.forms(m.id): scan.forms(m.string) for m in catalogue if m.id}
    assert compiled == source, "messages.mo is older than messages.po: run `make translations`"


@pytest.mark.parametrize("msgid, msgstr, problem", [
    ("Salvar", "", "untranslated"),
    ("Olá, %(name)s", "Hello, %(nome)s", "placeholders"),
    ("Olá, %(name)s", "Hello, %(name)d", "placeholders"),
    ("Tamanho: %(size)s%%", "Size: %(size)s%", "placeholders"),
    (("%(num)d voto", "%(num)d votos"), ("%(num)d vote", ""), "untranslated plural"),
    (("%(num)d voto", "%(num)d votos"), ("one vote", "many votes"), "plural placeholders"),
])
def test_translation_problems_are_found(msgid, msgstr, problem):
    sample = Catalog(locale="en")
    sample.add(msgid, msgstr)
    found = scan.translation_problems(sample)
    assert found and found[0].startswith(problem), found


def test_a_plural_form_may_leave_out_the_number():
    sample = Catalog(locale="en")
    sample.add(("Selecionar a proposta filtrada", "Selecionar todas as %(num)d filtradas"),
               ("Select the filtered proposal", "Select all %(num)d filtered proposals"))
    assert scan.translation_problems(sample) == []


# --- b. the catalogue has every msgid of the source (extract again and compare) -----------

def test_catalogue_has_every_msgid_of_the_source(catalogue, tmp_path):
    source = scan.extract_source(tmp_path / "messages.pot")
    assert len([m for m in source if m.id]) > 500, "the extraction found almost nothing: check babel.cfg"
    missing, obsolete = scan.missing_and_obsolete(source, catalogue)
    if obsolete:  # `pybabel update` marks them #~ ; reported, not an error
        print(f"{len(obsolete)} msgid(s) in the catalogue no longer in the source:", *obsolete, sep="\n  ")
    assert not missing, (
        f"{len(missing)} msgid(s) of the source are not in the en catalogue; run `make i18n-update` "
        "and translate them:\n" + "\n".join(missing))


# --- c. templates: no literal UI text -------------------------------------------------------

# Literal text that is the same in every language. Keep this tiny, with the reason.
TEMPLATE_ALLOWED = {
    # The font-size buttons' glyphs, aria-hidden (their sr-only text and title are translated).
    ("app/templates/base.html", "A+"),
    ("app/templates/base.html", "A−"),
    ("app/templates/base.html", "A"),
}


def test_templates_have_no_untranslated_text():
    assert len(scan.templates()) > 20
    findings = [f for path in scan.templates() for f in scan.literal_text_in_template(path)
                if (f.path, f.text) not in TEMPLATE_ALLOWED]
    assert not findings, "text not marked for translation (use {{ _('…') }}):\n" + "\n".join(map(str, findings))


def test_template_allow_list_is_still_needed():
    seen = {(f.path, f.text) for path in scan.templates() for f in scan.literal_text_in_template(path)}
    assert seen >= TEMPLATE_ALLOWED, f"remove from TEMPLATE_ALLOWED: {sorted(TEMPLATE_ALLOWED - seen)}"


@pytest.mark.parametrize("html, found", [
    ("<p>{{ _('Olá') }}</p>", []),
    ("<p>Olá {{ name }}</p>", ["Olá"]),
    ("{# Comentário #}<p>{% if x %}{{ x }}{% endif %}</p>", []),
    ('<img alt="Logotipo" src="{{ src }}">', ["Logotipo"]),
    ('<a title="{{ _(\'Título\') }}" aria-label="Fechar">×</a>', ["Fechar"]),
    ('<input placeholder="Buscar"><input type="submit" value="Enviar">', ["Buscar", "Enviar"]),
    ('<button lang="en">English</button><span lang="pt-BR">Português <b>já</b></span>', []),
    ('<html lang="pt-BR"><body>Texto</body></html>', ["Texto"]),
    ("<script>var texto = 'a';</script><style>p { color: red }</style>", []),
    ("<p>1.234 · 50%&nbsp;—</p>", []),
    ("{% trans %}Olá{% endtrans %}", []),
])
def test_template_scanner(html, found):
    parser = scan.LiteralText("sample.html")
    parser.feed(scan.strip_jinja(html))
    parser.close()
    assert [f.text for f in parser.findings] == found


# --- d. Python: messages shown to people are marked ------------------------------------------

def test_python_messages_are_marked_for_translation():
    findings = sorted(scan.unmarked_python_messages())
    assert not findings, "message not marked for translation (use _() or _l()):\n" + "\n".join(map(str, findings))


def _python_findings(source: str) -> list[str]:
    """The scanner on a snippet, knowing app's DomainError family as well as the snippet's."""
    tree = ast.parse(source)
    rules = scan.message_rules(scan.domain_errors([tree], known=scan.app_domain_errors()))
    return [f.text for f in scan.unmarked_in_tree(tree, "sample.py", rules)]


@pytest.mark.parametrize("source, found", [
    ('flash(_("Salvo."), "success")', []),
    ('flash("Salvo.", "success")', ["Salvo."]),
    ('flash(f"Olá {nome}")', ["f'Olá '"]),
    ('flash("Olá %s" % nome)', ["Olá %s"]),
    ('abort_with(404, "Sumiu")', ["Sumiu"]),
    ('raise ConflictError("Já existe.", field="slug")', ["Já existe."]),
    ('class Novo(PhaseError): pass\nraise Novo("Fase errada")', ["Fase errada"]),
    ('form.add_error("email", "E-mail repetido")', ["E-mail repetido"]),
    ('form.add_error("email", _("E-mail repetido"))', []),
    ('StringField("Nome", description="Seu nome")', ["Seu nome", "Nome"]),
    ('StringField(_l("Nome"), validators=[Length(max=5, message="Curto")])', ["Curto"]),
    ('DataRequired("Obrigatório")', ["Obrigatório"]),
    ('Length(1, 5, "Tamanho")', ["Tamanho"]),
    ('Regexp(r"^[a-z]+$", message=_l("Só letras"))', []),
    ('flash(message % {"name": nome}, "success")', []),
])
def test_python_scanner(source, found):
    assert _python_findings(source) == found


# --- e. dates, times and numbers follow the locale ------------------------------------------

START = dt.datetime(2019, 9, 26, 15, 30, tzinfo=dt.UTC)  # 12h30 in São Paulo


@pytest.fixture(scope="module")
def bare_app():
    """The app without a database: the locale comes from the `lang` cookie alone."""
    return create_app(TestConfig, SQLALCHEMY_DATABASE_URI="sqlite://")


def _plain(text: str) -> str:
    return text.replace("\u202f", " ").replace("\xa0", " ")  # CLDR's narrow no-break spaces


@pytest.mark.parametrize("lang, date, time, both, big, half", [
    ("pt_BR", "26/09/2019", "12h30", "26/09/2019 12h30", "1.234.567", "50%"),
    ("en", "26 Sep 2019", "12:30", "26 Sep 2019, 12:30", "1,234,567", "50%"),
])
def test_dates_times_and_numbers_follow_the_locale(bare_app, lang, date, time, both, big, half):
    tz = "America/Sao_Paulo"
    with bare_app.test_request_context("/", headers={"Cookie": f"lang={lang}"}):
        assert str(flask_babel.get_locale()) == lang
        assert templating.local_date(START, tz) == date
        assert _plain(templating.local_time(START, tz)) == time
        assert _plain(templating.local_datetime(START, tz)) == both
        assert templating.number(1234567) == big
        assert templating.percent(0.5) == half
    with bare_app.test_request_context("/"), flask_babel.force_locale(lang):  # the other way in
        assert _plain(templating.local_datetime(START, tz)) == both


def test_default_locale_is_brazilian_portuguese(bare_app):
    with bare_app.test_request_context("/"):
        assert str(flask_babel.get_locale()) == "pt_BR"
        assert templating.local_datetime(START, "America/Sao_Paulo") == "26/09/2019 12h30"
        assert flask_babel.gettext("Conferências de Assistência Social") == "Conferências de Assistência Social"
    with bare_app.test_request_context("/", headers={"Cookie": "lang=en"}):
        assert flask_babel.gettext("Conferências de Assistência Social") == "Social-Assistance Conferences"

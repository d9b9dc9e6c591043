import datetime as dt

import flask_babel
import pytest

from app import templating

# The demo conference: 26/09/2019 at 12h30 in Alvares Florence-SP (UTC-3).
START = dt.datetime(2019, 9, 26, 15, 30, tzinfo=dt.UTC)


def _normal(text: str) -> str:
    """CLDR puts narrow no-break spaces in English times ("12:30\u202fPM")."""
    return text.replace("\u202f", " ").replace("\xa0", " ")


@pytest.fixture
def in_locale(app, session):
    """``with in_locale("en"):`` a request whose visitor chose that language (cookie)."""

    def _enter(lang: str):
        return app.test_request_context("/", headers={"Cookie": f"lang={lang}"})

    return _enter


@pytest.mark.parametrize("number, letters", [
    (1, "I"), (3, "III"), (4, "IV"), (5, "V"), (8, "VIII"), (9, "IX"), (12, "XII"), (14, "XIV"),
    (19, "XIX"), (40, "XL"), (49, "XLIX"), (90, "XC"), (400, "CD"), (944, "CMXLIV"), (2019, "MMXIX"),
    (3999, "MMMCMXCIX"),
])
def test_roman(number, letters):
    assert templating.roman(number) == letters


@pytest.mark.parametrize("lang, date, time, both, long", [
    ("pt_BR", "26/09/2019", "12h30", "26/09/2019 12h30", "26 de setembro de 2019"),
    ("en", "26 Sep 2019", "12:30", "26 Sep 2019, 12:30", "September 26, 2019"),
])
def test_dates_in_the_conference_timezone_and_visitor_locale(in_locale, lang, date, time, both, long):
    with in_locale(lang):
        flask_babel.refresh()
        assert str(flask_babel.get_locale()) == lang
        tz = "America/Sao_Paulo"
        assert templating.local_date(START, tz) == date
        assert _normal(templating.local_time(START, tz)) == time
        assert _normal(templating.local_datetime(START, tz)) == both
        assert templating.long_date(START, tz) == long


@pytest.mark.parametrize("utc, tz, date, time", [
    (dt.datetime(2019, 9, 27, 2, 0, tzinfo=dt.UTC), "America/Sao_Paulo", "26/09/2019", "23h00"),
    (START, "America/Manaus", "26/09/2019", "11h30"),
    (START, "America/Noronha", "26/09/2019", "13h30"),
    (START, None, "26/09/2019", "12h30"),
])
def test_timezone_decides_the_day_and_hour(in_locale, utc, tz, date, time):
    with in_locale("pt_BR"):
        flask_babel.refresh()
        assert (templating.local_date(utc, tz), templating.local_time(utc, tz)) == (date, time)


def test_missing_values_render_empty(in_locale):
    with in_locale("pt_BR"):
        flask_babel.refresh()
        for fn in (templating.local_date, templating.local_time, templating.local_datetime, templating.long_date):
            assert fn(None) == ""
        assert templating.iso(None) == ""
        assert templating.iso(START) == "2019-09-26T15:30:00+00:00"


@pytest.mark.parametrize("lang, big, share", [("pt_BR", "1.234.567", "43%"), ("en", "1,234,567", "43%")])
def test_numbers(in_locale, lang, big, share):
    with in_locale(lang):
        flask_babel.refresh()
        assert templating.number(1234567) == big
        assert templating.number(None) == "0"
        assert _normal(templating.percent(0.4286)) == share
    with in_locale("pt_BR"):
        flask_babel.refresh()
        assert _normal(templating.percent(0.4286, digits=1)) == "42,9%"


@pytest.mark.parametrize("cookies, expected", [
    ("", {"contrast": False, "font": 100}),
    ("contrast=1; fontsize=150", {"contrast": True, "font": 150}),
    ("contrast=0; fontsize=125", {"contrast": False, "font": 125}),
    ("fontsize=999", {"contrast": False, "font": 100}),
    ("fontsize=grande", {"contrast": False, "font": 100}),
])
def test_display_preferences_from_cookies(app, session, cookies, expected):
    with app.test_request_context("/", headers={"Cookie": cookies} if cookies else {}):
        assert templating.display_prefs() == expected


def test_filters_are_registered(app):
    for name in ("roman", "local_date", "local_time", "local_datetime", "long_date", "iso", "number", "percent"):
        assert name in app.jinja_env.filters


@pytest.mark.parametrize("lang", ["pt_BR", "en"])
def test_percent_matches_babel_to_the_last_digit(in_locale, lang):
    """The fast path must write exactly what Babel's format_percent writes (rounding half to
    even on the decimal value, grouping, marks), including the awkward binary fractions."""
    import random

    from babel.numbers import format_percent

    rng = random.Random(7)
    values = [0, 0.005, 0.015, 0.125, 0.145, 0.155, 0.9995, 1, 12.3456, 0.33333, 2 / 3, 1e-9, -0.001]
    values += [rng.random() for _ in range(300)] + [rng.randint(0, 10_000) / rng.choice((7, 100, 1000, 3))
                                                    for _ in range(300)]
    with in_locale(lang):
        flask_babel.refresh()
        for digits in (0, 1, 2):
            pattern = "#,##0%" if digits == 0 else "#,##0." + "0" * digits + "%"
            for value in values:
                assert templating.percent(value, digits) == format_percent(value, format=pattern, locale=lang), \
                    (value, digits)

"""Jinja filters and context shared by every template: dates in the conference's
timezone and the visitor's locale, numbers, roman numerals, display preferences."""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_EVEN, Decimal
from functools import lru_cache
from typing import Any
from zoneinfo import ZoneInfo

from babel import Locale
from babel.dates import format_date, format_time
from babel.numbers import format_decimal, get_decimal_symbol, get_group_symbol
from flask import Flask, request
from flask_babel import get_locale

from app.conferences import constants, permissions
from app.conferences.phases import PHASE_LABELS

ROMAN = ((1000, "M"), (900, "CM"), (500, "D"), (400, "CD"), (100, "C"), (90, "XC"),
         (50, "L"), (40, "XL"), (10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I"))


def roman(number: int) -> str:
    out = []
    for value, letters in ROMAN:
        while number >= value:
            out.append(letters)
            number -= value
    return "".join(out)


@lru_cache(maxsize=16)
def _locale_name(locale: Locale) -> str:
    return str(locale)


def _locale() -> str:
    """The request's locale as a string (a results page asks thousands of times)."""
    locale = get_locale()
    return _locale_name(locale) if locale is not None else "pt_BR"


def _zone(tz: str | None) -> ZoneInfo:
    return ZoneInfo(tz or "America/Sao_Paulo")


# pt-BR dates are written 26/09/2019 and times 12h30, as municipal announcements do: fixed
# patterns, formatted directly (Babel re-reads its pattern at every call, which shows on a
# page with hundreds of comments).
def local_date(value: dt.datetime | None, tz: str | None = None) -> str:
    if value is None:
        return ""
    local, locale = value.astimezone(_zone(tz)), _locale()
    if locale == "pt_BR":
        return f"{local.day:02d}/{local.month:02d}/{local.year:04d}"
    return format_date(local, "d MMM yyyy", locale=locale)  # 26 Sep 2019: no day/month ambiguity


def local_time(value: dt.datetime | None, tz: str | None = None) -> str:
    """12h30 in pt-BR, 12:30 in English."""
    if value is None:
        return ""
    local, locale = value.astimezone(_zone(tz)), _locale()
    if locale == "pt_BR":
        return f"{local.hour:02d}h{local.minute:02d}"
    return format_time(local, "HH:mm", locale=locale)


def local_datetime(value: dt.datetime | None, tz: str | None = None) -> str:
    if value is None:
        return ""
    separator = " " if _locale() == "pt_BR" else ", "
    return f"{local_date(value, tz)}{separator}{local_time(value, tz)}"


def long_date(value: dt.datetime | None, tz: str | None = None) -> str:
    if value is None:
        return ""
    return format_date(value.astimezone(_zone(tz)), "long", locale=_locale())


def iso(value: dt.datetime | None) -> str:
    return value.isoformat() if value else ""


@lru_cache(maxsize=8)
def _group_symbol(locale: str) -> str:
    return get_group_symbol(locale)


def number(value: float | int | None) -> str:
    """Whole numbers (counts, votes) take a fast path with the locale's grouping symbol;
    Babel's general formatter is slow enough to dominate a page of 500 results."""
    value = value or 0
    locale = _locale()
    if isinstance(value, int):
        return f"{value:,}".replace(",", _group_symbol(locale))
    return format_decimal(value, locale=locale)


@lru_cache(maxsize=8)
def _percent_symbols(locale: str) -> tuple[dict[int, str], str]:
    """Python's grouping and decimal marks → the locale's, and its percent sign."""
    marks = str.maketrans({",": get_group_symbol(locale), ".": get_decimal_symbol(locale)})
    return marks, Locale.parse(locale).number_symbols["latn"]["percentSign"]


def percent(value: float | None, digits: int = 0) -> str:
    """What Babel's format_percent gives with the pattern ``#,##0%`` (``#,##0.0%`` for one
    digit…): the value as a decimal, times 100, rounded half to even, with the locale's marks;
    written directly because Babel's general formatter dominated a page of 500 results."""
    scaled = (Decimal(str(value or 0)) * 100).quantize(Decimal(1).scaleb(-digits), rounding=ROUND_HALF_EVEN)
    marks, sign = _percent_symbols(_locale())
    return f"{scaled:,.{digits}f}".translate(marks) + sign


def display_prefs() -> dict[str, Any]:
    contrast = request.cookies.get("contrast") == "1"
    try:
        font = int(request.cookies.get("fontsize", "100"))
    except ValueError:
        font = 100
    if font not in (100, 125, 150, 175, 200):
        font = 100
    return {"contrast": contrast, "font": font}


def register_templating(app: Flask) -> None:
    app.jinja_env.filters.update(
        roman=roman, local_date=local_date, local_time=local_time, local_datetime=local_datetime,
        long_date=long_date, iso=iso, number=number, percent=percent,
    )
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True

    @app.context_processor
    def _context() -> dict[str, Any]:
        return {
            "prefs": display_prefs(),
            "current_locale": _locale(),
            "html_lang": "pt-BR" if _locale() == "pt_BR" else "en",
            "labels": constants,
            "phase_labels": PHASE_LABELS,
            "perm": permissions,
        }

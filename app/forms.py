"""Shared form pieces: base form, field helpers and messages."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange

REQUIRED = _l("Este campo é obrigatório.")
# The largest value of an INTEGER column (PostgreSQL's 4 bytes). A submitted id or count beyond
# it names nothing and could not be stored (SQLite cannot even bind an integer past 2**63).
MAX_INT = 2**31 - 1


def at_most(maximum: int) -> NumberRange:
    """An upper bound for a number field, so that no figure overflows its column."""
    return NumberRange(max=maximum, message=_l("Use um número de no máximo %(max)s."))


def bounded_int(value: object) -> int:
    """``int()`` for submitted ids (a ``coerce``): a whole number an INTEGER column can hold,
    else ValueError, which the form reports as a bad value."""
    number = int(value)  # type: ignore[call-overload]
    if not -MAX_INT <= number <= MAX_INT:
        raise ValueError("out of range")
    return number


class BaseForm(FlaskForm):
    """A form whose errors can also come from a service (DomainError with a field)."""

    def add_error(self, field_name: str | None, message: object) -> None:
        field = getattr(self, field_name, None) if field_name else None
        if field is not None and hasattr(field, "errors"):
            errors = list(field.errors) if isinstance(field.errors, (list, tuple)) else []
            errors.append(message)
            field.errors = errors
        else:
            self.form_errors.append(message)


def required() -> DataRequired:
    return DataRequired(message=REQUIRED)


def input_required() -> InputRequired:
    return InputRequired(message=REQUIRED)


def max_length(n: int) -> Length:
    return Length(max=n, message=_l("Use no máximo %(max)d caracteres.", max=n))

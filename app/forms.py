"""Shared form pieces: base form, field helpers and messages."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms.validators import DataRequired, InputRequired, Length

REQUIRED = _l("Este campo é obrigatório.")


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

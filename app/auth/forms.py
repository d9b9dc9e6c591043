"""Account forms."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, EmailField, HiddenField, PasswordField, StringField
from wtforms.validators import DataRequired, EqualTo, Length, Regexp

from app.auth.services import EMAIL_RE, PASSWORD_MAX, PASSWORD_MIN
from app.forms import BaseForm, max_length, required

_password_length = Length(
    min=PASSWORD_MIN,
    max=PASSWORD_MAX,
    message=_l("A senha precisa ter entre 8 e 128 caracteres."),
)
# A pattern, not wtforms' Email(): that one needs the email_validator package, which is not a
# dependency (every registration crashed with "Install 'email_validator'").
_email = Regexp(EMAIL_RE, message=_l("Informe um e-mail válido, como nome@exemplo.com.br."))


def _strip(value: object) -> object:
    return value.strip() if isinstance(value, str) else value


class RegisterForm(BaseForm):
    display_name = StringField(
        _l("Nome que será mostrado"),
        validators=[required(), max_length(120)],
        description=_l("Aparece nas suas propostas e comentários. Pode ser um apelido."),
    )
    email = EmailField(
        _l("E-mail"),
        filters=[_strip],
        validators=[required(), max_length(254), _email],
        description=_l("Usado só para entrar. Nunca é mostrado a outras pessoas."),
    )
    password = PasswordField(
        _l("Senha"),
        validators=[required(), _password_length],
        description=_l("Pelo menos 8 caracteres."),
    )
    password_confirm = PasswordField(
        _l("Repita a senha"),
        validators=[required(), EqualTo("password", message=_l("As duas senhas não são iguais."))],
    )
    accept_privacy = BooleanField(
        _l("Li e aceito o aviso de privacidade"),
        validators=[DataRequired(message=_l("Para criar a conta, é preciso aceitar o aviso de privacidade."))],
    )


class LoginForm(BaseForm):
    email = EmailField(_l("E-mail"), filters=[_strip], validators=[required(), max_length(254)])
    password = PasswordField(_l("Senha"), validators=[required(), max_length(PASSWORD_MAX)])
    next = HiddenField()


class ProfileForm(BaseForm):
    display_name = StringField(_l("Nome que será mostrado"), validators=[required(), max_length(120)])


class PasswordChangeForm(BaseForm):
    current_password = PasswordField(_l("Senha atual"), validators=[required(), max_length(PASSWORD_MAX)])
    new_password = PasswordField(
        _l("Nova senha"), validators=[required(), _password_length], description=_l("Pelo menos 8 caracteres.")
    )
    new_password_confirm = PasswordField(
        _l("Repita a nova senha"),
        validators=[required(), EqualTo("new_password", message=_l("As duas senhas não são iguais."))],
    )


class DeleteAccountForm(BaseForm):
    password = PasswordField(
        _l("Sua senha, para confirmar"), validators=[required(), max_length(PASSWORD_MAX)]
    )
    confirm = BooleanField(
        _l("Entendo que meu nome e e-mail serão apagados e que minhas contribuições ficarão como \"Participante removido\""),
        validators=[DataRequired(message=_l("Marque a caixa para confirmar a exclusão."))],
    )

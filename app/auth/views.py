"""Register, log in and out, and the account pages (profile, password, data, deletion)."""

from __future__ import annotations

import json

from flask import Blueprint, Response, current_app, flash, redirect, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user

from app.auth import services
from app.auth.forms import (
    DeleteAccountForm,
    LoginForm,
    PasswordChangeForm,
    ProfileForm,
    RegisterForm,
)
from app.extensions import db, limiter
from app.web import now, render_form, run_service, safe_next

bp = Blueprint("auth", __name__, template_folder="templates")


def _login_account_key() -> str:
    return "login:" + services.normalise_email(request.form.get("email", ""))[:254]


def _start_session(user) -> None:  # type: ignore[no-untyped-def]
    """A fresh session on every login (no fixation), keeping only the language choice."""
    keep = {k: session[k] for k in ("lang",) if k in session}
    session.clear()
    session.update(keep)
    session.permanent = True
    login_user(user)


def _me():  # type: ignore[no-untyped-def]
    return current_user._get_current_object()


@bp.route("/cadastro", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["REGISTER_LIMIT"], methods=["POST"])
def register():
    if current_user.is_authenticated:
        return redirect(url_for("main.index"))
    form = RegisterForm()
    if form.validate_on_submit():
        user = run_service(
            form,
            services.register_user,
            display_name=form.display_name.data,
            email=form.email.data,
            password=form.password.data,
            now=now(),
        )
        if user is not None:
            _start_session(user)
            flash(_("Conta criada. Bem-vindo(a), %(name)s!", name=user.display_name), "success")
            return redirect(safe_next(request.args.get("next"), url_for("main.index")))
    return render_form("auth/register.html", form)


@bp.route("/entrar", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["LOGIN_LIMIT_PER_ADDRESS"], methods=["POST"])
@limiter.limit(
    lambda: current_app.config["LOGIN_LIMIT_PER_ACCOUNT"], key_func=_login_account_key, methods=["POST"]
)
def login():
    form = LoginForm()
    if request.method == "GET":
        form.next.data = request.args.get("next", "")
    if form.validate_on_submit():
        user = services.authenticate(db.session, email=form.email.data, password=form.password.data)
        if user is None:
            form.add_error(None, _("E-mail ou senha incorretos."))
        else:
            _start_session(user)
            flash(_("Você entrou como %(name)s.", name=user.display_name), "success")
            return redirect(safe_next(form.next.data, url_for("main.index")))
    return render_form("auth/login.html", form)


@bp.route("/sair", methods=["POST"])
def logout():
    if current_user.is_authenticated:
        services.end_all_sessions(db.session, _me())
        db.session.commit()
    logout_user()
    session.clear()
    flash(_("Você saiu da sua conta."), "success")
    return redirect(url_for("main.index"))


@bp.route("/conta", methods=["GET", "POST"])
@login_required
def account():
    form = ProfileForm(obj=_me())
    if form.validate_on_submit() and run_service(
        form, services.update_profile, _me(), display_name=form.display_name.data
    ):
        flash(_("Seus dados foram salvos."), "success")
        return redirect(url_for("auth.account"))
    return render_form("auth/account.html", form)


@bp.route("/conta/senha", methods=["GET", "POST"])
@login_required
def change_password():
    form = PasswordChangeForm()
    if form.validate_on_submit():
        user = run_service(
            form, services.change_password, _me(), current=form.current_password.data, new=form.new_password.data
        )
        if user is not None:
            _start_session(user)
            flash(_("Senha alterada. Os outros aparelhos em que você estava conectado(a) foram desconectados."), "success")
            return redirect(url_for("auth.account"))
    return render_form("auth/password.html", form)


@bp.route("/conta/sair-de-todos", methods=["POST"])
@login_required
def logout_everywhere():
    user = services.end_all_sessions(db.session, _me())
    db.session.commit()
    _start_session(user)
    flash(_("Todos os outros aparelhos foram desconectados."), "success")
    return redirect(url_for("auth.account"))


@bp.route("/conta/meus-dados.json")
@login_required
def export_data():
    data = services.export_personal_data(db.session, _me(), now=now())
    return Response(
        json.dumps(data, ensure_ascii=False, indent=2, default=str),
        mimetype="application/json",
        headers={"Content-Disposition": 'attachment; filename="plenaria-meus-dados.json"'},
    )


@bp.route("/conta/excluir", methods=["GET", "POST"])
@login_required
def delete_account():
    form = DeleteAccountForm()
    if form.validate_on_submit() and run_service(
        form, services.delete_account, _me(), password=form.password.data, now=now()
    ):
        logout_user()
        session.clear()
        flash(_("Sua conta foi excluída. Suas contribuições continuam como \"Participante removido\"."), "success")
        return redirect(url_for("main.index"))
    return render_form("auth/delete.html", form)

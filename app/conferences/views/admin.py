"""Admin pages: creating conferences and naming their secretaries."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.conferences import permissions, queries, services
from app.conferences.forms import ConferenceForm, SecretaryForm
from app.conferences.loading import load_conference, login_redirect, me
from app.conferences.views.manage import conference_values
from app.extensions import db
from app.web import now, render_form, run_action, run_service

bp = Blueprint("admin", __name__, url_prefix="/admin", template_folder="../templates")


@bp.before_request
def _admins_only():
    if not current_user.is_authenticated:
        return login_redirect()
    if not permissions.is_admin(me()):
        abort(403)
    return None


@bp.route("/")
def index():
    return render_template("conferences/admin/index.html", conferences=queries.list_all_conferences(db.session))


@bp.route("/conferencias/nova", methods=["GET", "POST"])
def new_conference():
    form = ConferenceForm()
    if form.validate_on_submit():
        conference = run_service(form, services.create_conference, me(), now=now(), **conference_values(form))
        if conference is not None:
            flash(_("Conferência criada. Agora nomeie a secretaria."), "success")
            return redirect(url_for("admin.secretaries", slug=conference.slug))
    return render_form("conferences/admin/new.html", form)


@bp.route("/conferencias/<slug>/secretaria", methods=["GET", "POST"])
def secretaries(slug: str):
    conference = load_conference(slug)
    form = SecretaryForm()
    if form.validate_on_submit() and run_service(
        form, services.name_secretary, me(), conference, email=form.email.data, now=now()
    ):
        flash(_("Pessoa adicionada à secretaria."), "success")
        return redirect(url_for("admin.secretaries", slug=slug))
    return render_form("conferences/admin/secretaries.html", form, conference=conference,
                       secretaries=queries.list_secretaries(db.session, conference.id))


@bp.route("/conferencias/<slug>/secretaria/<int:participation_id>/remover", methods=["POST"])
def remove_secretary(slug: str, participation_id: int):
    conference = load_conference(slug)
    participation = queries.get_participation(db.session, conference.id, participation_id)
    if participation is None or not participation.is_secretary:
        abort(404)
    if run_action(services.remove_secretary, me(), participation, now=now()):
        flash(_("Pessoa retirada da secretaria."), "success")
    return redirect(url_for("admin.secretaries", slug=slug))

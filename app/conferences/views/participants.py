"""Secretary pages for registrations: filters, accreditation, check-in, CSV import."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext

from app.conferences import csv_import, queries
from app.conferences import participation as services
from app.conferences.constants import CREDENTIAL_LABELS, SEGMENT_LABELS, Credential, Segment
from app.conferences.forms import BulkForm, CredentialForm, ImportConfirmForm, ImportForm
from app.conferences.loading import manager_required, me
from app.errors import DomainError
from app.extensions import db
from app.web import now, page_arg, render_form, run_action, run_service

bp = Blueprint(
    "participants", __name__, url_prefix="/conferencias/<slug>/gestao/inscricoes", template_folder="../templates"
)
PER_PAGE = 50


def _filter_from_args() -> queries.ParticipationFilter:
    segment = request.args.get("segmento", "")
    credential = request.args.get("credencial", "")
    presence = request.args.get("presenca", "")
    return queries.ParticipationFilter(
        segment=Segment(segment) if segment in Segment._value2member_map_ else None,
        credential=Credential(credential) if credential in Credential._value2member_map_ else None,
        checked_in={"sim": True, "nao": False}.get(presence),
        text=request.args.get("q", "").strip()[:100],
    )


def _back() -> str:
    """Return to the list with the filters the secretary was using."""
    target = request.form.get("back", "")
    slug = request.view_args["slug"]
    base = url_for("participants.index", slug=slug)
    return target if target.startswith(base) else base


@bp.route("/")
@manager_required
def index(conference, membership):
    flt = _filter_from_args()
    pagination = db.paginate(queries.participations_query(conference.id, flt), page=page_arg(),
                             per_page=PER_PAGE, error_out=False)
    return render_template(
        "conferences/manage/participants.html",
        conference=conference,
        pagination=pagination,
        flt=flt,
        bulk_form=BulkForm(),
        credential_labels=CREDENTIAL_LABELS,
        segment_labels=SEGMENT_LABELS,
    )


def _participation_or_404(conference, participation_id: int):
    participation = queries.get_participation(db.session, conference.id, participation_id)
    if participation is None or participation.segment is None:
        abort(404)
    return participation


@bp.route("/<int:participation_id>/credencial", methods=["POST"])
@manager_required
def set_credential(conference, membership, participation_id: int):
    participation = _participation_or_404(conference, participation_id)
    form = CredentialForm()
    if not form.validate_on_submit():
        flash(_("Escolha uma credencial válida."), "error")
        return redirect(_back())
    if run_action(services.accredit, me(), membership, participation,
                  credential=Credential(form.credential.data), now=now()):
        flash(_("%(name)s: %(credential)s.", name=participation.public_name,
                credential=CREDENTIAL_LABELS[participation.credential]), "success")
    return redirect(_back())


@bp.route("/<int:participation_id>/presenca", methods=["POST"])
@manager_required
def set_presence(conference, membership, participation_id: int):
    participation = _participation_or_404(conference, participation_id)
    present = request.form.get("present") == "1"
    if run_action(services.set_checked_in, me(), membership, participation, present=present, now=now()):
        message = _("Presença de %(name)s registrada.") if present else _("Presença de %(name)s desfeita.")
        flash(message % {"name": participation.public_name}, "success")
    return redirect(_back())


@bp.route("/lote", methods=["POST"])
@manager_required
def bulk(conference, membership):
    form = BulkForm()
    if not form.validate_on_submit():
        flash(_("Escolha uma ação e selecione pelo menos uma pessoa."), "error")
        return redirect(_back())
    action = form.action.data
    if action in ("check_in", "undo_check_in"):
        rows = run_action(services.bulk_check_in, me(), membership, conference, ids=form.ids.data,
                          present=action == "check_in", now=now())
    else:
        rows = run_action(services.bulk_accredit, me(), membership, conference, ids=form.ids.data,
                          credential=Credential(action), now=now())
    if rows:
        flash(ngettext("%(num)d inscrição atualizada.", "%(num)d inscrições atualizadas.", len(rows)), "success")
    return redirect(_back())


@bp.route("/importar", methods=["GET", "POST"])
@manager_required
def import_csv(conference, membership):
    form = ImportForm()
    preview = None
    csv_text = ""
    if form.validate_on_submit():
        upload = request.files.get("file")
        if upload is None or not upload.filename:
            form.add_error("file", _("Escolha um arquivo CSV."))
        elif not upload.filename.lower().endswith((".csv", ".txt")):
            form.add_error("file", _("O arquivo precisa ser uma planilha salva como CSV (.csv)."))
        else:
            try:
                csv_text = csv_import.decode_upload(upload.read())
                preview = csv_import.preview_import(db.session, conference, csv_text)
            except DomainError as error:
                form.add_error("file", error.message)
    return render_form(
        "conferences/manage/import.html", form, conference=conference, preview=preview,
        confirm_form=ImportConfirmForm(csv_text=csv_text), segment_labels=SEGMENT_LABELS,
        credential_labels=CREDENTIAL_LABELS,
    )


@bp.route("/importar/confirmar", methods=["POST"])
@manager_required
def import_confirm(conference, membership):
    form = ImportConfirmForm()
    if not form.validate_on_submit():
        abort(400)
    preview = run_service(form, csv_import.apply_import, me(), membership, conference,
                          text=form.csv_text.data, now=now())
    if preview is None:
        flash(_("O arquivo tem linhas com problemas; nada foi importado. Envie de novo para ver quais."), "error")
        return redirect(url_for("participants.import_csv", slug=conference.slug))
    flash(ngettext("%(num)d participante importado(a).", "%(num)d participantes importados.", len(preview.rows)),
          "success")
    return redirect(url_for("participants.index", slug=conference.slug))

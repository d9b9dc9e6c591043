"""Secretary pages of the final report: the draft (generated now) with its pending items,
settling a tie or no-quorum item as not deliberated, publishing, draft downloads."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, abort, current_app, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from werkzeug.routing import BuildError

from app.conferences.constants import ConferenceSphere
from app.conferences.loading import manager_required, me
from app.conferences.phases import Action, allows
from app.extensions import db
from app.proposals import queries as proposal_queries
from app.reports import services
from app.reports.forms import PublishForm, SettleForm
from app.reports.pdf import render_pdf
from app.reports.render import to_csv, to_json
from app.reports.views.common import TIE_ISSUES, report_context
from app.reports.views.published import MIMETYPES, filename_for
from app.web import now, run_service

bp = Blueprint("report_admin", __name__, url_prefix="/conferencias/<slug>/gestao/relatorio",
               template_folder="../templates")

# The voting area's secretary pages are being built alongside: link to whichever exists.
NEW_ROUND_ENDPOINTS = ("manage_rounds.new", "round_admin.new")
ROUNDS_ENDPOINTS = ("manage_rounds.index", "round_admin.index", "rounds.index")


def _first_url(endpoints: tuple[str, ...], slug: str) -> str | None:
    for endpoint in endpoints:
        if endpoint in current_app.view_functions:
            try:
                return url_for(endpoint, slug=slug)
            except BuildError:
                continue
    return None


def conference_url(conference: Any) -> str | None:
    """The conference's address written into the report (it identifies the origin of imported
    deliberations): built on PUBLIC_URL when configured, else on the request's host."""
    base = (current_app.config.get("PUBLIC_URL") or "").rstrip("/")
    return base + url_for("conferences.detail", slug=conference.slug) if base else None


def settle_prefix(code: str) -> str:
    return f"nd-{code}"


def render_draft(conference: Any, *, report: dict[str, Any] | None = None,
                 settle_forms: dict[str, SettleForm] | None = None,
                 publish_form: PublishForm | None = None) -> tuple[str, int]:
    """The draft page; 422 when one of its forms comes back with errors."""
    report = report or services.draft_report(db.session, conference, now=now(), url=conference_url(conference))
    forms = dict(settle_forms or {})
    for item in report["unresolved"]:
        if item["issue"] in TIE_ISSUES and item["code"] not in forms:
            forms[item["code"]] = SettleForm(prefix=settle_prefix(item["code"]), formdata=None)
    pending = {u["code"] for u in report["unresolved"] if u["issue"] in TIE_ISSUES}
    # A refusal about an item that is no longer pending (settled meanwhile) is shown on its own.
    stray = [str(message) for code, f in forms.items() if code not in pending
             for messages in f.errors.values() for message in messages]
    publish_form = publish_form or PublishForm(formdata=None)
    latest = services.latest_version(db.session, conference.id)
    errors = publish_form.errors or publish_form.form_errors or any(f.errors or f.form_errors for f in forms.values())
    errors = errors or bool(stray)
    page = render_template(
        "reports/draft.html", conference=conference, settle_forms=forms,
        settle_errors=stray,
        publish_form=publish_form, latest=latest, next_version=latest + 1,
        phase_allows=allows(conference.phase, Action.PUBLISH_REPORT),
        can_import=conference.sphere != ConferenceSphere.MUNICIPAL,
        new_round_url=_first_url(NEW_ROUND_ENDPOINTS, conference.slug)
        if allows(conference.phase, Action.PREPARE_ROUND) else None,
        rounds_url=_first_url(ROUNDS_ENDPOINTS, conference.slug),
        **report_context(report),
    )
    return page, 422 if errors else 200


@bp.route("/")
@manager_required
def draft(conference, membership):
    return render_draft(conference)


@bp.route("/rascunho.<any(pdf, csv, json):fmt>")
@manager_required
def draft_download(conference, membership, fmt: str):
    report = services.draft_report(db.session, conference, now=now(), url=conference_url(conference))
    if fmt == "json":
        body: bytes | str = to_json(report)
    elif fmt == "csv":
        body = to_csv(report)
    else:
        body = render_pdf(report)
    response = Response(body, mimetype=MIMETYPES[fmt])
    if fmt == "csv":
        response.content_type = "text/csv; charset=utf-8"
    response.headers["Content-Disposition"] = f'attachment; filename="{filename_for(conference.slug, "rascunho", fmt)}"'
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.route("/pendencias/<code>/nao-deliberada", methods=["POST"])
@manager_required
def settle(conference, membership, code: str):
    proposal = proposal_queries.get_proposal(db.session, conference.id, code)
    if proposal is None:
        abort(404)
    form = SettleForm(prefix=settle_prefix(code))
    if form.validate_on_submit():
        settled = run_service(form, services.settle_not_deliberated, me(), membership, proposal,
                              reason=form.reason.data, now=now())
        if settled is not None:
            flash(_("%(code)s foi registrada como não deliberada.", code=code), "success")
            return redirect(url_for("report_admin.draft", slug=conference.slug, _anchor="pendencias"))
    elif not form.errors:
        form.add_error(None, _("O formulário expirou. Envie de novo."))
    return render_draft(conference, settle_forms={code: form})


@bp.route("/publicar", methods=["POST"])
@manager_required
def publish(conference, membership):
    form = PublishForm()
    if form.validate_on_submit():
        row = run_service(form, services.publish_report, me(), membership, conference, now=now(),
                          note=form.note.data, pdf_renderer=render_pdf, url=conference_url(conference))
        if row is not None:
            flash(_("Relatório publicado: versão %(n)d. Ele não muda mais; correções viram novas versões.",
                    n=row.version), "success")
            return redirect(url_for("reports.version", slug=conference.slug, version=row.version))
    return render_draft(conference, publish_form=form)

"""Importing other conferences' published reports (state and national conferences).

Step 1: upload the JSON file or give the URL of another Plenária's published report; the
page shows the plan (origin conference, items by origin eixo, the ones already imported)
with one select per origin eixo. Step 2: confirm; the report travels in a hidden field and
is validated again before anything is written.
"""

from __future__ import annotations

import json
import unicodedata
from typing import Any

from flask import Blueprint, current_app, flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext

from app.conferences.constants import ConferenceSphere
from app.conferences.loading import manager_required, me
from app.conferences.phases import Action, allows
from app.errors import DomainError, ValidationError
from app.extensions import db
from app.proposals.constants import SPHERE_LABELS
from app.reports import importing
from app.reports.fetch import fetch_report
from app.reports.forms import ImportConfirmForm, ImportForm, confirm_form, eixo_field_name
from app.web import now, render_form, run_service

bp = Blueprint("report_import", __name__, url_prefix="/conferencias/<slug>/gestao/relatorio/importar",
               template_folder="../templates")
TEMPLATE = "reports/import.html"
KEPT_KEYS = ("schema", "status", "version", "generated_at", "conference", "forwarded")


def compact(report: dict[str, Any]) -> str:
    """The part of the report an import reads, as compact JSON for the hidden field."""
    return json.dumps({k: report[k] for k in KEPT_KEYS if k in report}, ensure_ascii=False, sort_keys=True,
                      separators=(",", ":"))


def _normal(text: str) -> str:
    return " ".join(unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower().split())


def groups(plan: importing.ImportPlan) -> list[dict[str, Any]]:
    """Items by origin eixo, in eixo order."""
    titles = dict(plan.origin_eixos)
    out: dict[int, dict[str, Any]] = {}
    for item in plan.items:
        group = out.setdefault(item.eixo, {"number": item.eixo, "title": item.eixo_title or titles.get(item.eixo, ""),
                                           "items": []})
        group["items"].append(item)
    return [out[n] for n in sorted(out)]


def _mapping_form(conference: Any, plan: importing.ImportPlan, *, suggest: bool = False,
                  **kwargs: Any) -> ImportConfirmForm:
    form = confirm_form([(g["number"], g["title"]) for g in groups(plan)], conference.eixos, **kwargs)
    if suggest:  # preselect the receiving eixo with the same title, if any (CNAS eixos repeat)
        by_title = {_normal(e.title): e.id for e in conference.eixos}
        for group in groups(plan):
            select = getattr(form, eixo_field_name(group["number"]))
            if _normal(group["title"]) in by_title:
                select.data = str(by_title[_normal(group["title"])])
    return form


def _decode(raw: bytes) -> str:
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise ValidationError(_("O arquivo não está em UTF-8: não parece um relatório do Plenária."),
                                        field="file") from error


def _page(conference: Any, form: Any, *, plan: importing.ImportPlan | None = None,
          mapping: ImportConfirmForm | None = None) -> Any:
    optional = importing.OPTIONAL_SPHERES.get(conference.sphere, ())
    return render_form(
        TEMPLATE, mapping if mapping is not None else form, upload_form=form, conference=conference, plan=plan,
        groups=groups(plan) if plan else [], mapping=mapping, optional_spheres=optional,
        sphere_labels=SPHERE_LABELS, phase_allows=allows(conference.phase, Action.IMPORT_REPORT),
        receives=conference.sphere != ConferenceSphere.MUNICIPAL,
    )


@bp.route("/", methods=["GET", "POST"])
@manager_required
def upload(conference, membership):
    form = ImportForm()
    if not form.validate_on_submit():
        return _page(conference, form)
    upload_file = request.files.get("file")
    url = (form.url.data or "").strip()
    has_file = upload_file is not None and bool(upload_file.filename)
    if has_file and url:
        form.add_error("url", _("Envie o arquivo ou informe o endereço, não os dois."))
        return _page(conference, form)
    if not has_file and not url:
        form.add_error("file", _("Envie o arquivo JSON do relatório ou informe o endereço dele."))
        return _page(conference, form)
    source = "url" if url else "file"
    try:
        if url:
            text = fetch_report(url, allow_private=current_app.config.get("REPORT_IMPORT_ALLOW_PRIVATE_URLS", False))
        else:
            text = _decode(upload_file.read(importing.MAX_BYTES + 1))
        report = importing.parse_report(text)
        plan = importing.plan_import(db.session, conference, report, include_optional=True)
    except DomainError as error:
        form.add_error(source, error.message)
        return _page(conference, form)
    mapping = _mapping_form(conference, plan, suggest=True, formdata=None, data={"report_text": compact(report)})
    return _page(conference, form, plan=plan, mapping=mapping)


@bp.route("/confirmar", methods=["POST"])
@manager_required
def confirm(conference, membership):
    try:
        report = importing.parse_report(request.form.get("report_text", ""))
        plan = importing.plan_import(db.session, conference, report, include_optional=True)
    except DomainError as error:
        flash(_("Nada foi importado: %(reason)s", reason=error.message), "error")
        return redirect(url_for("report_import.upload", slug=conference.slug))
    form = _mapping_form(conference, plan)
    if form.validate_on_submit():
        include = bool(form.include_optional.data) and bool(importing.OPTIONAL_SPHERES.get(conference.sphere))
        chosen = importing.plan_import(db.session, conference, report, include_optional=include)
        eixo_map: dict[int, int] = {}
        for group in groups(plan):
            value = getattr(form, eixo_field_name(group["number"])).data
            if value and value.isdigit():
                eixo_map[group["number"]] = int(value)
        for number in sorted({item.eixo for item in chosen.new_items} - set(eixo_map)):
            getattr(form, eixo_field_name(number)).errors = [_("Escolha o eixo desta conferência.")]
        if not chosen.new_items:
            flash(_("Nada a importar: todas as deliberações deste relatório já tinham sido importadas."), "info")
            return redirect(url_for("report_import.upload", slug=conference.slug))
        if not form.errors:
            created = run_service(form, importing.apply_import, me(), membership, conference, report=report,
                                  eixo_map=eixo_map, include_optional=include, now=now())
            if created is not None:
                flash(ngettext("%(num)d proposta importada de %(origin)s.", "%(num)d propostas importadas de %(origin)s.",
                               len(created), origin=chosen.origin_title), "success")
                return redirect(url_for("proposals.index", slug=conference.slug))
            plan = importing.plan_import(db.session, conference, report, include_optional=True)
    return _page(conference, ImportForm(formdata=None), plan=plan, mapping=form)

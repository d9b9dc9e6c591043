"""Secretary pages: dashboard, editing the conference, eixos, rules and the phase."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from app.conferences import queries, services
from app.conferences.forms import ConferenceForm, EixoForm, PhaseForm, RulesForm
from app.conferences.loading import manager_required, me, to_local_naive, to_utc
from app.conferences.phases import PHASE_DESCRIPTIONS, PHASE_LABELS, Phase, next_phase
from app.conferences.stats import parity
from app.extensions import db
from app.web import now, render_form, run_action, run_service

bp = Blueprint("manage", __name__, url_prefix="/conferencias/<slug>/gestao", template_folder="../templates")


@bp.route("/")
@manager_required
def dashboard(conference, membership):
    counts = queries.participant_counts(db.session, conference.id)
    target = next_phase(conference.phase)
    return render_template(
        "conferences/manage/dashboard.html",
        conference=conference,
        membership=membership,
        counts=counts,
        parity=parity(counts.delegates_by_segment()),
        checked_in=queries.checked_in_participants(db.session, conference.id, limit=50),
        phase_form=PhaseForm(expected=conference.phase.value),
        next_phase=target,
        phase_labels=PHASE_LABELS,
        phase_descriptions=PHASE_DESCRIPTIONS,
    )


def conference_values(form: ConferenceForm) -> dict:
    tz = form.timezone.data
    return {
        "slug": form.slug.data.strip(),
        "title": form.title.data.strip(),
        "edition": form.edition.data,
        "sphere": form.sphere.data,
        "municipio": (form.municipio.data or "").strip() or None,
        "uf": form.uf.data,
        "ibge_code": (form.ibge_code.data or "").strip() or None,
        "porte": form.porte.data or None,
        "theme": form.theme.data.strip(),
        "description": (form.description.data or "").strip(),
        "venue": form.venue.data.strip(),
        "starts_at": to_utc(form.starts_at.data, tz),
        "ends_at": to_utc(form.ends_at.data, tz),
        "timezone": tz,
    }


@bp.route("/editar", methods=["GET", "POST"])
@manager_required
def edit(conference, membership):
    form = ConferenceForm(obj=conference)
    if request.method == "GET":
        form.starts_at.data = to_local_naive(conference.starts_at, conference.timezone)
        form.ends_at.data = to_local_naive(conference.ends_at, conference.timezone)
        form.porte.data = conference.porte.value if conference.porte else ""
    if form.validate_on_submit():
        updated = run_service(form, services.update_conference, me(), membership, conference,
                              now=now(), **conference_values(form))
        if updated is not None:
            flash(_("Conferência atualizada."), "success")
            return redirect(url_for("manage.dashboard", slug=updated.slug))
    return render_form("conferences/manage/edit.html", form, conference=conference)


@bp.route("/eixos", methods=["GET", "POST"])
@manager_required
def eixos(conference, membership):
    form = EixoForm()
    if form.validate_on_submit():
        eixo = run_service(form, services.add_eixo, me(), membership, conference,
                           title=form.title.data, description=form.description.data or "", now=now())
        if eixo is not None:
            flash(_("Eixo %(number)d criado.", number=eixo.number), "success")
            return redirect(url_for("manage.eixos", slug=conference.slug))
    db.session.refresh(conference, ["eixos"])
    return render_form("conferences/manage/eixos.html", form, conference=conference)


def _eixo_or_404(conference, eixo_id: int):
    eixo = queries.get_eixo(db.session, conference.id, eixo_id)
    if eixo is None:
        abort(404)
    return eixo


@bp.route("/eixos/<int:eixo_id>/editar", methods=["GET", "POST"])
@manager_required
def edit_eixo(conference, membership, eixo_id: int):
    eixo = _eixo_or_404(conference, eixo_id)
    form = EixoForm(obj=eixo)
    if form.validate_on_submit() and run_service(form, services.update_eixo, me(), membership, eixo,
                   title=form.title.data, description=form.description.data or "", now=now()):
        flash(_("Eixo atualizado."), "success")
        return redirect(url_for("manage.eixos", slug=conference.slug))
    return render_form("conferences/manage/eixo_edit.html", form, conference=conference, eixo=eixo)


@bp.route("/eixos/<int:eixo_id>/mover", methods=["POST"])
@manager_required
def move_eixo(conference, membership, eixo_id: int):
    eixo = _eixo_or_404(conference, eixo_id)
    direction = -1 if request.form.get("direction") == "up" else 1
    if run_action(services.move_eixo, me(), membership, eixo, direction=direction, now=now()):
        flash(_("Ordem dos eixos atualizada."), "success")
    return redirect(url_for("manage.eixos", slug=conference.slug))


@bp.route("/regras", methods=["GET", "POST"])
@manager_required
def rules(conference, membership):
    form = RulesForm(obj=conference)
    eixos = list(conference.eixos)
    if request.method == "GET":
        form.majority_rule.data = conference.majority_rule.value
        while form.caps.entries:
            form.caps.pop_entry()
        for eixo in eixos:
            form.caps.append_entry({"eixo_id": str(eixo.id), "cap_municipal": eixo.cap_municipal,
                                    "cap_estadual": eixo.cap_estadual, "cap_federal": eixo.cap_federal})
    if form.validate_on_submit():
        caps = {}
        for entry in form.caps.entries:
            try:
                eixo_id = int(entry.form.eixo_id.data)
            except (TypeError, ValueError):
                abort(400)
            caps[eixo_id] = {name: getattr(entry.form, name).data for name in ("cap_municipal", "cap_estadual", "cap_federal")}
        updated = run_service(
            form, services.update_rules, me(), membership, conference, now=now(), caps=caps,
            majority_rule=form.majority_rule.data, quorum_percent=form.quorum_percent.data,
            proposals_per_participant=form.proposals_per_participant.data, reports_to_hide=form.reports_to_hide.data,
        )
        if updated is not None:
            flash(_("Regras atualizadas."), "success")
            return redirect(url_for("manage.rules", slug=conference.slug))
    eixo_by_id = {str(e.id): e for e in eixos}
    return render_form("conferences/manage/rules.html", form, conference=conference, eixo_by_id=eixo_by_id)


@bp.route("/fase", methods=["POST"])
@manager_required
def advance_phase(conference, membership):
    form = PhaseForm()
    if not form.validate_on_submit() or form.expected.data not in {p.value for p in Phase}:
        abort(400)
    updated = run_action(services.advance_phase, me(), membership, conference,
                         expected=Phase(form.expected.data), now=now())
    if updated is not None:
        flash(_("A conferência passou para a fase: %(phase)s.", phase=PHASE_LABELS[updated.phase]), "success")
    return redirect(url_for("manage.dashboard", slug=conference.slug))

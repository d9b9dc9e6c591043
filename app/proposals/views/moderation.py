"""The secretary's moderation queue: reported comments and those hidden pending review."""

from __future__ import annotations

from flask import Blueprint, render_template

from app.conferences.loading import manager_required
from app.extensions import db
from app.proposals import queries
from app.proposals.views.proposals import labels_context

bp = Blueprint("moderation", __name__, url_prefix="/conferencias/<slug>/gestao/moderacao",
               template_folder="../templates")


@bp.route("/")
@manager_required
def queue(conference, membership):
    items = queries.moderation_queue(db.session, conference.id)
    return render_template("proposals/moderation.html", conference=conference, items=items, **labels_context())

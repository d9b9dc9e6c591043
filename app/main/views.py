"""Home (the list of conferences), display preferences, search and the public notices."""

from __future__ import annotations

from flask import Blueprint, current_app, make_response, redirect, render_template, request, url_for
from flask_login import current_user

from app.conferences import queries
from app.extensions import csrf, db
from app.web import now, safe_next

bp = Blueprint("main", __name__, template_folder="templates")

PREFERENCE_MAX_AGE = 60 * 60 * 24 * 365
FONT_STEPS = (100, 125, 150, 175, 200)


@bp.route("/")
def index():
    upcoming, past = queries.list_conferences(db.session, now())
    counts = queries.participant_counts_for(db.session, [c.id for c in upcoming + past])
    return render_template("main/index.html", upcoming=upcoming, past=past, counts=counts)


def _font_step(current: str | None, change: str) -> int:
    try:
        value = int(current or 100)
    except ValueError:
        value = 100
    index = FONT_STEPS.index(value) if value in FONT_STEPS else 0
    if change == "mais":
        index = min(index + 1, len(FONT_STEPS) - 1)
    elif change == "menos":
        index = max(index - 1, 0)
    else:
        index = 0
    return FONT_STEPS[index]


@bp.route("/preferencias", methods=["POST"])
@csrf.exempt
def preferences():
    """Contrast, font size and language: cookies, so they work without JavaScript or an account.

    Every page carries this form; a CSRF token in it would open a session for every anonymous
    reader and make public pages uncacheable. An anonymous post only sets display cookies, so it
    needs no token; a logged-in one also saves the language on the account, so it does."""
    if current_user.is_authenticated and current_app.config.get("WTF_CSRF_ENABLED", True):
        csrf.protect()  # (what CSRFProtect does before every other POST)
    response = make_response(redirect(safe_next(request.form.get("next"), url_for("main.index"))))
    if "contraste" in request.form:
        on = request.cookies.get("contrast") != "1"
        response.set_cookie("contrast", "1" if on else "0", max_age=PREFERENCE_MAX_AGE, samesite="Lax", httponly=True)
    if "fonte" in request.form:
        size = _font_step(request.cookies.get("fontsize"), request.form.get("fonte", ""))
        response.set_cookie("fontsize", str(size), max_age=PREFERENCE_MAX_AGE, samesite="Lax", httponly=True)
    lang = request.form.get("lang")
    if lang in current_app.config["LANGUAGES"]:
        response.set_cookie("lang", lang, max_age=PREFERENCE_MAX_AGE, samesite="Lax", httponly=True)
        if current_user.is_authenticated:
            current_user.locale = lang
            db.session.commit()
    return response


@bp.route("/privacidade")
def privacy():
    return render_template("main/privacy.html", contact=current_app.config["PRIVACY_CONTACT"])


@bp.route("/acessibilidade")
def accessibility():
    return render_template("main/accessibility.html", contact=current_app.config["PRIVACY_CONTACT"])


@bp.route("/busca")
def search():
    text = request.args.get("q", "").strip()[:100]
    results = queries.search_conferences(db.session, text) if text else []
    return render_template("main/search.html", q=text, results=results)

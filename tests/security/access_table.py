"""The expected access table: for every endpoint of the URL map, who may use each method and
what everyone else gets. tests/security/test_access_matrix.py checks every cell against the
seeded world (tests/security/world.py); a route without a row here fails that test, so a new
route must be classified before it ships.

Reading a row: ``only(MANAGERS, 200)`` means the secretary of this conference and the admin
get 200; the other logged-in actors get 403; anonymous visitors are sent to the login page
(``LOGIN``: 302 to /entrar?next=…). ``public(200)``: everyone gets 200. Overrides name the
actors whose answer differs (``PARTICIPANTS: 302`` — already registered, sent back to the
conference page).

The status of an allowed actor is what that actor gets for the request the matrix sends: a GET
of the page, or a POST with an empty form (so 422 is "the form came back with its errors",
302 "done, or refused with a message on the next page", 400 "a hidden field is missing"; an
edit form sent empty keeps the object's current values, as Flask-WTF reads them from the
object: 302): what matters is that the actor got past the access checks, and that nobody
else did.

Each row also says which of the world's objects fill its URL (``round="open"``…) and, for the
few actions that exist only in another phase, the phase conference A is put in (``phase``).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from app.conferences.phases import Phase
from tests.security.world import ACTORS, ADMIN, ANON, DELEGATE, OBSERVER, OTHER_SECRETARY, PENDING, SECRETARY, STRANGER

LOGIN = "login"  # 302 to the login page, with next= the page asked for

EVERYONE = frozenset(ACTORS)
LOGGED_IN = EVERYONE - {ANON}
PARTICIPANTS = frozenset({PENDING, OBSERVER, DELEGATE})  # registered in A with a segment: voice
MANAGERS = frozenset({SECRETARY, ADMIN})  # A's secretariat, and the admin
NOT_REGISTERED_IN_A = frozenset({STRANGER, OTHER_SECRETARY, SECRETARY, ADMIN})


@dataclass(frozen=True)
class Cells:
    """One method of one endpoint: the actors allowed, their status, and the others'."""

    allowed: frozenset[str]
    ok: int
    denied: int | str = 403
    anonymous: int | str = LOGIN
    overrides: Mapping[str, int | str] = field(default_factory=dict)

    def expected(self, actor: str) -> int | str:
        if actor in self.overrides:
            return self.overrides[actor]
        if actor in self.allowed:
            return self.ok
        return self.anonymous if actor == ANON else self.denied


def public(ok: int = 200) -> Cells:
    return Cells(EVERYONE, ok)


def only(actors: Iterable[str], ok: int, *, denied: int | str = 403, anonymous: int | str = LOGIN,
         **overrides: int | str) -> Cells:
    return Cells(frozenset(actors), ok, denied, anonymous, overrides)


def for_groups(cells: Cells, groups: Mapping[frozenset[str], int | str]) -> Cells:
    """The same cells with whole groups of actors overridden."""
    overrides = dict(cells.overrides)
    for group, status in groups.items():
        overrides.update(dict.fromkeys(group, status))
    return Cells(cells.allowed, cells.ok, cells.denied, cells.anonymous, overrides)


@dataclass(frozen=True)
class Row:
    """One endpoint (or one variant of it, ``label``) with its URL objects and its cells."""

    endpoint: str
    methods: Mapping[str, Cells]
    label: str = ""
    round: str = "open"  # which of A's rounds fills <round_id>: draft, open or closed
    code: str = "debated"  # which of A's proposals fills <code>
    participation: str = "pending"  # whose participation fills <participation_id>
    query: str = ""  # a query string, for the pages that read one
    phase: Phase | None = None  # conference A is put in this phase for the row

    @property
    def id(self) -> str:
        return self.endpoint + (f"[{self.label}]" if self.label else "")


def row(endpoint: str, label: str = "", *, GET: Cells | None = None, POST: Cells | None = None,  # noqa: N803
        **objects: object) -> Row:
    methods = {m: c for m, c in (("GET", GET), ("POST", POST)) if c is not None}
    return Row(endpoint, methods, label, **objects)  # type: ignore[arg-type]


def manager_page(endpoint: str, label: str = "", *, get: int | None = 200, post: int | None = None,
                 **objects: object) -> Row:
    """A secretariat page: A's secretaries and the admin; 403 for the others, login for anonymous."""
    return row(endpoint, label, GET=only(MANAGERS, get) if get is not None else None,
               POST=only(MANAGERS, post) if post is not None else None, **objects)


ROWS: tuple[Row, ...] = (
    # --- public pages and preferences ----------------------------------------------------
    row("main.index", GET=public()),
    row("main.accessibility", GET=public()),
    row("main.privacy", GET=public()),
    row("main.search", GET=public(), query="q=conferencia"),
    row("main.preferences", POST=public(302)),
    row("security_txt", GET=public()),  # /.well-known/security.txt (RFC 9116)

    # --- accounts ------------------------------------------------------------------------
    # Registering is for visitors; a logged-in person is sent home.
    row("auth.register", GET=only({ANON}, 200, denied=302), POST=only({ANON}, 422, denied=302)),
    row("auth.login", GET=public(), POST=public(422)),
    row("auth.logout", POST=public(302)),
    row("auth.account", GET=only(LOGGED_IN, 200), POST=only(LOGGED_IN, 302)),  # an empty form keeps the name
    row("auth.change_password", GET=only(LOGGED_IN, 200), POST=only(LOGGED_IN, 422)),
    row("auth.logout_everywhere", POST=only(LOGGED_IN, 302)),
    row("auth.export_data", GET=only(LOGGED_IN, 200)),
    row("auth.delete_account", GET=only(LOGGED_IN, 200), POST=only(LOGGED_IN, 422)),

    # --- admin: creating conferences and naming secretaries --------------------------------
    row("admin.index", GET=only({ADMIN}, 200)),
    row("admin.new_conference", GET=only({ADMIN}, 200), POST=only({ADMIN}, 422)),
    row("admin.secretaries", GET=only({ADMIN}, 200), POST=only({ADMIN}, 422)),
    row("admin.remove_secretary", POST=only({ADMIN}, 302), participation="secretary"),

    # --- conference pages and joining ----------------------------------------------------
    row("conferences.detail", GET=public()),
    # Anyone logged in and not yet registered with a segment may join (a secretary too);
    # the registered are sent back to the conference page.
    row("conferences.join", GET=only(NOT_REGISTERED_IN_A, 200, **dict.fromkeys(PARTICIPANTS, 302)),
        POST=only(NOT_REGISTERED_IN_A, 422, **dict.fromkeys(PARTICIPANTS, 302))),

    # --- the secretariat: conference, eixos, rules, phase ------------------------------------
    manager_page("manage.dashboard"),
    manager_page("manage.edit", post=422),
    manager_page("manage.eixos", post=422),
    manager_page("manage.edit_eixo", post=302),  # an empty form keeps the eixo as it is
    manager_page("manage.move_eixo", get=None, post=302),
    manager_page("manage.rules", post=422),
    manager_page("manage.advance_phase", get=None, post=400),  # the expected phase is missing

    # --- the secretariat: registrations, accreditation, check-in, CSV import -----------------
    manager_page("participants.index", query="segmento=usuario&q=a"),
    manager_page("participants.set_credential", get=None, post=302),  # no credential chosen: a message
    manager_page("participants.set_presence", get=None, post=302),
    manager_page("participants.bulk", get=None, post=302),
    manager_page("participants.import_csv", post=422),  # no file
    manager_page("participants.import_confirm", get=None, post=400),  # the reviewed text is missing

    # --- the secretariat: moderation and the report -------------------------------------------
    manager_page("moderation.queue"),
    manager_page("report_admin.draft"),
    manager_page("report_admin.draft_download"),
    manager_page("report_admin.settle", get=None, post=422),
    manager_page("report_admin.publish", get=None, post=422),  # refused: the conference is not closed
    manager_page("report_import.upload", post=422),
    manager_page("report_import.confirm", get=None, post=302),  # nothing to import: a message

    # --- the secretariat: voting rounds ----------------------------------------------------
    manager_page("manage_rounds.index"),
    manager_page("manage_rounds.new", post=422),
    manager_page("manage_rounds.edit", post=422, round="draft"),
    manager_page("manage_rounds.proposals", post=302, round="draft"),
    manager_page("manage_rounds.open_round", get=None, post=302, round="draft"),
    manager_page("manage_rounds.delete", get=None, post=302, round="draft"),
    # A round that is no longer a draft cannot be changed: back to the round, with a message.
    manager_page("manage_rounds.edit", "open round", get=302, post=302, round="open"),
    manager_page("plenary.panel"),
    manager_page("plenary.add_elector", get=None, post=400),  # no one named
    manager_page("plenary.counts", post=302),
    manager_page("plenary.close", post=422),  # the confirmation box is not ticked
    manager_page("plenary.close", "closed round", get=302, post=302, round="closed"),

    # --- proposals ---------------------------------------------------------------------------
    row("proposals.index", GET=public(), query="eixo=1&esfera=municipal&ordem=codigo"),
    row("proposals.detail", GET=public()),
    row("proposals.history_page", GET=public()),
    # Submitting: participants of A with a segment, in the proposals phase. Registered
    # without a segment (secretary), of another conference or admin: 403 with a way to join.
    row("proposals.new", GET=only(PARTICIPANTS, 200), POST=only(PARTICIPANTS, 422), phase=Phase.PROPOSALS),
    row("proposals.new", "voting phase", GET=only((), 200), POST=only((), 422)),
    # Editing: the author while debating; the secretariat's sistematização.
    row("proposals.edit", GET=only({PENDING, SECRETARY, ADMIN}, 200), POST=only({PENDING, SECRETARY, ADMIN}, 302),
        phase=Phase.DEBATE),
    row("proposals.edit", "voting phase", GET=only(MANAGERS, 200), POST=only(MANAGERS, 302)),
    row("proposals.withdraw", GET=only({PENDING}, 200), POST=only({PENDING}, 422)),
    row("proposals.final_wording", GET=only(MANAGERS, 200), POST=only(MANAGERS, 422)),
    row("proposals.merge", GET=only(MANAGERS, 200), POST=only(MANAGERS, 422)),

    # --- the debate --------------------------------------------------------------------------
    row("comments.create", POST=only(PARTICIPANTS, 422), phase=Phase.DEBATE),
    row("comments.create", "voting phase", POST=only((), 422)),
    row("comments.edit", GET=only({OBSERVER}, 200), POST=only({OBSERVER}, 302)),
    row("comments.delete", POST=only({OBSERVER}, 302)),
    # Reporting: anyone logged in but the comment's author.
    row("comments.report", GET=only(LOGGED_IN - {OBSERVER}, 200), POST=only(LOGGED_IN - {OBSERVER}, 422)),
    row("comments.hide", GET=only(MANAGERS, 200), POST=only(MANAGERS, 422)),
    row("comments.restore", POST=only(MANAGERS, 302)),

    # --- voting rounds (public side) ------------------------------------------------------
    row("rounds.index", GET=public()),
    row("rounds.detail", GET=public()),
    row("rounds.detail", "closed round", GET=public(), round="closed"),
    # A draft is the secretariat's work in progress: unknown to everyone else.
    row("rounds.detail", "draft round", GET=only(MANAGERS, 200, denied=404, anonymous=404), round="draft"),
    # Only delegates of A in the round's electorate vote (an empty ballot: 422). Everyone else
    # gets a 403 page that says why, anonymous visitors included (the page asks them to log in).
    row("rounds.vote", POST=only({DELEGATE}, 422, anonymous=403)),
    row("rounds.vote", "closed round", POST=Cells(frozenset(), 409, 409, 409), round="closed"),
    row("rounds.vote", "draft round", POST=only(MANAGERS, 409, denied=404, anonymous=404), round="draft"),
    row("rounds.receipt", GET=public(), round="closed"),
    row("rounds.results", GET=public(), round="closed"),
    # An open round has no results for anyone, not even the secretariat.
    row("rounds.results", "open round", GET=Cells(frozenset(), 404, 404, 404), round="open"),
    row("rounds.published_ballots", GET=public(), round="closed", query="comprovante=X&page=1"),
    row("rounds.published_ballots", "open round", GET=Cells(frozenset(), 404, 404, 404), round="open"),

    # --- the final report (public) ----------------------------------------------------------
    row("reports.latest", GET=public()),
    row("reports.version", GET=public()),
    row("reports.versions", GET=public()),
    row("reports.download", GET=public()),
    row("reports.download_latest", GET=public()),

    # --- API v1 (open data, no login) ---------------------------------------------------------
    row("api.openapi", GET=public()),
    row("api.conferences", GET=public()),
    row("api.conference", GET=public()),
    row("api.proposals", GET=public(), query="eixo=1&sphere=municipal&page=1"),
    row("api.proposal", GET=public()),
    row("api.rounds", GET=public()),
    row("api.round_detail", GET=public(), round="closed"),
    row("api.round_detail", "draft round", GET=Cells(frozenset(), 404, 404, 404), round="draft"),
    row("api.round_ballots", GET=public(), round="closed"),
    row("api.round_ballots", "open round", GET=Cells(frozenset(), 404, 404, 404), round="open"),
    row("api.report_latest", GET=public()),
    row("api.report_version", GET=public()),
)

# Endpoints that are not part of the matrix, and why.
UNCLASSIFIED_ON_PURPOSE = {
    "static": "the app's own CSS, JavaScript and images; public by nature (headers are checked elsewhere)",
}

"""`flask report publish`: the same publication as the button, from the command line (for the
national conference, whose PDF takes longer to render than a web request should last)."""

from __future__ import annotations

import sqlalchemy as sa

from app.conferences.phases import Phase
from app.reports.models import PublishedReport
from tests.unit.reports import scenario as sc


def versions(session) -> list[int]:  # type: ignore[no-untyped-def]
    session.expire_all()
    return list(session.scalars(sa.select(PublishedReport.version).order_by(PublishedReport.version)))


def test_the_secretary_publishes_from_the_command_line(runner, session, make):
    s = sc.build(session, make)
    session.commit()
    result = runner.invoke(args=["report", "publish", sc.SLUG, "--by", s.secretary.email])
    assert result.exit_code == 0, result.output
    assert "Published version 1 of the report of" in result.output
    row = session.scalars(sa.select(PublishedReport)).one()
    assert row.pdf.startswith(b"%PDF-") and row.published_by_id == s.secretary.id
    assert s.conference.phase == Phase.REPORT_PUBLISHED
    # A second version needs its note, as on the page.
    refused = runner.invoke(args=["report", "publish", sc.SLUG, "--by", s.secretary.email])
    assert refused.exit_code == 1 and "not published: Diga o que esta nova versão corrige." in refused.output
    again = runner.invoke(args=["report", "publish", sc.SLUG, "--by", s.admin.email, "--note", "Corrige um título"])
    assert again.exit_code == 0, again.output
    assert versions(session) == [1, 2]


def test_refusals_are_clear_and_publish_nothing(runner, session, make):
    s = sc.build(session, make, settle_tie=False)
    outsider = make.user("Alguém de fora")
    session.commit()
    cases = [
        (["nao-existe", "--by", s.secretary.email], "no conference with slug 'nao-existe'"),
        ([sc.SLUG, "--by", "ninguem@exemplo.org"], "no account with the e-mail 'ninguem@exemplo.org'"),
        ([sc.SLUG, "--by", outsider.email], "not published: Só a secretaria da conferência pode fazer isso."),
        ([sc.SLUG, "--by", s.secretary.email], "not published: O relatório não pode ser publicado: há 1 pendência"),
    ]
    for args, message in cases:
        result = runner.invoke(args=["report", "publish", *args])
        assert result.exit_code == 1 and message in result.output, result.output
        assert "Traceback" not in result.output
    assert versions(session) == []
    assert runner.invoke(args=["report", "publish", sc.SLUG]).exit_code == 2  # --by is required

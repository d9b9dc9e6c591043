"""Generating a conference's report: JSON (build + render) and PDF, with time, query
count and peak memory. Run in its own process: python -m bench.report_bench --db URL --slug S"""

from __future__ import annotations

import argparse
import json
import sys
import time

import sqlalchemy as sa

from app.conferences.queries import get_conference
from app.db import utcnow
from app.extensions import db
from app.reports.build import build_report
from app.reports.data import read_report_input
from app.reports.pdf import render_pdf
from app.reports.render import to_csv, to_json
from bench.common import bench_app, peak_rss_mb


def run(url: str, slug: str, pdf: bool) -> dict:
    app = bench_app(url, create=False)
    with app.app_context(), app.test_request_context("/", base_url="http://127.0.0.1:5000"):
        statements: list[str] = []
        sa.event.listen(db.engine, "before_cursor_execute", lambda *args: statements.append(args[2]))
        conference = get_conference(db.session, slug)
        started = time.perf_counter()
        rows = read_report_input(db.session, conference, generated_at=utcnow())
        read_seconds = time.perf_counter() - started
        report = build_report(rows)
        text, csv_text = to_json(report), to_csv(report)
        json_seconds = time.perf_counter() - started
        out = {"slug": slug, "proposals": len(rows.proposals), "rounds": len(rows.rounds), "queries": len(statements),
               "read_seconds": round(read_seconds, 3), "json_seconds": round(json_seconds, 3),
               "json_bytes": len(text), "csv_bytes": len(csv_text), "deliberations": len(report["deliberations"])}
        if pdf:
            started = time.perf_counter()
            document = render_pdf(report)
            out.update(pdf_seconds=round(time.perf_counter() - started, 2), pdf_bytes=len(document))
        out["peak_rss_mb"] = peak_rss_mb()
        return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--db", required=True)
    parser.add_argument("--slug", required=True)
    parser.add_argument("--no-pdf", action="store_true")
    args = parser.parse_args(argv)
    print(json.dumps(run(args.db, args.slug, not args.no_pdf)))
    return 0


if __name__ == "__main__":
    sys.exit(main())

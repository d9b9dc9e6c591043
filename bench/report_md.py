"""The Markdown table of a benchmark run (printed, saved, and pasted into README.md)."""

from __future__ import annotations


def _yes(ok: bool | None) -> str:
    return "—" if ok is None else ("yes" if ok else "**no**")


def markdown(r: dict) -> str:
    lines = [f"Run of {r['started_at']} ({'quick' if r['quick'] else 'full'} sizes, {r['machine']['cpus']} CPUs, "
             f"Python {r['machine']['python']}, {r['seconds']} s).", ""]
    lines += ["| measure | Plenária | baseline (same run) | ratio | aim | met |", "|---|---|---|---|---|---|"]
    for db_name, t in r["tally"].items():
        lines.append(f"| close a round of {t['delegates']}×{t['proposals']} ({t['votes']:,} votes), {db_name} | "
                     f"{t['close_seconds']} s | bare GROUP BY {t['bare_group_by_seconds']} s | {t['ratio']} | ≤ 1.5 | "
                     f"{_yes(t['ratio'] is not None and t['ratio'] <= 1.5)} |")
    b = r["burst"]
    ours, base = b["plenaria"], b["baseline"]
    lines.append(f"| plenary burst, PostgreSQL: {ours['ballots_sent']} ballots of 20 | {ours['ballots_per_second']} "
                 f"ballots/s (p50 {ours['p50_ms']} ms, p95 {ours['p95_ms']} ms, p99 {ours['p99_ms']} ms) | "
                 f"{base['ballots_per_second']} ballots/s | {b['ratio_to_baseline']} | ≥ 0.5 | "
                 f"{_yes(b['ratio_to_baseline'] is not None and b['ratio_to_baseline'] >= 0.5)} |")
    lines.append(f"| burst integrity: errors, stored = acknowledged | {ours['errors']} errors, "
                 f"{ours['acknowledged']} acknowledged, {ours['ballots']} stored, whole: {ours['ballots_not_whole'] == 0}"
                 f" | | | 0 errors, equal | {_yes(ours['errors'] == 0 and ours['stored_equals_acknowledged'])} |")
    rd, st = b["readers"], b["readers_static"]
    lines.append(f"| readers during a burst ({rd['paths'][0].split('/')[-2]} results, a proposal with its debate) | "
                 f"{rd['requests_per_second']} req/s, p95 {rd['p95_ms']} ms, {rd['errors']} errors | static body of "
                 f"the same size: {st['requests_per_second']} req/s, p95 {st['p95_ms']} ms | "
                 f"{b['readers_ratio_to_static']} | (record) | — |")
    s = r["sqlite"]
    lines.append(f"| SQLite municipal plenary: {s['ballots_sent']} delegates, 2 workers | {s['seconds']} s, "
                 f"{s['ballots_per_second']} ballots/s, {s['errors']} errors, {s['database_locked_messages']} "
                 f"'database is locked' | | | within 60 s, 0 errors, all stored | "
                 f"{_yes(s['within_60s'] and s['errors'] == 0 and s['stored_equals_acknowledged'] and not s['database_locked_messages'])} |")
    t2 = r["two_instances"]
    lines.append(f"| two instances sharing PostgreSQL and Redis: {t2['ballots_sent']} ballots | "
                 f"{t2['ballots_per_second']} ballots/s, {t2['errors']} errors | | | same integrity | "
                 f"{_yes(t2['errors'] == 0 and t2['stored_equals_acknowledged'])} |")
    rss = max(b.get("worker_peak_rss_mb", 0), t2.get("worker_peak_rss_mb", 0), s.get("worker_peak_rss_mb", 0))
    lines.append(f"| peak RSS of a gunicorn worker (bursts and readers) | {rss} MB | | | < 300 MB | {_yes(rss < 300)} |")
    for label, rep in r["report"].items():
        lines.append(f"| report of the {label} conference ({rep['proposals']} proposals, {rep['rounds']} rounds) | "
                     f"JSON {rep['json_seconds']} s, PDF {rep.get('pdf_seconds', '—')} s, {rep['queries']} queries, "
                     f"peak {rep['peak_rss_mb']} MB | | | queries constant | — |")
    reports = list(r["report"].values())
    if len(reports) == 2:
        same = reports[0]["queries"] == reports[1]["queries"]
        lines.append(f"| report queries at both sizes | {reports[0]['queries']} and {reports[1]['queries']} | | | "
                     f"equal | {_yes(same)} |")
    lines += ["", "| page | municipal ms | municipal queries | national ms | national queries | ratio | aim | met |",
              "|---|---|---|---|---|---|---|---|"]
    labels = list(r["pages"])
    if len(labels) == 2:
        small, large = r["pages"][labels[0]], r["pages"][labels[1]]
        for a, z in zip(small, large, strict=True):
            ratio = round(z["median_ms"] / a["median_ms"], 2) if a["median_ms"] else None
            paginated = a["name"] in ("proposal list", "proposal with its debate", "conference page")
            aim = "same queries, ≤ 3×" if paginated else "same queries"
            met = a["queries"] == z["queries"] and (not paginated or (ratio is not None and ratio <= 3))
            # A redirect or an error page is fast and cheap: it must never pass for the page.
            statuses = {a.get("status", 200), z.get("status", 200)}
            met = met and statuses == {200}
            note = "" if statuses == {200} else f" (HTTP {'/'.join(map(str, sorted(statuses)))})"
            lines.append(f"| {a['name']}{note} | {a['median_ms']} | {a['queries']} | {z['median_ms']} | {z['queries']} | "
                         f"{ratio} | {aim} | {_yes(met)} |")
    return "\n".join(lines) + "\n"

"""The benchmark suite: `make bench` (full sizes) or `make bench-quick` (under 3 minutes).

Every figure that depends on this shared, noisy machine is reported as a ratio to a
baseline measured in the same run, beside the absolute numbers. Results go to
bench/results/<timestamp>.json and .md (and bench/results/latest.md).
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import json
import os
import platform
import subprocess  # noqa: S404 - runs our own bench modules
import sys
import time
from pathlib import Path

from app.extensions import db
from bench import burst as bursts
from bench import pages
from bench.common import PG_URL, SQLITE_URL, bench_app, fresh_database
from bench.generate import Generated, add_round, generate
from bench.readers import read_for
from bench.report_md import markdown
from bench.servers import gunicorn, workers_peak_rss_mb
from bench.sizes import QUICK, SIZES, Size

RESULTS = Path(__file__).resolve().parent / "results"
PER_BALLOT = 20


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", flush=True)


def subprocess_json(module: str, *args: str) -> dict:
    out = subprocess.run([sys.executable, "-m", module, *args], capture_output=True, text=True, check=False)  # noqa: S603
    if out.returncode != 0:
        raise RuntimeError(f"{module} failed: {out.stderr[-2000:]}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def app_env(url: str, **extra: str) -> dict[str, str]:
    return {"DATABASE_URL": url, "SECRET_KEY": "bench-secret", "PLENARIA_CONFIG": "development",
            "LOGIN_LIMIT_PER_ADDRESS": "1000000 per minute", "LOGIN_LIMIT_PER_ACCOUNT": "1000 per minute", **extra}


def voters_of(generated: Generated, n: int) -> list[bursts.Voter]:
    return [bursts.Voter(email, pid, segment) for pid, segment, email in generated.delegates[:n]]


def tally_step(quick: bool) -> dict:
    delegates, proposals = (300, 50) if quick else (2000, 500)
    out = {}
    for name, url in (("postgresql", PG_URL), ("sqlite", SQLITE_URL)):
        log(f"tally: closing a round of {delegates} × {proposals} on {name}")
        out[name] = subprocess_json("bench.tally_bench", "--db", url, "--delegates", str(delegates),
                                    "--proposals", str(proposals), "--repeat", "3")
    return out


def datasets(app, quick: bool) -> dict[str, tuple[Size, Generated, int]]:  # type: ignore[no-untyped-def]
    sizes = QUICK if quick else {"municipal": SIZES["municipal"], "national": SIZES["national"]}
    built = {}
    for label, size in sizes.items():
        log(f"generating the {size.name} conference")
        generated = generate(app, size, seed=2019, slug=f"bench-{label}")
        largest = min(500, size.proposals)
        results_round, _ = add_round(app, generated, proposals=largest, voters=min(100, size.delegates), close=True,
                                     title="Rodada de resultados")
        built[label] = (size, generated, results_round)
    return built


def pages_step(app, built) -> dict:  # type: ignore[no-untyped-def]
    out = {}
    for label, (_size, generated, results_round) in built.items():
        log(f"pages at {label} size")
        out[label] = [vars(p) for p in pages.measure_all(app, generated, results_round)]
    return out


def report_step(built, quick: bool) -> dict:  # type: ignore[no-untyped-def]
    out = {}
    for label, (_size, generated, _r) in built.items():
        log(f"report JSON and PDF at {label} size")
        out[label] = subprocess_json("bench.report_bench", "--db", PG_URL, "--slug", generated.slug)
    return out


async def _prepared_burst(app, generated, ports, n, title):  # type: ignore[no-untyped-def]
    round_id, items = add_round(app, generated, proposals=PER_BALLOT, title=title)
    voters = voters_of(generated, n)
    await bursts.prepare(voters, ports, generated.slug, round_id)
    return round_id, items, voters


def burst_step(app, generated: Generated, n: int, readers_n: int, read_seconds: float) -> dict:  # type: ignore[no-untyped-def]
    out: dict = {}
    with app.app_context():
        engine = db.engine
    baseline_round, baseline_items = add_round(app, generated, proposals=PER_BALLOT, title="Linha de base")
    with gunicorn("bench.baseline_app:app", workers=4, env={"BASELINE_DATABASE_URL": PG_URL}) as (port, _proc):
        log(f"burst baseline: {n} ballots to the psycopg-only app")
        base = asyncio.run(bursts.baseline_burst(voters_of(generated, n), port, baseline_round, baseline_items))
    out["baseline"] = {**base.summary(), **bursts.integrity(base, bursts.stored(engine, baseline_round, PER_BALLOT),
                                                            PER_BALLOT)}
    with gunicorn("app:create_app()", workers=4, env=app_env(PG_URL)) as (port, proc):
        round_id, items, voters = asyncio.run(_prepared_burst(app, generated, [port], n, "Rajada"))
        log(f"burst: {n} delegates post a ballot of {PER_BALLOT} proposals")
        ours = asyncio.run(bursts.burst(voters, generated.slug, round_id, items))
        out["plenaria"] = {**ours.summary(), **bursts.integrity(
            ours, bursts.stored(engine, round_id, PER_BALLOT), PER_BALLOT,
            bursts.receipts_stored(engine, round_id, ours.receipts))}
        out["ratio_to_baseline"] = round(ours.per_second / base.per_second, 2) if base.per_second else None

        log(f"readers: {readers_n} anonymous readers for {read_seconds:.0f}s while another burst runs")
        closed = generated.closed_round_ids[0]
        paths = [f"/conferencias/{generated.slug}/votacoes/{closed}/resultado",
                 f"/conferencias/{generated.slug}/propostas/{generated.second_reader_proposal}"]
        background_round, background_items, background_voters = asyncio.run(
            _prepared_burst(app, generated, [port], n, "Rajada com leitores"))

        async def both():  # type: ignore[no-untyped-def]
            return await asyncio.gather(
                read_for(port, paths, readers_n, read_seconds),
                bursts.burst(background_voters, generated.slug, background_round, background_items, concurrency=16))

        reads, background = asyncio.run(both())
        sizes = [len(asyncio.run(bursts.Session("127.0.0.1", port).request("GET", p)).body) for p in paths]
        out["readers"] = {**reads.summary(), "paths": paths, "page_bytes": sizes,
                          "background_burst": background.summary()}
        out["worker_peak_rss_mb"] = workers_peak_rss_mb(proc.pid)
    with gunicorn("bench.static_app:app", workers=4, env={"STATIC_SIZE": str(max(sizes))}) as (port, _proc):
        log("readers baseline: the same readers against a static body of the same size")
        static = asyncio.run(read_for(port, ["/"], readers_n, read_seconds))
    out["readers_static"] = static.summary()
    rps = reads.requests / reads.seconds if reads.seconds else 0
    srps = static.requests / static.seconds if static.seconds else 0
    out["readers_ratio_to_static"] = round(rps / srps, 3) if srps else None
    return out


def two_instances_step(app, generated: Generated, n: int) -> dict:  # type: ignore[no-untyped-def]
    env = app_env(PG_URL, RATELIMIT_STORAGE_URI="redis://127.0.0.1:6379/14")
    with app.app_context():
        engine = db.engine
    with gunicorn("app:create_app()", workers=2, env=env) as (port_a, proc_a), \
            gunicorn("app:create_app()", workers=2, env=env) as (port_b, proc_b):
        round_id, items, voters = asyncio.run(_prepared_burst(app, generated, [port_a, port_b], n, "Duas instâncias"))
        log(f"two instances: {n} ballots split across ports {port_a} and {port_b}")
        result = asyncio.run(bursts.burst(voters, generated.slug, round_id, items))
        rss = max(workers_peak_rss_mb(proc_a.pid), workers_peak_rss_mb(proc_b.pid))
    return {**result.summary(), **bursts.integrity(result, bursts.stored(engine, round_id, PER_BALLOT), PER_BALLOT,
                                                  bursts.receipts_stored(engine, round_id, result.receipts)),
            "worker_peak_rss_mb": rss, "limiter_storage": "redis://127.0.0.1:6379/14"}


def sqlite_step(n: int) -> dict:
    log(f"SQLite: a municipal plenary of {n} delegates through 2 workers")
    fresh_database(SQLITE_URL)
    app = bench_app(SQLITE_URL)
    generated = generate(app, Size("plenary", participants=n, delegates=n, proposals=40, comments=0, rounds=0,
                                   proposals_per_round=PER_BALLOT), seed=3, slug="bench-sqlite")
    with app.app_context():
        engine = db.engine
    with gunicorn("app:create_app()", workers=2, env=app_env(SQLITE_URL)) as (port, proc):
        round_id, items, voters = asyncio.run(_prepared_burst(app, generated, [port], n, "Plenária municipal"))
        result = asyncio.run(bursts.burst(voters, generated.slug, round_id, items, concurrency=32))
        rss = workers_peak_rss_mb(proc.pid)
    return {**result.summary(), **bursts.integrity(result, bursts.stored(engine, round_id, PER_BALLOT), PER_BALLOT,
                                                  bursts.receipts_stored(engine, round_id, result.receipts)),
            "worker_peak_rss_mb": rss, "within_60s": result.seconds <= 60}


def ensure_services() -> None:
    script = Path(__file__).with_name("ensure_services.sh")
    subprocess.run(["bash", str(script)], check=True)  # noqa: S603, S607


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="reduced sizes, under 3 minutes")
    args = parser.parse_args(argv)
    started = time.perf_counter()
    ensure_services()
    results: dict = {"started_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"), "quick": args.quick,
                     "machine": {"cpus": os.cpu_count(), "python": platform.python_version()}}
    results["tally"] = tally_step(args.quick)
    fresh_database(PG_URL)
    app = bench_app(PG_URL)
    built = datasets(app, args.quick)
    results["pages"] = pages_step(app, built)
    results["report"] = report_step(built, args.quick)
    national = built["national"][1]
    n = 300 if args.quick else 2000
    results["burst"] = burst_step(app, national, n, readers_n=50 if args.quick else 200,
                                  read_seconds=5 if args.quick else 20)
    results["two_instances"] = two_instances_step(app, national, n)
    results["sqlite"] = sqlite_step(300)
    results["seconds"] = round(time.perf_counter() - started, 1)
    write(results)
    return 0


def write(results: dict) -> None:
    RESULTS.mkdir(exist_ok=True)
    stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%SZ")
    (RESULTS / f"{stamp}.json").write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n")
    table = markdown(results)
    (RESULTS / f"{stamp}.md").write_text(table)
    (RESULTS / ("latest-quick.md" if results["quick"] else "latest.md")).write_text(table)
    print(table)
    log(f"results in bench/results/{stamp}.json and .md ({results['seconds']} s)")


if __name__ == "__main__":
    sys.exit(main())

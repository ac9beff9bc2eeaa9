"""What every page costs the server: in-process p50/p95 and SQL statements, against a floor.

Every page in tests/a11y/registry.py is asked for ``BENCH_PAGE_REQUESTS`` (100) times after a
warm-up, in-process (Flask test client: no network, no gunicorn, so the figure is the app, its
templates and the database), by the registry's own session (tests/visitors.py: the browser
suite's seeded data and sign-ins) on a temporary SQLite file, or with ``BENCH_DATABASE_URL`` a
schema of its own on that PostgreSQL (dropped afterwards). The floor, in the same run: a bare
Flask route and a bare Jinja page (a static template of about 20 KB, the size of a large page),
each through its own Flask test client, measured before and after the pages; ratios are to the
mean of the two, as the machine's load may change during the run. Printed slowest first: p50
and p95 in ms, the p50 of the CPU time (steadier when other work shares the machine),
statements per request, the page's HTML size, and p50 as a multiple of each floor; written to
bench/results/pages.md. Then the three slowest pages are profiled with cProfile: the top 15
functions by cumulative time, then the 8 with the most time of their own, per request (the test
client's and Flask's request plumbing, on every request's path, left out); printed and written
to bench/results/pages-profile.txt. A registry entry that cannot be reached in-process (it
answers another status than the registry expects, or fails) is listed with the reason instead.
Usage: ``make bench`` (or ``.venv/bin/python bench/pages.py``).
"""

from __future__ import annotations

import cProfile
import os
import pstats
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Callable

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

REQUESTS = int(os.environ.get("BENCH_PAGE_REQUESTS", "100"))  # 200 takes over 3 minutes on 2 busy CPUs
WARM_UP = 5
PROFILED = 3  # the slowest pages
PROFILE_REQUESTS = 50
TOP = 15
OWN_TOP = 8  # also listed: where the time is actually spent
FLOOR_BYTES = 20 * 1024
SCHEMA = "bench_pages"
RESULTS = ROOT / "bench" / "results" / "pages.md"
PROFILE = ROOT / "bench" / "results" / "pages-profile.txt"


@dataclass
class Row:
    name: str
    who: str
    path: str
    p50: float  # ms, wall clock
    p95: float
    cpu: float  # p50 ms of this thread's CPU time: steadier than the wall clock when other work shares the CPUs
    queries: int
    size: int  # bytes of HTML, uncompressed


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(int(len(ordered) * share), len(ordered) - 1)]


def timed(get: Callable[[], object], n: int) -> tuple[float, float, float]:
    """p50 and p95 in ms of ``n`` calls of ``get``, and the p50 of the CPU time they took."""
    times, cpu = [], []
    for _ in range(n):
        start, start_cpu = time.perf_counter(), time.thread_time()
        get()
        times.append((time.perf_counter() - start) * 1000)
        cpu.append((time.thread_time() - start_cpu) * 1000)
    return statistics.median(times), percentile(times, 0.95), statistics.median(cpu)


def floor_apps():  # type: ignore[no-untyped-def]
    """A bare Flask route and a bare Jinja page of about FLOOR_BYTES (a static template, no variables)."""
    from flask import Flask, render_template
    from jinja2 import DictLoader

    bare = Flask("bare")
    bare.get("/")(lambda: "<!doctype html><title>bare</title><h1>Hello</h1>")
    paragraph = ("<p>Take part in shaping the services you use. We pay for your time and your travel, "
                 "and we can help with anything that makes it easier to join in.</p>\n")
    body = paragraph * (FLOOR_BYTES // len(paragraph))
    jinja = Flask("bare_jinja")
    jinja.jinja_loader = DictLoader({"page.html": f"<!doctype html><html lang=en><title>bare</title>"
                                                  f"<main><h1>Hello</h1>\n{body}</main></html>"})
    jinja.get("/")(lambda: render_template("page.html"))
    return bare.test_client(), jinja.test_client()


def measure_floor(n: int) -> list[Row]:
    bare, jinja = floor_apps()
    rows = []
    for name, client in (("bare Flask route", bare), ("bare Jinja page (static, ~20 KB)", jinja)):
        size = len(client.get("/").get_data())
        for _ in range(WARM_UP):
            client.get("/")
        rows.append(Row(name, "", "/", *timed(lambda: client.get("/"), n), 0, size))
    return rows


#: The test client and Flask's request plumbing: on every request's path, so at the top of any
#: cumulative list and telling nothing about the page. Left out of the profile's list.
PLUMBING = {("werkzeug/test.py", None), ("flask/testing.py", None), ("bench/pages.py", None),
            ("flask/app.py", "__call__"), ("flask/app.py", "wsgi_app"), ("flask/app.py", "full_dispatch_request"),
            ("flask/app.py", "dispatch_request")}


def _where(file: str, line: int, function: str) -> tuple[str, str]:
    """``.../site-packages/jinja2/environment.py`` -> ``jinja2/environment.py:1275(render)``, and its short file."""
    parts = Path(file).parts
    short = "/".join(parts[-2:]) if len(parts) > 1 else file
    return short, (f"{short}:{line}({function})" if line else function)


def profile(get: Callable[[], object], n: int) -> str:
    """The top functions by cumulative time over ``n`` requests, per request (plumbing left out)."""
    profiler = cProfile.Profile()
    profiler.enable()
    for _ in range(n):
        get()
    profiler.disable()
    stats = pstats.Stats(profiler).stats  # type: ignore[attr-defined]
    rows = []
    for (file, line, function), (_, calls, own, cumulative, _) in stats.items():
        short, where = _where(file, line, function)
        if (short, None) in PLUMBING or (short, function) in PLUMBING:
            continue
        rows.append((cumulative, own, calls, where))
    def listed(chosen: list[tuple[float, float, int, str]]) -> list[str]:
        return [f"{cum * 1000 / n:10.2f} {own * 1000 / n:10.2f} {calls / n:9.1f}  {where}"
                for cum, own, calls, where in chosen]

    heading = f"{'cum ms/req':>10} {'own ms/req':>10} {'calls/req':>9}  function"
    by_own = sorted(rows, key=lambda row: row[1], reverse=True)[:OWN_TOP]
    return "\n".join([heading, *listed(sorted(rows, reverse=True)[:TOP]),
                      f"  and the {OWN_TOP} with the most time of their own:", *listed(by_own)])


def drop_schema(url: str) -> None:
    from sqlalchemy import create_engine, text

    engine = create_engine(url)
    with engine.begin() as conn:
        conn.execute(text(f'DROP SCHEMA IF EXISTS "{SCHEMA}" CASCADE'))
    engine.dispose()


def main() -> None:
    pg = os.environ.get("BENCH_DATABASE_URL")
    if pg:
        os.environ["TEST_DATABASE_URL"] = pg  # tests/conftest.py fresh_database: a schema of its own
    else:
        os.environ.pop("TEST_DATABASE_URL", None)
    from tests.a11y.registry import PAGES
    from tests.visitors import registry_site, statements

    began = time.perf_counter()
    rows: list[Row] = []
    skipped: list[tuple[str, str]] = []
    profiles: list[tuple[Row, str]] = []
    with tempfile.TemporaryDirectory(prefix="takepart-pages-") as tmp:
        with registry_site(Path(tmp), SCHEMA) as (app, visitors):
            before = measure_floor(REQUESTS)
            for entry in PAGES:
                if entry.who not in visitors:
                    skipped.append((entry.name, f"no in-process sign-in for the session {entry.who!r} "
                                                f"(tests/visitors.py sign_in_client)"))
                    continue
                client = visitors[entry.who]

                def get(client=client, path=entry.path):  # type: ignore[no-untyped-def]
                    return client.get(path)

                try:
                    response = get()
                except Exception as error:  # noqa: BLE001 (reported, and the run goes on)
                    skipped.append((entry.name, f"{type(error).__name__}: {error}"))
                    continue
                if response.status_code != entry.expected_status:
                    skipped.append((entry.name, f"answers {response.status_code} in-process, "
                                                f"the registry expects {entry.expected_status}"))
                    continue
                for _ in range(WARM_UP - 1):
                    get()
                with statements(app) as sent:
                    size = len(get().get_data())
                rows.append(Row(entry.name, entry.who, entry.path, *timed(get, REQUESTS), len(sent), size))
                print(".", end="", flush=True)
            print()
            after = measure_floor(REQUESTS)  # the machine's load may change during the run
            rows.sort(key=lambda row: row.p50, reverse=True)
            for row in rows[:PROFILED]:
                client = visitors[next(e.who for e in PAGES if e.name == row.name)]
                profiles.append((row, profile(lambda: client.get(row.path), PROFILE_REQUESTS)))
        if pg:
            drop_schema(pg)

    for row in before:
        row.name += ", before the pages"
    for row in after:
        row.name += ", after"
    floor = [before[0], after[0], before[1], after[1]]
    bare, jinja = (before[0].p50 + after[0].p50) / 2, (before[1].p50 + after[1].p50) / 2
    cpus = os.cpu_count()
    title = (f"Take Part pages, in-process: {REQUESTS} requests each after {WARM_UP} to warm up, "
             f"{'PostgreSQL' if pg else 'SQLite'}, {cpus} CPUs, load average {os.getloadavg()[0]:.1f}, "
             f"{date.today().isoformat()}")
    header = ["| page | who | p50 ms | p95 ms | CPU p50 ms | queries | KB | p50 × bare route | p50 × bare Jinja |",
              "|---|---|---:|---:|---:|---:|---:|---:|---:|"]

    def line(row: Row) -> str:
        return (f"| {row.name} | {row.who} | {row.p50:.2f} | {row.p95:.2f} | {row.cpu:.2f} | {row.queries} "
                f"| {row.size / 1024:.1f} | {row.p50 / bare:.1f} | {row.p50 / jinja:.1f} |")

    table = [f"# {title}", "", "Floor, in the same run (ratios are to the mean p50 of before and after):", "",
             *header, *(line(row) for row in floor), "",
             "Every page in tests/a11y/registry.py, slowest first (queries: SQL statements per request):", "",
             *header, *(line(row) for row in rows)]
    if skipped:
        table += ["", "Not measured (cannot be reached in-process):", ""]
        table += [f"- {name}: {reason}" for name, reason in skipped]
    table += ["", f"{len(rows)} pages measured in {time.perf_counter() - began:.0f} s.", ""]
    RESULTS.parent.mkdir(exist_ok=True)
    RESULTS.write_text("\n".join(table), encoding="utf-8")

    print(title)
    print(f"{'page':58} {'who':11} {'p50 ms':>7} {'p95 ms':>7} {'CPU ms':>7} {'queries':>7} {'KB':>5} "
          f"{'×bare':>6} {'×jinja':>6}")
    for row in floor + [None] + rows:  # type: ignore[operator]
        if row is None:
            print("-" * 121)
            continue
        print(f"{row.name[:58]:58} {row.who:11} {row.p50:7.2f} {row.p95:7.2f} {row.cpu:7.2f} {row.queries:7d} "
              f"{row.size / 1024:5.1f} {row.p50 / bare:6.1f} {row.p50 / jinja:6.1f}")
    for name, reason in skipped:
        print(f"not measured: {name}: {reason}")
    report = [f"{title}: cProfile of the {PROFILED} slowest pages, {PROFILE_REQUESTS} requests each, "
              f"top {TOP} functions by cumulative time (ms per request; the test client's and Flask's own "
              f"request plumbing left out)", ""]
    for row, text in profiles:
        report += [f"== {row.name} ({row.path}, as {row.who}; p50 {row.p50:.2f} ms, {row.queries} queries)", text, ""]
    PROFILE.write_text("\n".join(report), encoding="utf-8")
    print("\n" + "\n".join(report))
    print(f"written to {RESULTS.relative_to(ROOT)} and {PROFILE.relative_to(ROOT)} "
          f"({time.perf_counter() - began:.0f} s)")


if __name__ == "__main__":
    main()

"""Throughput and latency of Take Part against a bare Flask route, and page weight.

Starts gunicorn (workers = 2 x cores) twice on loopback — once with Take Part on a
migrated database with demo data (BENCH_DATABASE_URL, or a temporary SQLite file), once
with bench/bare.py — and drives each with Locust, headless (bench/locustfile.py):
requests per second for each page with ``BENCH_USERS`` users and the ratio to the bare
route; p50/p95/p99 of sending an expression of interest and a claim with one receipt with
20 people at once; the gzipped bytes of a first and a second load of each contributor page
(bench/weight.py). The table is written to bench/results/latest.md too. Figures are ratios
measured in one run because the machines are noisy. Usage: ``make bench`` (BENCH_SECONDS,
BENCH_USERS to tune).
"""

from __future__ import annotations

import http.client
import os
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

RESULTS = ROOT / "bench" / "results" / "latest.md"
SECONDS = float(os.environ.get("BENCH_SECONDS", "5"))
USERS = int(os.environ.get("BENCH_USERS", "8"))
PEOPLE = 20  # sending forms at once, for the latency figures
STAFF = ("officer@example.org", "takepart-demo-password")  # from flask demo-data


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_until_up(port: int, timeout: float = 30) -> None:
    deadline = time.time() + timeout
    while time.time() < deadline:
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            conn.request("GET", "/")
            conn.getresponse().read()
            return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"server on port {port} did not start")


def start(target: str, env: dict[str, str]) -> tuple[subprocess.Popen[bytes], int]:
    port = free_port()
    workers = 2 * (os.cpu_count() or 1)
    proc = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "-w", str(workers), "-b", f"127.0.0.1:{port}", "--log-level", "warning",
         target],
        cwd=ROOT, env=env,
    )
    wait_until_up(port)
    return proc, port


def locust(port: int, user: str, users: int, seconds: float, **env: str) -> dict[str, dict[str, str]]:
    """Run one Locust user class headless against the server on ``port``; its stats by request name."""
    import csv

    prefix = Path(tempfile.mkdtemp(prefix="takepart-locust-")) / "run"
    subprocess.run([str(Path(sys.executable).parent / "locust"), "-f", str(ROOT / "bench" / "locustfile.py"),
                    "--headless", "-u", str(users), "-r", str(users), "-t", f"{seconds:.0f}s", "--host",
                    f"http://127.0.0.1:{port}", "--csv", str(prefix), "--only-summary", "--loglevel", "ERROR",
                    "--stop-timeout", "10", user], cwd=ROOT, env=dict(os.environ, **env), capture_output=True,
                   timeout=seconds + 120, check=False)  # Locust exits 1 when any request failed: counted below
    with open(f"{prefix}_stats.csv", newline="", encoding="utf-8") as stats:
        return {row["Name"]: row for row in csv.DictReader(stats)}


def load(port: int, path: str, **env: str) -> tuple[float, int]:
    """Requests per second for ``path`` with ``USERS`` Locust users, and how many failed."""
    row = locust(port, "PageUser", USERS, SECONDS, BENCH_PATH=path, **env)["page"]
    return float(row["Requests/s"]), int(row["Failure Count"])


def page_weight(port: int, path: str) -> dict[str, int]:
    import re

    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    conn.request("GET", path)
    html = conn.getresponse().read()
    sizes = {"html": len(html)}
    for ref in re.findall(rb'(?:href|src)="(/static/[^"]+)"', html):
        conn.request("GET", ref.decode())
        body = conn.getresponse().read()
        kind = ref.split(b"?")[0].rsplit(b".", 1)[-1].decode()  # without the ?v= fingerprint
        sizes[kind] = sizes.get(kind, 0) + len(body)
    conn.close()
    return sizes


def compressed_weight(port: int, path: str) -> tuple[int, int]:
    """Gzipped bytes of a first load of ``path`` (page, CSS, JS, icons) and of a second (cached files kept)."""
    from bench.weight import measure

    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)

    def fetch(ref: str) -> tuple[int, dict[str, str], bytes]:
        conn.request("GET", ref, headers={"Accept-Encoding": "gzip"})
        resp = conn.getresponse()
        return resp.status, dict(resp.getheaders()), resp.read()

    base = urlsplit(os.environ.get("BASE_URL", "http://127.0.0.1:5000")).netloc
    try:
        weight = measure(fetch, path, (f"127.0.0.1:{port}", base))
    finally:
        conn.close()
    return weight.first, weight.second


def sign_in_links(url: str, tmp: str) -> None:
    """Sign-in links for the claim senders (``bench-token-N``: Sam, from the demo data)."""
    from datetime import timedelta

    from app import create_app, db
    from app.account import service as accounts
    from app.settings import Settings

    app = create_app(Settings().replace(database_url=url, mail_outbox=f"{tmp}/outbox", testing=True))
    with app.test_request_context():
        sam = accounts.find_by_email("sam@example.org")
        for n in range(PEOPLE * 4):  # Locust may start a user again
            accounts.issue_sign_in(sam.email, sam, timedelta(hours=2), token=f"bench-token-{n}")
        db.session().commit()
    app.extensions["db_engine"].dispose()


def main() -> None:
    from app import db

    tmp = tempfile.mkdtemp(prefix="takepart-bench-")
    url = os.environ.get("BENCH_DATABASE_URL") or f"sqlite:///{tmp}/bench.sqlite3"
    db.upgrade(url)
    env = dict(os.environ, DATABASE_URL=url, MAIL_OUTBOX=f"{tmp}/outbox", UPLOAD_DIR=f"{tmp}/uploads",
               LOG_LEVEL="WARNING", SIGN_IN_IP_LIMIT="100000000")  # all the bench's people share one address
    subprocess.run([sys.executable, "-m", "flask", "--app", "app:create_app", "demo-data"], cwd=ROOT, env=env,
                   check=True, capture_output=True)
    sign_in_links(url, tmp)

    bare, bare_port = start("bench.bare:app", env)
    try:
        bare_rps, bare_err = load(bare_port, "/")
    finally:
        bare.terminate()
        bare.wait()

    app, port = start("wsgi:app", env)
    rows = []
    try:
        for name, path, staff, contributor_page in [
            ("home (en)", "/", False, True),
            ("home (ar, easy read)", "/?lang=ar&easy-read=on", False, True),
            ("accessibility statement", "/accessibility", False, True),
            ("find a role: the public role list", "/roles/", False, True),
            ("a role page (Welsh)", "/roles/1?lang=cy", False, True),
            ("a form page: interest, first page", "/roles/1/interest/who", False, True),
            ("staff claims queue (signed in)", "/staff/claims/", True, False),
            ("staff sign in", "/staff/sign-in", False, False),
            ("health check", "/healthz", False, False),
        ]:
            rps, err = load(port, path, **({"BENCH_STAFF": STAFF[0], "BENCH_STAFF_PASSWORD": STAFF[1]} if staff
                                          else {}))
            rows.append((name, rps, err, compressed_weight(port, path) if contributor_page else None))
        latency = [(label, locust(port, user, PEOPLE, max(SECONDS * 2, 10))[request])
                   for label, user, request in (("send an expression of interest", "InterestUser", "send interest"),
                                                ("send a claim with one receipt", "ClaimUser", "send claim"))]
        weight = page_weight(port, "/")
    finally:
        app.terminate()
        app.wait()

    db_kind = "PostgreSQL" if url.startswith("postgresql") else "SQLite"
    title = (f"Take Part bench: Locust, {USERS} users x {SECONDS:.0f}s per route, "
             f"gunicorn {2 * (os.cpu_count() or 1)} workers, {db_kind}, {os.cpu_count()} cores")
    print(title)
    print(f"{'route':32} {'req/s':>9} {'vs bare':>8} {'errors':>7} {'1st load':>9} {'2nd load':>9}")
    print(f"{'bare Flask route (baseline)':32} {bare_rps:9.0f} {1.0:8.2f} {bare_err:7d}")
    table = [f"# {title}", "",
             "First and second load: gzipped bytes of the page and its same-origin CSS, JS and icons;",
             "a second load keeps the files cached for a year (bench/weight.py). Budget: 25 KiB (25,600 bytes).", "",
             "| route | req/s | vs bare | errors | first load (bytes) | second load (bytes) |",
             "|---|---:|---:|---:|---:|---:|",
             f"| bare Flask route (baseline) | {bare_rps:.0f} | 1.00 | {bare_err} | | |"]
    for name, rps, err, sizes in rows:
        first, second = (f"{sizes[0]:,}", f"{sizes[1]:,}") if sizes else ("", "")
        print(f"{name:32} {rps:9.0f} {rps / bare_rps:8.2f} {err:7d} {first:>9} {second:>9}")
        table.append(f"| {name} | {rps:.0f} | {rps / bare_rps:.2f} | {err} | {first} | {second} |")
    print(f"\nSending forms, {PEOPLE} people at once (ms)   p50    p95    p99   sent  failed")
    table += ["", f"Sending forms, {PEOPLE} people at once (ms; target p95 50 ms or less on PostgreSQL):", "",
              "| form | p50 | p95 | p99 | sent | failed |", "|---|---:|---:|---:|---:|---:|"]
    for label, row in latency:
        figures = [row["50%"], row["95%"], row["99%"], row["Request Count"], row["Failure Count"]]
        print(f"{label:38} {figures[0]:>6} {figures[1]:>6} {figures[2]:>6} {figures[3]:>6} {figures[4]:>6}")
        table.append(f"| {label} | " + " | ".join(figures) + " |")
    total = sum(weight.values())
    parts = ", ".join(f"{k} {v / 1024:.1f} KiB" for k, v in sorted(weight.items()))
    print(f"home page weight (uncompressed): {total / 1024:.1f} KiB ({parts})")
    table += ["", f"Home page weight (uncompressed): {total / 1024:.1f} KiB ({parts})"]
    RESULTS.parent.mkdir(exist_ok=True)
    RESULTS.write_text("\n".join(table) + "\n", encoding="utf-8")
    print(f"written to {RESULTS.relative_to(ROOT)}")


if __name__ == "__main__":
    main()

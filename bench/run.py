"""Throughput of Take Part's pages against a bare Flask route, and page weight.

Starts gunicorn (workers = 2 x cores) twice on loopback — once with Take Part on a
migrated database (BENCH_DATABASE_URL, or a temporary SQLite file), once with
bench/bare.py — and drives each with the same bounded, threaded HTTP client.
Prints requests per second, the ratio to the bare route, and the bytes a phone
downloads for the home page. Figures are ratios measured in one run because the
machines are noisy. Usage: ``make bench`` (BENCH_SECONDS, BENCH_THREADS to tune).
"""

from __future__ import annotations

import http.client
import os
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

SECONDS = float(os.environ.get("BENCH_SECONDS", "5"))
THREADS = int(os.environ.get("BENCH_THREADS", "8"))
MAX_REQUESTS = 200_000  # a hard bound on every load loop


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


def load(port: int, path: str, headers: dict[str, str] | None = None) -> tuple[float, int]:
    """Requests per second for ``path`` over SECONDS with THREADS keep-alive clients."""
    done = [0]
    errors = [0]
    lock = threading.Lock()
    stop = time.time() + SECONDS

    def worker() -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        n = 0
        while time.time() < stop and n < MAX_REQUESTS // THREADS:
            try:
                conn.request("GET", path, headers=headers or {})
                resp = conn.getresponse()
                resp.read()
                ok = resp.status == 200
            except OSError:
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
                ok = False
            n += 1
            with lock:
                done[0] += ok
                errors[0] += not ok
        conn.close()

    threads = [threading.Thread(target=worker) for _ in range(THREADS)]
    started = time.time()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return done[0] / (time.time() - started), errors[0]


def page_weight(port: int, path: str) -> dict[str, int]:
    import re

    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    conn.request("GET", path)
    html = conn.getresponse().read()
    sizes = {"html": len(html)}
    for ref in re.findall(rb'(?:href|src)="(/static/[^"]+)"', html):
        conn.request("GET", ref.decode())
        body = conn.getresponse().read()
        kind = ref.rsplit(b".", 1)[-1].decode()
        sizes[kind] = sizes.get(kind, 0) + len(body)
    conn.close()
    return sizes


def main() -> None:
    from app import db

    tmp = tempfile.mkdtemp(prefix="takepart-bench-")
    url = os.environ.get("BENCH_DATABASE_URL") or f"sqlite:///{tmp}/bench.sqlite3"
    db.upgrade(url)
    env = dict(os.environ, DATABASE_URL=url, MAIL_OUTBOX=f"{tmp}/outbox", LOG_LEVEL="WARNING")
    subprocess.run([sys.executable, "-m", "flask", "--app", "app:create_app", "demo-data"], cwd=ROOT, env=env,
                   check=True, capture_output=True)

    bare, bare_port = start("bench.bare:app", env)
    try:
        bare_rps, bare_err = load(bare_port, "/")
    finally:
        bare.terminate()
        bare.wait()

    app, port = start("wsgi:app", env)
    rows = []
    try:
        for name, path, headers in [
            ("home (en)", "/", None),
            ("home (ar, easy read)", "/?lang=ar&easy-read=on", None),
            ("accessibility statement", "/accessibility", None),
            ("staff sign in", "/staff/sign-in", None),
            ("find a role (3 roles)", "/roles/", None),
            ("a role page (Welsh)", "/roles/1?lang=cy", None),
            ("interest form, first page", "/roles/1/interest/who", None),
            ("health check", "/healthz", None),
        ]:
            rps, err = load(port, path, headers)
            rows.append((name, rps, err))
        weight = page_weight(port, "/")
    finally:
        app.terminate()
        app.wait()

    db_kind = "PostgreSQL" if url.startswith("postgresql") else "SQLite"
    print(f"Take Part bench: {THREADS} client threads x {SECONDS:.0f}s per route, "
          f"gunicorn {2 * (os.cpu_count() or 1)} workers, {db_kind}")
    print(f"{'route':32} {'req/s':>9} {'vs bare':>8} {'errors':>7}")
    print(f"{'bare Flask route (baseline)':32} {bare_rps:9.0f} {1.0:8.2f} {bare_err:7d}")
    for name, rps, err in rows:
        print(f"{name:32} {rps:9.0f} {rps / bare_rps:8.2f} {err:7d}")
    total = sum(weight.values())
    parts = ", ".join(f"{k} {v / 1024:.1f} KiB" for k, v in sorted(weight.items()))
    print(f"home page weight (uncompressed): {total / 1024:.1f} KiB ({parts})")


if __name__ == "__main__":
    main()

"""The staff claims queue at scale: its first page with 1,000 and with 100,000 claims waiting.

The queue pages in the database (an index on status and date, LIMIT/OFFSET, a count),
and counts only up to 1,001 matches, so its time should not grow with the number of
claims. For each size this makes a fresh migrated database (a temporary SQLite file, or
with BENCH_DATABASE_URL a schema of its own on that PostgreSQL, dropped afterwards), signs
an officer in, asks for the first page BENCH_QUEUE_REQUESTS times in-process (no network,
so the figure is the app and the database), and prints p50/p95 and the ratio, then the
query plans. Usage: ``make bench`` (or ``python bench/staff_queue.py``).
"""

from __future__ import annotations

import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from app import create_app, db  # noqa: E402
from app.settings import Settings  # noqa: E402
from bench.export import database, generate  # noqa: E402

REQUESTS = int(os.environ.get("BENCH_QUEUE_REQUESTS", "60"))


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(int(len(ordered) * share), len(ordered) - 1)]


def plans(app, database_url: str) -> list[str]:  # type: ignore[no-untyped-def]
    """The database's plan for the queue's page query and its count, the very queries the page runs."""
    from sqlalchemy import text
    from werkzeug.datastructures import MultiDict

    from app.claims.forms import QueueFilterForm
    from app.claims.processing import queue_queries

    explain = "EXPLAIN QUERY PLAN " if database_url.startswith("sqlite") else "EXPLAIN "
    out = []
    with app.test_request_context("/staff/claims/"):
        page, count = queue_queries(QueueFilterForm(formdata=MultiDict()))
        connection = db.session().connection()
        for name, query in (("page", page), ("count", count)):
            sql = str(query.compile(connection, compile_kwargs={"literal_binds": True}))
            rows = connection.execute(text(explain + sql)).all()
            out.append(f"{name}:\n" + "\n".join("    " + " | ".join(str(c) for c in row) for row in rows))
    return out


def measure(count: int, database_url: str, tmp: str) -> tuple[list[float], list[str]]:
    app = create_app(Settings().replace(database_url=database_url, mail_outbox=f"{tmp}/outbox",
                                        upload_dir=f"{tmp}/uploads", testing=True))
    with app.app_context():
        db.upgrade(database_url)
        officer_id = generate(count, status="submitted", role="officer")
        if not database_url.startswith("sqlite"):
            db.session().connection().exec_driver_sql("ANALYZE")  # as autovacuum would, given time
            db.session().commit()
    client = app.test_client()
    with app.test_request_context():  # signed in, as the sign-in page would leave it
        from flask import session as signed_in

        from app import security

        signed_in.update(staff_id=officer_id, staff_sv=1, staff_at=int(time.time()))
        security.start_session("staff", officer_id)
        db.session().commit()
        values = dict(signed_in)
    with client.session_transaction() as session:
        session.update(values)
    timings = []
    for _ in range(REQUESTS):
        started = time.perf_counter()
        response = client.get("/staff/claims/")
        timings.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200 and b"TP-" in response.data, response.status_code
    result = timings[5:], plans(app, database_url)  # the first few warm caches
    app.extensions["db_engine"].dispose()
    return result


def main() -> None:
    big_count = int(os.environ.get("BENCH_CLAIMS", "100000"))
    results = {}
    with tempfile.TemporaryDirectory() as tmp:
        for name, count in (("small", 1000), ("big", big_count)):
            url, drop = database(f"queue_{name}", tmp)
            try:
                results[name] = measure(count, url, tmp)
            finally:
                drop()  # type: ignore[operator]
    (small, _), (big, big_plans) = results["small"], results["big"]
    where = "PostgreSQL" if os.environ.get("BENCH_DATABASE_URL") else "SQLite"
    print(f"Staff claims queue, first page of 50 ({REQUESTS - 5} requests each, in-process, {where})")
    for label, timings in ((f"{1000:,} claims", small), (f"{big_count:,} claims", big)):
        print(f"  {label:>15}: p50 {statistics.median(timings):.1f} ms, p95 {percentile(timings, 0.95):.1f} ms")
    print(f"  p95 ratio: {percentile(big, 0.95) / percentile(small, 0.95):.2f} (target 1.5 or less)")
    print("  query plans with", f"{big_count:,} claims:")
    for plan in big_plans:
        print("  " + plan.replace("\n", "\n  "))


if __name__ == "__main__":
    main()

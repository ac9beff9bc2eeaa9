"""The finance export at scale: rows per second and peak memory for many approved claims.

Generates BENCH_CLAIMS (default 100,000) approved claims with encrypted bank details
on a migrated database (a temporary SQLite file, or with BENCH_DATABASE_URL a schema of
its own on that PostgreSQL, dropped afterwards), then times
``make_batch`` (freeze rows, mark sent, one transaction) and streaming the CSV. Peak
memory is Python's own allocation peak (tracemalloc) while streaming: it should stay
flat as the number of claims grows. Usage: ``make bench-export``.
"""

from __future__ import annotations

import os
import resource
import sys
import tempfile
import time
import tracemalloc
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from app import create_app, crypto, db  # noqa: E402
from app.settings import Settings  # noqa: E402


def database(name: str, tmp: str) -> tuple[str, object]:
    """A URL for an empty database ``name``, and how to drop it afterwards."""
    base = os.environ.get("BENCH_DATABASE_URL")
    if not base:
        return f"sqlite:///{tmp}/{name}.sqlite3", lambda: None
    from sqlalchemy import create_engine, text

    def schema(sql: str) -> None:
        engine = create_engine(base)
        with engine.begin() as connection:
            connection.execute(text(sql))
        engine.dispose()

    schema(f'DROP SCHEMA IF EXISTS "bench_{name}" CASCADE; CREATE SCHEMA "bench_{name}"')
    url = f"{base}{'&' if '?' in base else '?'}options=-csearch_path%3Dbench_{name}"
    return url, lambda: schema(f'DROP SCHEMA "bench_{name}" CASCADE')


def generate(count: int, status: str = "approved", role: str = "finance") -> int:
    """Add ``count`` claims (one payee each 10 claims) quickly; returns the staff user's id."""
    from sqlalchemy import insert

    from app.account.models import Contributor
    from app.claims.models import Claim
    from app.staff.models import StaffUser

    session = db.session()
    now = datetime.now(timezone.utc)
    finance = StaffUser(email=f"{role}@example.org", name="Fin", role=role, password_hash="x", active=True,
                        session_version=1, created_at=now)
    session.add(finance)
    session.flush()
    bank = crypto.encrypt_json({"account_name": "A Person", "sort_code": "309452", "account_number": "00733445",
                                "roll_number": ""})
    people = [{"name": f"Person {i}", "email": f"p{i}@example.org", "bank_details": bank, "access_needs": [],
               "created_at": now, "updated_at": now, "session_version": 1} for i in range(max(count // 10, 1))]
    session.execute(insert(Contributor), people)
    first_person = session.query(Contributor.id).order_by(Contributor.id).first()[0]
    for start in range(0, count, 5000):
        session.execute(insert(Claim), [{
            "reference": f"TP-{i:06d}", "idempotency_key": f"bench-{i}", "contributor_id": first_person + i // 10,
            "activity": "Bench", "activity_date": date(2026, 5, 1), "tax_year": 2026, "status": status,
            "payment_choice": "paid", "advance_requested": False, "rate_card_version": 1, "fee_code": "nihr_75",
            "fee_pence": 7500, "expenses_pence": 350, "total_pence": 7850, "approved_by_id": finance.id,
            "approved_at": now, "submitted_at": now - timedelta(minutes=i), "updated_at": now,
        } for i in range(start, min(start + 5000, count))])
    session.commit()
    return finance.id


def measure(count: int, database_url: str, tmp: str) -> dict[str, float]:
    """Generate, export and stream ``count`` claims; returns the figures."""
    from app.claims import export
    from app.staff.models import StaffUser

    app = create_app(Settings().replace(database_url=database_url, mail_outbox=f"{tmp}/outbox",
                                        upload_dir=f"{tmp}/uploads", testing=True))
    with app.app_context():
        db.upgrade(database_url)
        finance = db.session().get(StaffUser, generate(count))
        started = time.perf_counter()
        batch = export.make_batch(finance)
        frozen = time.perf_counter() - started
        rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # KiB on Linux: the peak so far
        tracemalloc.start()
        started = time.perf_counter()
        size = rows = 0
        for piece in export.batch_csv(batch.id):
            size += len(piece.encode())
            rows += piece.count("\r\n")
        streamed = time.perf_counter() - started
        _current, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        rss_growth = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - rss_before
    app.extensions["db_engine"].dispose()
    return {"claims": count, "rows": rows - 1, "freeze_s": frozen, "stream_s": streamed,
            "rows_per_s": (rows - 1) / streamed if streamed else 0.0, "peak_kib": peak / 1024, "bytes": size,
            "rss_growth_kib": rss_growth}


def main() -> None:
    count = int(os.environ.get("BENCH_CLAIMS", "100000"))
    results = {}
    with tempfile.TemporaryDirectory() as tmp:
        for name, claims in (("small", max(count // 10, 100)), ("big", count)):
            url, drop = database(f"export_{name}", tmp)
            try:
                results[name] = measure(claims, url, tmp)
            finally:
                drop()  # type: ignore[operator]
    small, big = results["small"], results["big"]
    where = "PostgreSQL" if os.environ.get("BENCH_DATABASE_URL") else "SQLite"
    print(f"Finance export of {big['claims']:,} approved claims ({where})")
    print(f"  freeze rows + mark sent : {big['freeze_s']:.1f} s ({big['claims'] / big['freeze_s']:,.0f} claims/s)")
    print(f"  stream the CSV          : {big['stream_s']:.1f} s ({big['rows_per_s']:,.0f} rows/s, "
          f"{big['bytes'] / 1024 / 1024:.1f} MiB)")
    print(f"  peak memory streaming   : {big['peak_kib']:,.0f} KiB (Python objects); process peak RSS grew "
          f"{big['rss_growth_kib'] / 1024:,.1f} MiB (target 50 MiB or less)")
    print(f"  peak memory, {small['claims']:,} claims: {small['peak_kib']:,.0f} KiB "
          f"(ratio {big['peak_kib'] / small['peak_kib']:.2f} for {big['claims'] / small['claims']:.0f}x the rows)")


if __name__ == "__main__":
    main()

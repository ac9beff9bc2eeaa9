"""The finance export: stable columns, safe cells, one transaction, the same file every time."""

from __future__ import annotations

import csv
import io
from datetime import date

import pytest
from sqlalchemy import func, select

from app import db
from app.account import service as accounts
from app.audit import AuditEvent
from app.claims import export, service
from app.transitions import NotAllowed
from app.claims.models import Claim
from tests.claims.test_claim_service import claim_for, person, staff


def test_formula_like_cells_are_escaped() -> None:
    for risky in ("=HYPERLINK(\"http://x\")", "+1", "-1", "@SUM(A1)", "\tx", "\rx"):
        assert export.safe(risky) == "'" + risky
    assert export.safe("Sam Example") == "Sam Example" and export.safe("12.50") == "12.50"


def approved_claims(app, names: list[str]) -> list[int]:  # type: ignore[no-untyped-def]
    officer = staff(app, "officer")
    ids = []
    for n, name in enumerate(names):
        payee = person(app, email=f"p{n}@example.org", name=name)
        accounts.save_bank_details(payee, {"account_name": name, "sort_code": "309452", "account_number": "00733445",
                                           "roll_number": ""}, ("system", None, "test"))
        claim = claim_for(payee, date(2026, 5, 1), f"k{n}", expenses=[{"kind": "parking", "pence": 350}])
        service.transition(claim, "approved", officer)
        ids.append(claim.id)
    return ids


def test_export_freezes_rows_marks_claims_sent_and_downloads_the_same_file(app) -> None:
    with app.app_context():
        approved_claims(app, ["Sam Example", "=cmd|' /C calc'!A0"])
        finance = staff(app, "finance")
        assert export.ready() == (2, 2 * (7500 + 350))
        batch = export.make_batch(finance)
        first = "".join(export.batch_csv(batch.id))
        assert first.startswith("\ufeffreference,payee_name,sort_code,account_number,roll_number,amount,fee,")
        rows = list(csv.reader(io.StringIO(first.lstrip("\ufeff"))))
        assert rows[1][1:8] == ["Sam Example", "309452", "00733445", "", "78.50", "75.00", "3.50"]
        assert rows[1][9] == "2026-27" and rows[1][10] == "officer@example.org"
        assert rows[2][1] == "'=cmd|' /C calc'!A0"  # never a formula in a spreadsheet
        assert {c.status for c in db.session().scalars(select(Claim))} == {"sent"}
        # Bank details changing later does not change the file already sent to finance.
        accounts.save_bank_details(accounts.find_by_email("p0@example.org"),
                                   {"account_name": "New", "sort_code": "111111", "account_number": "22222222",
                                    "roll_number": ""}, ("system", None, "test"))
        assert "".join(export.batch_csv(batch.id)) == first
        assert export.make_batch(finance) is None  # nothing left to send
        assert db.session().scalar(select(AuditEvent).where(AuditEvent.action == "payment_batch.exported"))


def test_only_finance_exports(app) -> None:
    with app.app_context():
        with pytest.raises(NotAllowed):
            export.make_batch(staff(app, "officer"))


def test_totals_per_person_per_tax_year(app) -> None:
    with app.app_context():
        approved_claims(app, ["Ann", "Bo"])
        export.make_batch(staff(app, "finance"))
        rows, people = export.totals_by_person(2026)
        assert people == 2 and rows == [("Ann", 1, 7500, 350, 0), ("Bo", 1, 7500, 350, 0)]
        assert export.totals_by_person(2025) == ([], 0)


def test_streaming_the_export_uses_the_same_memory_for_four_times_the_claims(tmp_path) -> None:
    from bench.export import measure

    small = measure(1500, f"sqlite:///{tmp_path}/small.sqlite3", str(tmp_path))
    big = measure(6000, f"sqlite:///{tmp_path}/big.sqlite3", str(tmp_path))
    assert (small["rows"], big["rows"]) == (1500, 6000)
    assert big["peak_kib"] < small["peak_kib"] * 1.3  # flat, not four times more


def test_everyone_exported_is_told_once_in_chunks_however_often_the_job_runs(app) -> None:
    from app import mail
    from app.claims.models import PaymentBatch
    from app.mail import OutboxMessage

    with app.app_context():
        approved_claims(app, ["Ann", "Bo", "Cy", "Di", "Ed"])
        batch = export.make_batch(staff(app, "finance"))
        assert db.session().scalar(select(func.count()).select_from(OutboxMessage).where(
            OutboxMessage.purpose == "claim_sent")) == 0  # the export itself stays quick
        assert len(service.notify_sent(limit=2)) == 2
        assert len(service.notify_sent(limit=2)) == 2
        mail.deliver_pending()  # the mail worker runs the job too, then sends
        sent = db.session().scalars(select(OutboxMessage).where(OutboxMessage.purpose == "claim_sent")).all()
        assert all(m.sent_at is not None for m in sent)
        assert sorted(m.to_address for m in sent) == [f"p{n}@example.org" for n in range(5)]
        assert "has gone to our finance team to pay £78.50" in sent[0].text_body
        assert db.session().get(PaymentBatch, batch.id).notified_at is not None
        assert service.notify_sent() == []  # nobody is told twice

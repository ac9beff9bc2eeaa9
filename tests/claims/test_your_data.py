"""Claims in "your data": the export (a ZIP with the receipts), erasure, expired drafts and retention."""

from __future__ import annotations

import io
import json
import zipfile
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

import pytest
from sqlalchemy import func, select

from app import crypto, db
from app.account import data, service as accounts
from app.account.models import Contributor
from app.audit import AuditEvent
from app.claims import export as finance, pricing, service
from app.claims.models import Claim, ClaimLine, ClaimMessage, Receipt
from app.db import utcnow
from app.plugs import plugs
from app.storage import storage
from tests.account.test_details import signed_in
from tests.account.test_supporters import person_with_helper
from tests.claims.test_claim_journey import ACTIVITY, TIME, base, start
from tests.claims.test_receipts import photo
from tests.conftest import make_staff

BY = ("system", None, "test")
FIRST_CARD = pricing.DEFAULT_CARD.effective_from
BANK = {"account_name": "S Example", "sort_code": "309452", "account_number": "00733445", "roll_number": ""}


def files_in(app) -> list[Path]:  # type: ignore[no-untyped-def]
    return sorted(p for p in Path(app.config["SETTINGS"].upload_dir).rglob("*") if p.is_file())


def add_receipt(owner_id: int, claim_id: int | None = None, draft_id: str | None = None,
                name: str = "receipt.jpg") -> Receipt:
    """A stored receipt file and its row (inside an app context; the caller commits)."""
    image = photo(gps=False)
    receipt = Receipt(claim_id=claim_id, draft_id=draft_id, owner_id=owner_id,
                      storage_key=storage().save(image, ".jpg"), content_type="image/jpeg", size=len(image),
                      name=name, created_at=utcnow())
    db.session().add(receipt)
    return receipt


def claim_for(person: Contributor, key: str, day: date, **values) -> Claim:  # type: ignore[no-untyped-def]
    """A claim for an activity on ``day`` (priced on the first rate card's day if ``day`` is older)."""
    claim, _ = service.submit(key, person, None, {"activity": "Leaflet group", "activity_date": max(day, FIRST_CARD),
                                                  "hours": "2", "preparation": "some"} | values, BY)
    claim.activity_date, claim.tax_year = day, pricing.tax_year(day)
    return claim


def read_zip(response) -> tuple[dict, zipfile.ZipFile]:  # type: ignore[no-untyped-def]
    assert response.status_code == 200, response.status_code
    assert response.mimetype == "application/zip" and "attachment" in response.headers["Content-Disposition"]
    archive = zipfile.ZipFile(io.BytesIO(response.data))
    return json.loads(archive.read("your-data.json")), archive


# --- the export ------------------------------------------------------------------------------------------

def test_the_export_is_a_zip_with_claims_their_lines_messages_and_receipt_files(app) -> None:
    cr, sam_id = signed_in(app)
    with app.app_context():
        accounts.save_bank_details(db.session().get(Contributor, sam_id), BANK, BY)
    url = base(start(cr))
    cr.post_redirect(f"{url}/activity", ACTIVITY)
    cr.post_redirect(f"{url}/time", TIME)
    cr.post_redirect(f"{url}/expenses", {"expenses-0-kind": "parking", "expenses-0-amount": "3.50",
                                         "expenses-0-description": "Car park by the hospital"})
    cr.post_redirect(f"{url}/receipts", {"files": [(io.BytesIO(photo()), "parking.jpg")], "line": "0"},
                     content_type="multipart/form-data")
    cr.post_redirect(f"{url}/check", {"declare": "yes"})
    officer_id, finance_id = make_staff(app, "officer"), make_staff(app, "finance")
    with app.app_context():
        from app.staff.models import StaffUser

        s = db.session()
        claim = s.scalar(select(Claim))
        service.transition(claim, "query", s.get(StaffUser, officer_id), note="Which car park?")
        service.reply(claim, s.get(Contributor, sam_id), "The one on Station Road.", BY)
        s.commit()
        service.transition(claim, "approved", s.get(StaffUser, officer_id))
        finance.make_batch(s.get(StaffUser, finance_id))  # freezes the finance row, with the full bank details
        stored = storage().read(s.scalar(select(Receipt.storage_key)))

    document, archive = read_zip(cr.client.get("/account/data.zip"))
    [exported] = document["claims"]
    assert exported["reference"] == claim.reference and exported["status"] == "sent"
    assert exported["total"] == "78.50" and exported["tax_year"] == f"{claim.tax_year}-{(claim.tax_year + 1) % 100:02d}"
    assert [(line["kind"], line["description"], line["claimed"]) for line in exported["lines"]] == [
        ("parking", "Car park by the hospital", "3.50")]
    assert [(m["from"], m["text"]) for m in exported["messages"]] == [
        ("the team", "Which car park?"), ("you", "The one on Station Road.")]
    [receipt] = exported["receipts"]
    assert receipt["name"] == "parking.jpg" and receipt["file"].startswith("receipts/")
    assert archive.read(receipt["file"]) == stored
    assert exported["paid_to"] == {"account_name": "S Example", "sort_code": "**-**-52",
                                   "account_number": "****3445", "roll_number": ""}
    raw = b"".join(archive.read(name) for name in archive.namelist())
    assert b"00733445" not in raw and b"309452" not in raw  # only the last digits, anywhere in the file
    assert sorted(archive.namelist()) == sorted(["your-data.json", receipt["file"]])


def send_claim_for(helper, person_id: int) -> None:  # type: ignore[no-untyped-def]
    """A supporter sends a claim with one receipt for the person they help."""
    url = base(helper.post_redirect("/account/forms/new/claim", {"for_whom": str(person_id)}))
    helper.post_redirect(f"{url}/activity", ACTIVITY)
    helper.post_redirect(f"{url}/time", TIME)
    helper.post_redirect(f"{url}/receipts", {"files": [(io.BytesIO(photo()), "bus.jpg")]},
                         content_type="multipart/form-data")
    helper.post_redirect(f"{url}/check", {"declare": "yes"})


def test_a_supporter_gets_only_the_reference_of_a_claim_they_sent_not_the_persons_receipts(app) -> None:
    sam, sam_id, chris, chris_id = person_with_helper(app)
    with app.app_context():
        accounts.save_bank_details(db.session().get(Contributor, sam_id), BANK, BY)
    send_claim_for(chris, sam_id)
    with app.app_context():
        reference = db.session().scalar(select(Claim.reference))

    theirs, archive = read_zip(chris.client.get("/account/data.zip"))
    assert theirs["claims"] == [] and archive.namelist() == ["your-data.json"]
    [sent] = theirs["claims_you_sent_for_someone_else"]
    assert sent["reference"] == reference and "receipts" not in sent and "total" not in sent
    assert b"S Example" not in archive.read("your-data.json")

    own, own_archive = read_zip(sam.client.get("/account/data.zip"))
    [claim] = own["claims"]
    assert claim["reference"] == reference and claim["filled_in_by_someone_who_helps_you"] is True
    assert len(own_archive.namelist()) == 2  # the JSON and the receipt Chris added for Sam


def test_receipts_in_a_claim_not_yet_sent_are_in_the_export_too(app) -> None:
    cr, _ = signed_in(app)
    url = base(start(cr))
    cr.post_redirect(f"{url}/receipts", {"files": [(io.BytesIO(photo()), "taxi.jpg")]},
                     content_type="multipart/form-data")
    document, archive = read_zip(cr.client.get("/account/data.zip"))
    assert len(document["forms_in_progress"]) == 1
    [receipt] = document["receipts_not_yet_sent"]
    assert receipt["name"] == "taxi.jpg" and receipt["file"] in archive.namelist()


# --- erasure ----------------------------------------------------------------------------------------------

def test_erasure_removes_receipts_and_keeps_an_anonymised_claim_within_the_finance_retention(app) -> None:
    cr, sam_id = signed_in(app, address="1 High Street")
    officer_id, finance_id = make_staff(app, "officer"), make_staff(app, "finance")
    with app.app_context():
        from app.staff.models import StaffUser

        s = db.session()
        sam = s.get(Contributor, sam_id)
        accounts.save_bank_details(sam, BANK, BY)
        recent = claim_for(sam, "recent", date.today() - timedelta(days=30), expenses=[
            {"kind": "parking", "pence": 350, "description": "Car park by my house", "receipts": 1}])
        old = claim_for(sam, "old", date(2010, 5, 1))
        s.flush()
        add_receipt(sam_id, claim_id=recent.id)
        add_receipt(sam_id, claim_id=old.id)
        s.add(ClaimMessage(claim_id=recent.id, from_contributor_id=sam_id, written_by_id=sam_id,
                           text="It was near my house", created_at=utcnow()))
        s.commit()
        officer, fin = s.get(StaffUser, officer_id), s.get(StaffUser, finance_id)
        for claim in (recent, old):
            service.transition(claim, "approved", officer)
        finance.make_batch(fin)
        service.transition(old, "paid", fin, paid_on=date(2010, 6, 1))
        service.transition(recent, "paid", fin, paid_on=date.today())
    # A claim still being filled in, with a receipt.
    url = base(start(cr))
    cr.post_redirect(f"{url}/receipts", {"files": [(io.BytesIO(photo()), "taxi.jpg")]},
                     content_type="multipart/form-data")
    assert len(files_in(app)) == 3

    with app.app_context():
        data.erase(db.session().get(Contributor, sam_id), by=BY)
        db.session().commit()  # the route that erases commits once

    assert files_in(app) == []
    with app.app_context():
        s = db.session()
        assert s.scalar(select(func.count()).select_from(Receipt)) == 0
        [kept] = s.scalars(select(Claim)).all()  # the 2010 claim was past the finance retention: gone
        assert kept.id == recent.id
        assert (kept.total_pence, kept.expenses_pence, kept.activity_date, kept.paid_on, kept.tax_year) == (
            recent.total_pence, 350, recent.activity_date, date.today(), recent.tax_year)
        [line] = s.scalars(select(ClaimLine).where(ClaimLine.claim_id == kept.id)).all()
        assert (line.kind, line.allowed_pence, line.description) == ("parking", 350, "")
        assert s.scalar(select(func.count()).select_from(ClaimMessage)) == 0
        assert s.scalar(select(func.count()).select_from(ClaimLine).where(ClaimLine.claim_id == old.id)) == 0
        row = crypto.decrypt_json(kept.export_row)
        assert (row["payee_name"], row["sort_code"], row["account_number"], row["roll_number"]) == ("", "", "", "")
        assert (row["reference"], row["amount"], row["tax_year"]) == (kept.reference, finance.pounds(kept.total_pence),
                                                                     pricing.tax_year_label(kept.tax_year))
        assert "00733445" not in "".join(finance.batch_csv(kept.batch_id))


def test_erasing_a_supporter_keeps_the_persons_claim_and_receipts_but_not_the_supporters_name(app) -> None:
    sam, sam_id, chris, chris_id = person_with_helper(app)
    send_claim_for(chris, sam_id)
    with app.app_context():
        data.erase(db.session().get(Contributor, chris_id), by=BY)
        db.session().commit()  # the route that erases commits once
    assert len(files_in(app)) == 1
    with app.app_context():
        s = db.session()
        claim = s.scalar(select(Claim))
        receipt = s.scalar(select(Receipt))
        assert (claim.contributor_id, claim.submitted_by_id) == (sam_id, None)
        assert receipt.owner_id == sam_id and receipt.claim_id == claim.id


def test_files_are_deleted_only_when_the_database_commit_succeeds(app) -> None:
    from app import storage as files

    sam_id = signed_in(app)[1]
    with app.app_context():
        receipt = add_receipt(sam_id, draft_id="some-draft")
        db.session().commit()
        files.delete_after_commit([receipt.storage_key])
        db.session().rollback()  # the change that would have removed the row did not happen
        assert len(files_in(app)) == 1
        db.session().commit()  # a later commit of something else does not delete it either
        assert len(files_in(app)) == 1
        files.delete_after_commit([receipt.storage_key])
        db.session().delete(db.session().get(Receipt, receipt.id))
        db.session().commit()
        assert files_in(app) == []


# --- drafts -----------------------------------------------------------------------------------------------

def test_an_expired_draft_takes_its_receipt_files_with_it(app) -> None:
    cr, _ = signed_in(app)
    url = base(start(cr))
    cr.post_redirect(f"{url}/receipts", {"files": [(io.BytesIO(photo()), "taxi.jpg")]},
                     content_type="multipart/form-data")
    kept = base(start(cr))
    cr.post_redirect(f"{kept}/receipts", {"files": [(io.BytesIO(photo()), "bus.jpg")]},
                     content_type="multipart/form-data")
    assert len(files_in(app)) == 2
    with app.app_context():
        from app.account.drafts import Draft

        expired = db.session().scalar(select(Draft).where(Draft.public_id == url.rsplit("/", 1)[-1]))
        expired.expires_at = utcnow() - timedelta(days=1)
        db.session().commit()
    result = app.test_cli_runner().invoke(args=["retention"])
    assert "expired_drafts: 1 removed" in result.output
    assert len(files_in(app)) == 1
    with app.app_context():
        assert db.session().scalar(select(Receipt.name)) == "bus.jpg"


def test_deleting_a_form_deletes_its_receipts(app) -> None:
    cr, _ = signed_in(app)
    url = base(start(cr))
    cr.post_redirect(f"{url}/receipts", {"files": [(io.BytesIO(photo()), "taxi.jpg")]},
                     content_type="multipart/form-data")
    public_id = url.rsplit("/", 1)[-1]
    cr.post_redirect(f"/account/forms/{public_id}/delete", token_from="/account/forms")
    assert files_in(app) == []
    with app.app_context():
        assert db.session().scalar(select(func.count()).select_from(Receipt)) == 0


# --- retention --------------------------------------------------------------------------------------------

@pytest.fixture
def six_years(settings, tmp_path):  # type: ignore[no-untyped-def]
    from app import create_app

    application = create_app(settings.replace(retention_claim_years=6))
    yield application
    application.extensions["db_engine"].dispose()


def decided(claim: Claim, status: str, paid_on: date | None = None, at: datetime | None = None) -> None:
    claim.status, claim.paid_on = status, paid_on
    claim.updated_at = at or datetime.combine(paid_on or date.today(), datetime.min.time(), tzinfo=timezone.utc)


def test_claims_are_kept_to_the_end_of_the_tax_year_they_were_decided_in_plus_the_years(six_years) -> None:
    from app.claims import privacy

    app = six_years
    sam_id = signed_in(app)[1]
    with app.app_context():
        s = db.session()
        sam = s.get(Contributor, sam_id)
        rows = {name: claim_for(sam, name, date(2019, 5, 1)) for name in (
            "paid_june_2019", "paid_5_april_2020", "paid_6_april_2020", "rejected_late_on_5_april_2020",
            "sent_just_after_midnight_6_april_2020", "never_decided")}
        s.flush()
        decided(rows["paid_june_2019"], "paid", date(2019, 6, 15))
        decided(rows["paid_5_april_2020"], "paid", date(2020, 4, 5))
        decided(rows["paid_6_april_2020"], "paid", date(2020, 4, 6))
        # UK days: 23:30 on 5 April (22:30 UTC), and 00:30 on 6 April (23:30 UTC on the 5th).
        decided(rows["rejected_late_on_5_april_2020"], "rejected", at=datetime(2020, 4, 5, 22, 30, tzinfo=timezone.utc))
        decided(rows["sent_just_after_midnight_6_april_2020"], "sent",
                at=datetime(2020, 4, 5, 23, 30, tzinfo=timezone.utc))
        for claim in rows.values():
            add_receipt(sam_id, claim_id=claim.id)
            s.add(ClaimMessage(claim_id=claim.id, from_contributor_id=sam_id, text="words", created_at=utcnow()))
        s.commit()
        ids = {name: claim.id for name, claim in rows.items()}

        assert privacy.kept_until(date(2019, 6, 15), 6) == date(2026, 4, 5)
        assert privacy.kept_until(date(2020, 4, 5), 6) == date(2026, 4, 5)
        assert privacy.kept_until(date(2020, 4, 6), 6) == date(2027, 4, 5)

        assert privacy.delete_expired(today=date(2026, 4, 5)) == 0  # the last day they are kept
        s.commit()
        assert len(files_in(app)) == 6
        assert privacy.delete_expired(today=date(2026, 4, 6)) == 3
        s.commit()
        left = set(s.scalars(select(Claim.id)))
        assert left == {ids["paid_6_april_2020"], ids["sent_just_after_midnight_6_april_2020"], ids["never_decided"]}
        assert set(s.scalars(select(Receipt.claim_id))) == left and len(files_in(app)) == 3
        assert set(s.scalars(select(ClaimMessage.claim_id))) == left
        assert set(s.scalars(select(ClaimLine.claim_id))) <= left
        assert privacy.delete_expired(today=date(2027, 4, 6)) == 2  # the open claim stays however old
        s.commit()
        assert set(s.scalars(select(Claim.id))) == {ids["never_decided"]}


def test_the_retention_job_removes_old_claims_and_audits_only_a_count(app) -> None:
    sam_id = signed_in(app)[1]
    with app.app_context():
        s = db.session()
        old = claim_for(s.get(Contributor, sam_id), "old", date(2010, 5, 1))
        new = claim_for(s.get(Contributor, sam_id), "new", date.today())
        s.flush()
        decided(old, "paid", date(2010, 6, 1))
        add_receipt(sam_id, claim_id=old.id)
        s.commit()
        reference = old.reference
    assert "claims" in plugs(app).retention
    result = app.test_cli_runner().invoke(args=["retention"])
    assert "claims: 1 removed" in result.output, result.output
    assert files_in(app) == []
    with app.app_context():
        s = db.session()
        assert list(s.scalars(select(Claim.id))) == [new.id]
        event = s.scalar(select(AuditEvent).where(AuditEvent.action == "retention.applied"))
        assert event.after_data["claims"] == 1 and reference not in (event.after or "")
    again = app.test_cli_runner().invoke(args=["retention"])
    assert "claims: 0 removed" in again.output


def test_money_asked_for_before_a_meeting_is_in_your_data_erased_with_you_and_kept_only_as_claims_are(app) -> None:
    """An advance is in the person's export, loses their words on erasure, and goes after the
    finance retention exactly as a claim does (decided long ago: gone; recent: kept)."""
    from app.claims import advances, privacy
    from app.claims.models import Advance

    cr, sam_id = signed_in(app)
    with app.app_context():
        s = db.session()
        sam = s.get(Contributor, sam_id)
        asked = [advances.ask(sam, None, {"kind": "public_transport", "pence": 2000, "activity": "Planning group",
                                          "activity_date": day, "reason": "I cannot pay the train first"}, BY)
                 for day in (date(2010, 5, 1), date.today())]
        old, recent = asked
        old.status, old.paid_on = "paid", date(2010, 5, 2)
        recent.status, recent.paid_on = "paid", date.today()
        s.commit()
        [first, second] = privacy.export_advances(sam)
        assert (first["reference"], first["amount"], first["why"], first["status"]) == (
            old.reference, "20.00", "I cannot pay the train first", "paid")
        assert "money_before_meetings" in plugs().exports
        recent_id = recent.id

        data.erase(sam, by=BY)
        s.commit()
        [kept] = s.scalars(select(Advance)).all()  # the 2010 advance was past the finance retention: gone
        assert (kept.id, kept.pence, kept.reason, kept.activity) == (recent_id, 2000, "", "")

        kept.paid_on = date(2010, 5, 2)  # and the retention job treats advances like claims
        s.commit()
        assert data.apply_retention()["advances"] == 1
        assert s.scalar(select(func.count()).select_from(Advance)) == 0

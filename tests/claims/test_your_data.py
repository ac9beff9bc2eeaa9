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


# --- files go after the commit ---------------------------------------------------------------------------

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



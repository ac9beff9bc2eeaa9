"""Demo claims for ``flask demo-data``: one in every status, for Sam, priced from the rate card;
and two advances (money before a meeting): one asked for, one approved."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import select

from app import db
from app.account import service as accounts
from app.claims import advances, export, pricing, service
from app.claims.models import Claim
from app.staff.models import StaffUser

SYSTEM = ("system", None, "demo data")


#: The demo's local rate: peer support paid by the hour (a role in app/roles/demo.py pays it).
PEER_SUPPORT = pricing.Rate("local_peer_support", "hourly", 1800, "Peer support hours")


def local_rate() -> str:
    """Put the demo's local hourly rate on the card in force (a new version from today, copying the
    rest) unless it is there already; returns its code."""
    current = service.card_today()
    if current is not None and any(r.code == PEER_SUPPORT.code for r in current.rates):
        return PEER_SUPPORT.code
    latest = service.rate_cards()[-1]
    if latest.effective_from < date.today():
        service.add_rate_card(date.today(), list(latest.rates) + [PEER_SUPPORT], "Local peer support rate", SYSTEM)
    return PEER_SUPPORT.code


def load() -> int:
    """Add the demo claims once; returns how many were added."""
    if db.session().scalar(select(Claim.id).limit(1)) is not None:
        return 0
    sam = accounts.find_by_email("sam@example.org")
    officer = db.session().scalar(select(StaffUser).where(StaffUser.role == "officer"))
    finance = db.session().scalar(select(StaffUser).where(StaffUser.role == "finance"))
    if sam is None or officer is None or finance is None:
        return 0
    if not sam.bank_details:
        accounts.save_bank_details(sam, {"account_name": "S Example", "sort_code": "309452",
                                         "account_number": "00733445", "roll_number": ""}, SYSTEM)
    today = date.today()
    made = {}
    for n, status in enumerate(("paid", "sent", "approved", "rejected", "query", "submitted")):
        claim, _ = service.submit(f"demo-{status}", sam, None, {
            "activity": "Help us rewrite the crisis leaflet", "activity_date": today - timedelta(days=40 - 6 * n),
            "hours": "3", "preparation": "some",
            "expenses": [{"kind": "mileage", "vehicle": "car", "miles": "14"},
                         {"kind": "parking", "pence": 350}]}, SYSTEM)
        made[status] = claim
    db.session().commit()
    for status in ("paid", "sent"):
        service.transition(made[status], "approved", officer)
    export.make_batch(finance)  # both go to finance in one file; one is paid already
    service.transition(made["paid"], "paid", finance, paid_on=today - timedelta(days=3), payment_reference="BACS 1")
    service.transition(made["approved"], "approved", officer)
    service.transition(made["rejected"], "rejected", officer, note="This meeting was paid on an earlier claim.")
    service.transition(made["query"], "query", officer, note="Did you park at the hospital or in town?")
    soon = {"activity": "Help us rewrite the crisis leaflet", "activity_date": today + timedelta(days=10),
            "kind": "public_transport", "pence": 2000, "reason": "I cannot pay for the train until payday."}
    advances.ask(sam, None, soon, SYSTEM)
    approved = advances.ask(sam, None, soon | {"kind": "food", "pence": 800, "reason": "Lunch on the day."}, SYSTEM)
    db.session().commit()
    advances.decide(approved, "approved", officer)
    db.session().commit()
    return len(made)

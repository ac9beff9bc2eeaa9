"""The shipped defaults: NIHR 2022 tiers (003 L1753-1758) as rate card version 1, and HMRC
approved mileage rates. Written by migration 0008 (and by the tests after emptying tables)."""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any

import sqlalchemy as sa

from app.claims.pricing import DEFAULT_CARD, HMRC_2011
from app.db import UTCDateTime


def seed_defaults(conn: Any) -> None:
    now = datetime.now(timezone.utc)
    cards = sa.table("rate_card_versions", sa.column("id", sa.Integer), sa.column("version", sa.Integer),
                     sa.column("effective_from", sa.Date), sa.column("note", sa.Text),
                     sa.column("created_by", sa.String), sa.column("created_at", UTCDateTime()))
    rates = sa.table("rate_card_rates", sa.column("card_id", sa.Integer), sa.column("code", sa.String),
                     sa.column("kind", sa.String), sa.column("pence", sa.Integer), sa.column("label", sa.String))
    mileage = sa.table("mileage_rate_versions", sa.column("effective_from", sa.Date),
                       sa.column("car_pence", sa.Integer), sa.column("car_after_pence", sa.Integer),
                       sa.column("car_threshold_miles", sa.Integer), sa.column("passenger_pence", sa.Integer),
                       sa.column("motorcycle_pence", sa.Integer), sa.column("bicycle_pence", sa.Integer),
                       sa.column("created_by", sa.String), sa.column("created_at", UTCDateTime()))
    conn.execute(cards.insert().values(id=1, version=DEFAULT_CARD.version, effective_from=DEFAULT_CARD.effective_from,
                                       note="NIHR 2022", created_by="system", created_at=now))
    conn.execute(rates.insert(), [{"card_id": 1, "code": r.code, "kind": r.kind, "pence": r.pence, "label": ""}
                                  for r in DEFAULT_CARD.rates])
    m = HMRC_2011
    conn.execute(mileage.insert().values(
        effective_from=m.effective_from, car_pence=m.car_pence, car_after_pence=m.car_after_pence,
        car_threshold_miles=m.car_threshold_miles, passenger_pence=m.passenger_pence,
        motorcycle_pence=m.motorcycle_pence, bicycle_pence=m.bicycle_pence, created_by="system", created_at=now))
    if conn.dialect.name == "postgresql":  # the id was given: move the sequence past it
        conn.execute(sa.text("SELECT setval(pg_get_serial_sequence('rate_card_versions', 'id'), 1)"))



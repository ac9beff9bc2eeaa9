"""Complete data rights by construction: every table that holds a person's id is covered by "your data".

A table with a foreign key to ``contributors`` must be registered by its room's ``init_app`` with
``plugs(app).cover(...)`` (where it appears in the export, what erasure does to it, how long it is kept) or listed as exempt with a
reason. A new table that names a person fails here until its room says how it is covered.
"""

from __future__ import annotations

from sqlalchemy import Table

from app import db
from app.plugs import plugs
from app.account import data
from tests.account.test_sign_in import make_contributor


def tables_naming_a_person() -> list[Table]:
    """The contributors table itself, every table with a foreign key to it, and every table with a
    foreign key to one of those (a note about an interest is about the person the interest is)."""
    tables = db.Base.metadata.sorted_tables
    direct = {t.name for t in tables if t.name == "contributors" or any(
        fk.column.table.name == "contributors" for fk in t.foreign_keys)}
    return [t for t in tables if t.name in direct or any(fk.column.table.name in direct for fk in t.foreign_keys)]


def test_the_walk_finds_the_tables_we_know_name_people(app) -> None:
    names = {table.name for table in tables_naming_a_person()}
    assert {"contributors", "claims", "receipts", "claim_messages", "drafts", "interests",
            "feedback_responses", "interest_notes"} <= names


def test_every_table_naming_a_person_is_covered_or_exempt_with_a_reason(app) -> None:
    coverage, exempt = plugs(app).coverage, plugs(app).exempt
    missing = [table.name for table in tables_naming_a_person()
               if table.name not in coverage and not (exempt.get(table.name) or "").strip()]
    assert not missing, (
        f"{missing} hold a person's id but are neither covered by 'your data' (export, erasure, retention) "
        "nor exempt with a reason: register them in the room's init_app with plugs(app).cover(...) or .exempt_table(...)")


def test_each_registration_says_how_and_names_real_tables_and_export_keys(app) -> None:
    known = set(db.Base.metadata.tables)
    coverage, exempt = plugs(app).coverage, plugs(app).exempt
    assert set(coverage) <= known and set(exempt) <= known, "a registration names no table"
    assert not set(coverage) & set(exempt), "a table is both covered and exempt"
    with app.app_context():
        person = db.session().get(data.Contributor, make_contributor(app))
        exported = data.export(person)
    for name, how in coverage.items():
        assert how.erasure.strip() and how.retention.strip(), f"{name}: say what erasure and retention do"
        if how.export:
            assert how.export in exported, f"{name}: the export has no {how.export!r}"
        else:
            assert how.not_exported.strip(), f"{name}: not in the export, and no reason why"
    assert all(reason.strip() for reason in exempt.values())

"""Migration 0021: phone numbers held today become E.164; one it cannot read becomes a staff task."""

from __future__ import annotations

from alembic import command
from sqlalchemy import create_engine, text

from app.db import alembic_config
from tests.conftest import fresh_database


def test_numbers_held_today_are_converted_and_unreadable_ones_become_tasks(tmp_path) -> None:
    url = fresh_database("phones0021", tmp_path)
    cfg = alembic_config(url)
    command.downgrade(cfg, "0018")
    engine = create_engine(url)
    with engine.begin() as conn:
        for cid, phone in ((1, "07700 900 982"), (2, "ring the office"), (3, ""), (4, "+48 600 123 456")):
            conn.execute(text(
                "INSERT INTO contributors (id, name, known_as, pronouns, phone, address, contact_channel, best_times, "
                "language, easy_read, access_needs, interpreter_language, access_other, session_version, created_at, "
                "updated_at) VALUES (:id, :name, '', '', :phone, '', 'phone', '', 'en', false, '[]', '', '', 1, "
                "'2026-11-02 10:00:00', '2026-11-02 10:00:00')"), {"id": cid, "name": f"Person {cid}", "phone": phone})
    engine.dispose()
    command.upgrade(cfg, "0021")
    engine = create_engine(url)
    with engine.connect() as conn:
        phones = dict(conn.execute(text("SELECT id, phone FROM contributors")).all())
        tasks = conn.execute(text("SELECT kind, contributor_id, detail, created_at FROM staff_tasks")).all()
    engine.dispose()
    assert phones == {1: "+447700900982", 2: "ring the office", 3: "", 4: "+48600123456"}
    [task] = tasks
    assert (task.kind, task.contributor_id) == ("check_phone", 2) and task.created_at is not None
    assert "Contributor record 2" in task.detail and "ring the office" not in task.detail
    command.downgrade(cfg, "0018")  # and back, with the rows

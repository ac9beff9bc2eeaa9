"""Migrations make the schema, match the models, and go down and up again."""

from __future__ import annotations

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import create_engine, inspect

from app.db import Base, alembic_config
from tests.conftest import fresh_database


def test_models_and_migrations_agree(template_database: str) -> None:
    engine = create_engine(template_database)
    with engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), Base.metadata)
    engine.dispose()
    assert diff == []


def test_downgrade_and_upgrade_again(tmp_path) -> None:
    url = fresh_database("updown", tmp_path)
    cfg = alembic_config(url)
    command.downgrade(cfg, "base")
    engine = create_engine(url)
    assert set(inspect(engine).get_table_names()) <= {"alembic_version"}
    engine.dispose()
    command.upgrade(cfg, "head")
    engine = create_engine(url)
    assert {"staff_users", "audit_events", "rate_limit_hits"} <= set(inspect(engine).get_table_names())
    engine.dispose()


def test_feedback_gets_random_ids_and_anonymous_feedback_loses_its_date(tmp_path) -> None:
    """0016 on a database with feedback in it: the words follow their response, and nothing counts up."""
    import re

    from sqlalchemy import text

    from app import create_app, db
    from app.meetings.models import Meeting
    from tests.claims.test_claim_service import person
    from tests.conftest import make_settings
    from tests.interests.helpers import published_role

    url = fresh_database("feedback0016", tmp_path)
    app = create_app(make_settings(url, tmp_path))
    with app.app_context():  # what feedback hangs on, which 0016 does not touch
        role_id, person_id = published_role(app), person(app).id
        meeting = Meeting(role_id=role_id, code="m0016", title="A meeting", starts_at=db.utcnow(), minutes=60,
                          format="online", created_at=db.utcnow(), updated_at=db.utcnow())
        db.session().add(meeting)
        db.session().commit()
        meeting_id = meeting.id
    app.extensions["db_engine"].dispose()
    cfg = alembic_config(url)
    command.downgrade(cfg, "0015")
    engine = create_engine(url)
    with engine.begin() as conn:
        conn.execute(text(
            "INSERT INTO feedback_responses (id, meeting_id, anonymous, contributor_id, answers, debrief, received_on) "
            "VALUES (1, :m, false, :p, '{}', false, '2026-11-02'), (2, :m, true, NULL, '{}', false, '2026-11-03')"),
            {"m": meeting_id, "p": person_id})
        conn.execute(text("INSERT INTO feedback_comments (id, response_id, question, text, received_on, redactions) "
                          "VALUES (1, 1, 'change', 'named words', '2026-11-02', 0), "
                          "(2, 2, 'change', 'anonymous words', '2026-11-03', 0)"))
    engine.dispose()
    command.upgrade(cfg, "0016")
    engine = create_engine(url)
    with engine.connect() as conn:
        responses = {r.anonymous: r for r in conn.execute(text("SELECT * FROM feedback_responses"))}
        comments = list(conn.execute(text("SELECT * FROM feedback_comments")))
    engine.dispose()
    assert all(re.fullmatch(r"[0-9a-f]{32}", r.id) for r in responses.values())
    assert responses[True].received_on is None and responses[False].received_on is not None
    assert {c.text: c.response_id for c in comments} == {"named words": responses[False].id,
                                                         "anonymous words": responses[True].id}
    assert [c.received_on for c in comments if c.text == "anonymous words"] == [None]
    command.downgrade(cfg, "0015")  # and back, with the rows
    command.upgrade(cfg, "head")

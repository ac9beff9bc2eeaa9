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

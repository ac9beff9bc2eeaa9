"""Alembic environment: the app's metadata, the URL from the Alembic config."""

from __future__ import annotations

from alembic import context
from sqlalchemy import engine_from_config, pool

import app.account.drafts  # noqa: F401  (registers models on Base.metadata)
import app.account.models  # noqa: F401
import app.interests.models  # noqa: F401
import app.involvement.models  # noqa: F401
import app.audit  # noqa: F401
import app.claims.models  # noqa: F401
import app.mail  # noqa: F401
import app.meetings.models  # noqa: F401
import app.roles.models  # noqa: F401
import app.security  # noqa: F401
import app.staff.models  # noqa: F401
from app.db import Base

config = context.config
target_metadata = Base.metadata


def run_migrations_offline() -> None:
    context.configure(url=config.get_main_option("sqlalchemy.url"), target_metadata=target_metadata,
                      literal_binds=True, render_as_batch=True)
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    connectable = engine_from_config(config.get_section(config.config_ini_section, {}),
                                     prefix="sqlalchemy.", poolclass=pool.NullPool)
    with connectable.connect() as connection:
        context.configure(connection=connection, target_metadata=target_metadata, render_as_batch=True)
        with context.begin_transaction():
            context.run_migrations()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()

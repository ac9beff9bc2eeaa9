"""Database engine, one session per request, the declarative Base, and Alembic glue.

The schema is only ever made by Alembic migrations (``migrations/``), in tests too.
"""

from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Callable, Hashable, TypeVar

from alembic import command
from alembic.config import Config
from flask import Flask, current_app, g, has_request_context
from sqlalchemy import DateTime, MetaData, create_engine, event
from sqlalchemy.engine import Engine
from sqlalchemy.orm import DeclarativeBase, Session, sessionmaker
from sqlalchemy.types import TypeDecorator

from app.settings import ROOT

# Stable constraint names so migrations are the same on SQLite and PostgreSQL.
NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    """Base class of every model."""

    metadata = MetaData(naming_convention=NAMING)


class UTCDateTime(TypeDecorator[datetime]):
    """A timezone-aware UTC datetime on every backend (SQLite drops the zone)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: object) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given; use app.db.utcnow()")
        return value.astimezone(timezone.utc)

    def process_result_value(self, value: datetime | None, dialect: object) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=timezone.utc)
        return value.astimezone(timezone.utc)


T = TypeVar("T")


def utcnow() -> datetime:
    """The current time, timezone-aware in UTC."""
    return datetime.now(timezone.utc)


def make_engine(url: str) -> Engine:
    """Create an engine; SQLite gets foreign keys on and a busy timeout."""
    if url.startswith("sqlite:///"):
        Path(url.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args={"timeout": 30, "check_same_thread": False})

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_connection, _record):  # type: ignore[no-untyped-def]
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.close()

        return engine
    return create_engine(url, pool_pre_ping=True)


def init_app(app: Flask) -> None:
    """Attach an engine and a session factory to ``app``; close sessions per request."""
    engine = make_engine(app.config["DATABASE_URL"])
    app.extensions["db_engine"] = engine
    app.extensions["db_sessionmaker"] = sessionmaker(bind=engine, expire_on_commit=False)

    @app.teardown_appcontext
    def _close_session(_exc: BaseException | None) -> None:
        session: Session | None = g.pop("db_session", None)
        if session is not None:
            session.close()


def session() -> Session:
    """The session of the current app context (created on first use)."""
    if "db_session" not in g:
        g.db_session = current_app.extensions["db_sessionmaker"]()
    return g.db_session


def per_request(key: Hashable, read: Callable[[], T]) -> T:
    """``read()`` once per request under ``key``: a page asks for the same rows from several
    places (its form, its preview, its check list), and one statement is enough. Never kept
    between requests, so the next page sees every change; outside a request (jobs, the CLI, whose
    app context lives long) nothing is kept. A service that changes what ``key`` holds calls
    ``forget(key)``."""
    if not has_request_context():
        return read()
    memo: dict[Hashable, Any] = g.setdefault("per_request", {})
    if key not in memo:
        memo[key] = read()
    return memo[key]  # type: ignore[no-any-return]


def forget(*keys: Hashable) -> None:
    """Drop what ``per_request`` keeps for ``keys`` (a tuple key is dropped by its first item too)."""
    if not has_request_context() or "per_request" not in g:
        return
    memo = g.per_request
    for kept in list(memo):
        if kept in keys or (isinstance(kept, tuple) and kept and kept[0] in keys):
            del memo[kept]


def get_or_404(model: type[T], key: Any) -> T:
    """The row with this primary key, or a "page not found" for the request."""
    from flask import abort

    row = session().get(model, key)
    if row is None:
        abort(404)
    return row


def engine() -> Engine:
    return current_app.extensions["db_engine"]


def alembic_config(database_url: str) -> Config:
    """An Alembic config pointing at ``migrations/`` without an ini file."""
    cfg = Config()
    cfg.set_main_option("script_location", str(ROOT / "migrations"))
    cfg.set_main_option("sqlalchemy.url", database_url.replace("%", "%%"))
    return cfg


def upgrade(database_url: str, revision: str = "head") -> None:
    """Bring the schema at ``database_url`` up to ``revision``."""
    command.upgrade(alembic_config(database_url), revision)

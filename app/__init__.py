"""Take Part: paid lived-experience involvement, end to end.

``create_app`` wires settings, extensions, blueprints and CLI commands. Nothing else.
"""

from __future__ import annotations

import logging
from datetime import timedelta
from typing import Any, Mapping

from flask import Flask
from flask_htmx import HTMX
from flask_wtf.csrf import CSRFProtect
from werkzeug.middleware.proxy_fix import ProxyFix

from app import assets, audit, db, errors, forms, i18n, mail, phones, pictures, plugs, security
from app import account, claims, interests, involvement, meetings, roles, site, staff
from app.settings import ROOT, Settings

csrf = CSRFProtect()
hx = HTMX()


def create_app(config: Settings | Mapping[str, Any] | None = None) -> Flask:
    """Build the app from ``config`` (a Settings, overrides for it, or the environment)."""
    if isinstance(config, Settings):
        settings = config
    else:
        settings = Settings.from_env().replace(**dict(config or {}))
    settings.check()

    app = Flask(
        __name__,
        template_folder=str(ROOT / "templates"),
        static_folder=str(ROOT / "static"),
        instance_path=str(ROOT / "instance"),
    )
    app.config.update(
        SETTINGS=settings,
        TAKEPART_ENV=settings.env,
        SECRET_KEY=settings.secret_key,
        DATABASE_URL=settings.database_url,
        BASE_URL=settings.base_url,
        ORGANISATION_NAME=settings.organisation_name,
        ORGANISATION_EMAIL=settings.organisation_email,
        ORGANISATION_PHONE=settings.organisation_phone,
        ORGANISATION_ADDRESS=settings.organisation_address,
        LOCALES=settings.locales,
        UNCHECKED_LOCALES=settings.unchecked_locales,
        STAFF_SESSION_HOURS=settings.staff_session_hours,
        # Contributors stay signed in for weeks (staff sessions are cut shorter in security.py).
        PERMANENT_SESSION_LIFETIME=timedelta(days=settings.contributor_session_days),
        MAX_CONTENT_LENGTH=(settings.max_upload_mb * 5 + 1) * 1024 * 1024,  # up to 5 receipts at once
        PREFERRED_URL_SCHEME="https" if settings.https else "http",
        SESSION_COOKIE_NAME="__Host-session" if settings.https else "session",
        SESSION_COOKIE_SECURE=settings.https,
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        WTF_CSRF_TIME_LIMIT=None,  # the token lives as long as the session: no silent expiry
        WTF_CSRF_SSL_STRICT=settings.https,
        BABEL_DEFAULT_LOCALE="en",
        BABEL_DEFAULT_TIMEZONE="Europe/London",
        TESTING=settings.testing,
    )
    if settings.trusted_proxies:
        app.wsgi_app = ProxyFix(  # type: ignore[method-assign]
            app.wsgi_app,
            x_for=settings.trusted_proxies,
            x_proto=settings.trusted_proxies,
            x_host=settings.trusted_proxies,
        )
    logging.basicConfig(level=settings.log_level)

    assets.init_app(app)  # first, so compression is the last thing done to a response
    db.init_app(app)
    mail.init_app(app)
    i18n.init_app(app)
    csrf.init_app(app)
    hx.init_app(app)
    security.init_app(app)
    errors.init_app(app)
    forms.init_app(app)
    pictures.init_app(app)  # picture(idea) in templates: easy-read pictures
    phones.init_app(app)  # the phone filter: a stored number as people read it

    # The rooms, each registering its pages and what it plugs into (app/plugs.py).
    plugs.init_app(app)
    for room in (site, account, staff, roles, interests, claims, meetings, involvement):
        room.init_app(app)

    from app import cli

    cli.init_app(app)
    _ = audit  # the audit model must be imported for migrations' metadata
    return app

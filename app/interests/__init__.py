"""Expressions of interest in roles, staff triage, and optional equality monitoring."""

from __future__ import annotations

from flask import Flask
from flask_babel import gettext as _

from app.plugs import plugs


def init_app(app: Flask) -> None:
    from app.interests import service
    from app.interests.routes import bp as interest, resume_url
    from app.interests.staff import bp as triage

    app.register_blueprint(interest)
    app.register_blueprint(triage)
    p = plugs(app)
    service.register(p)
    p.form("interest", lambda: _("I'm interested in a role"), resume_url)

"""Account room: contributor sign-in by email link or code, profile entered once, your data."""

from __future__ import annotations

from flask import Flask, url_for
from flask_babel import gettext as _

from app.plugs import plugs


def init_app(app: Flask) -> None:
    from app.account import data
    from app.account.routes import bp

    app.register_blueprint(bp)
    p = plugs(app)
    data.cover_own_tables(p)
    p.form("setup", lambda: _("Setting up your details"),
           lambda draft: url_for("account.setup", step=draft.page or "name"), startable=False)

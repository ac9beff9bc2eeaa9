"""Claims room: payment and expense claims, from the person's form to the finance export."""

from __future__ import annotations

from flask import Flask, url_for
from flask_babel import gettext as _

from app.plugs import plugs


def init_app(app: Flask) -> None:
    from app.claims import privacy, service
    from app.claims.advance_routes import bp as advances, sort_out_panel, staff_bp as advances_staff
    from app.claims.processing import bp as claims_staff
    from app.claims.routes import bp as claims
    from app.claims.staff import bp as finance

    app.register_blueprint(finance)  # rates and the finance export
    app.register_blueprint(claims)  # the person's claim
    app.register_blueprint(claims_staff)  # the team's queue and decisions
    app.register_blueprint(advances)  # money before a meeting: the person's side
    app.register_blueprint(advances_staff)  # and the team's
    p = plugs(app)
    privacy.register(p)
    p.mail_jobs.append(service.notify_sent)
    p.home_panels.append(sort_out_panel)  # money for meetings that did not happen
    p.form("claim", lambda: _("A payment and expenses claim"),
           lambda draft: url_for("claims.page", public_id=draft.public_id, page=draft.page or "activity"))

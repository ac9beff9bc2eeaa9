"""Meetings room: meetings, who came, feedback, and "you said, we did"."""

from __future__ import annotations

from flask import Flask

from app.plugs import plugs


def init_app(app: Flask) -> None:
    from app.meetings import diary, service
    from app.meetings.routes import bp as meetings
    from app.meetings.staff import bp as meetings_staff, claim_forms_panel, overdue_panel

    app.register_blueprint(meetings)
    app.register_blueprint(meetings_staff)
    p = plugs(app)
    service.register(p)
    diary.register(p)
    p.home_panels.append(overdue_panel)
    p.record_panels.append(claim_forms_panel)

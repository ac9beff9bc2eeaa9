"""Staff room: sign-in, staff home, staff accounts, contributors, tasks, the outbox and the audit trail."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    from app.staff.routes import bp  # with the contributor pages (app/staff/contributors.py)

    app.register_blueprint(bp)

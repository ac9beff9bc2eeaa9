"""Involvement room: "your involvement" (a person's record, printable for a CV) and the impact log."""

from __future__ import annotations

from flask import Flask

from app.plugs import plugs


def init_app(app: Flask) -> None:
    from app.involvement import models, service
    from app.involvement.routes import bp, staff_bp

    assert models  # the tables must be known to migrations' metadata
    app.register_blueprint(bp)
    app.register_blueprint(staff_bp)
    p = plugs(app)
    p.exports["roles_on_your_record"] = service.export
    p.erasers.append(service.erase)
    p.cover("roles_on_record", export="roles_on_your_record", erasure="deleted",
            retention="kept while the account is: the person's own choice of what their record shows")

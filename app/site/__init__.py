"""Site room: the home page, accessibility statement and health check."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    from app.site.routes import bp

    app.register_blueprint(bp)

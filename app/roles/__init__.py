"""Roles room: role descriptions that must be complete (and easy read) before publishing."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    from app.roles.public import bp as find_roles
    from app.roles.routes import bp as roles

    app.register_blueprint(roles)  # staff: write, publish, translate
    app.register_blueprint(find_roles)  # everyone: find a role

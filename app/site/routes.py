"""Public pages: home, accessibility statement, and a health check for the proxy."""

from __future__ import annotations

from flask import Blueprint, render_template
from sqlalchemy import text

from app import db

bp = Blueprint("site", __name__)


@bp.get("/")
def home():  # type: ignore[no-untyped-def]
    return render_template("site/home.html")


@bp.get("/accessibility")
def accessibility():  # type: ignore[no-untyped-def]
    return render_template("site/accessibility.html")


@bp.get("/healthz")
def healthz():  # type: ignore[no-untyped-def]
    """Not a page: a load balancer's check that the app and database answer."""
    db.session().execute(text("SELECT 1"))
    return {"status": "ok"}

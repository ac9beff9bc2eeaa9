"""The public role list and role pages are kept rendered, yet every change staff make shows on
the next request, in every worker (here: two app instances on one database, as two gunicorn
workers are), and nobody ever sees another person's page."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any, Iterator

import pytest
from flask import Flask

from app import create_app, db
from app.roles import service
from app.roles.models import Role
from tests.account.test_details import signed_in
from tests.conftest import ClientRequest, make_settings
from tests.roles.test_role_service import COMPLETE, STAFF


@pytest.fixture
def other(database_url: str, tmp_path: Any) -> Iterator[Flask]:
    """A second worker on the same database."""
    application = create_app(make_settings(database_url, tmp_path))
    yield application
    application.extensions["db_engine"].dispose()


def publish(app: Flask, **changes: Any) -> int:
    with app.app_context():
        role = service.create(COMPLETE | {"closing_date": date.today() + timedelta(days=10)} | changes, STAFF)
        service.publish(role, STAFF)
        return role.id


def titles(cr: ClientRequest, query: str = "") -> list[str]:
    page = cr.get(f"/roles/?lang=en&easy-read=off{query}")
    return sorted(a.text for a in page.findall(".//ul[@class='card-list']/li/h2/a"))


def test_a_change_in_one_worker_shows_in_the_other_on_the_next_request(app: Flask, other: Flask) -> None:
    role_id = publish(app, title="Help us rewrite the crisis leaflet")
    seen = ClientRequest(other.test_client())
    page = f"/roles/{role_id}?lang=en&easy-read=off"
    assert titles(seen) == ["Help us rewrite the crisis leaflet"]
    assert seen.get(page).h1 == "Help us rewrite the crisis leaflet"
    assert "We pay £75.00 for your time" in seen.get(page).text()

    with app.app_context():  # a new version, saved by the first worker
        service.update(db.session().get(Role, role_id), {"title": "Help us rewrite the leaflet"}, STAFF)
    assert titles(seen) == ["Help us rewrite the leaflet"]
    assert seen.get(page).h1 == "Help us rewrite the leaflet"

    with app.app_context():  # a translation
        service.save_translation(db.session().get(Role, role_id), "cy", {"title": "Ailysgrifennu'r daflen"}, STAFF)
    assert seen.get(f"/roles/{role_id}?lang=cy&easy-read=off").h1 == "Ailysgrifennu'r daflen"
    welsh = seen.get("/roles/?lang=cy&easy-read=off")
    assert [a.text for a in welsh.findall(".//ul[@class='card-list']/li/h2/a")] == ["Ailysgrifennu'r daflen"]

    with app.app_context():  # a rate-card change, in force today
        from app.claims import service as claims

        claims.change_rate("nihr_75", 8000, date.today(), "New rates", STAFF)
    assert "We pay £80.00 for your time" in seen.get(page).text()
    assert "We pay £80.00 for your time" in seen.get("/roles/?lang=en&easy-read=off").text()

    second = publish(app, title="Test the new website")  # publishing another role
    assert titles(seen) == ["Help us rewrite the leaflet", "Test the new website"]

    with app.app_context():  # a status change: closed
        service.change_status(db.session().get(Role, second), "closed", STAFF, "officer")
    assert titles(seen) == ["Help us rewrite the leaflet"]
    assert "no longer taking interest" in seen.get(f"/roles/{second}?lang=en").text()

    with app.app_context():  # archived: gone from its page too
        service.change_status(db.session().get(Role, second), "archived", STAFF, "officer")
    seen.get(f"/roles/{second}?lang=en", expected_status=404)


def test_the_kept_words_are_the_same_for_everyone_and_the_page_around_them_is_each_persons(app: Flask) -> None:
    role_id = publish(app)
    alex, _ = signed_in(app, name="Alex Kept", email="alex@example.org")
    sam, _ = signed_in(app, name="Sam Private", email="sam.private@example.org")
    for path in (f"/roles/{role_id}?lang=en", "/roles/?lang=en"):
        first, second = alex.client.get(path).get_data(as_text=True), sam.client.get(path).get_data(as_text=True)
        assert COMPLETE["title"] in first and COMPLETE["title"] in second
        assert "Sam Private" not in first and "sam.private@example.org" not in first
        assert "Alex Kept" not in second and "alex@example.org" not in second
        token = 'X-CSRFToken": "'
        assert first.split(token)[1].split('"')[0] != second.split(token)[1].split('"')[0]  # each session's own
        anonymous = app.test_client().get(path).get_data(as_text=True)
        assert "Alex Kept" not in anonymous and "Sam Private" not in anonymous

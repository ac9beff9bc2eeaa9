"""Staff accounts (admin only) and the role checks every staff route makes."""

from __future__ import annotations

import pytest

from app.security import STAFF_ROLES
from tests.conftest import STAFF_PASSWORD, ClientRequest, make_staff, sign_in


def staff_rules(app):  # type: ignore[no-untyped-def]
    return [r for r in app.url_map.iter_rules() if r.endpoint.startswith("staff.")
            and r.endpoint not in ("staff.sign_in", "staff.sign_out")]


def test_every_staff_route_requires_sign_in(app, client_request) -> None:
    client = client_request.client
    token = client_request.csrf_token("/staff/sign-in")
    rules = staff_rules(app)
    assert len(rules) >= 6
    for rule in rules:
        url = rule.build({k: 1 for k in rule.arguments})[1]
        method = "GET" if "GET" in rule.methods else "POST"
        view = app.view_functions[rule.endpoint]
        assert getattr(view, "allowed_roles", None), f"{rule.endpoint} has no role check"
        response = client.open(url, method=method, data={"csrf_token": token} if method == "POST" else None)
        assert response.status_code == 302, rule.endpoint
        assert response.headers["Location"].startswith("/staff/sign-in")


@pytest.mark.parametrize("role", STAFF_ROLES)
def test_roles_see_only_their_routes(app, client_request, role: str) -> None:
    make_staff(app, role)
    sign_in(client_request, f"{role}@example.org")
    for rule in staff_rules(app):
        if "GET" not in rule.methods or rule.arguments:
            continue
        url = rule.build({})[1]
        allowed = role in app.view_functions[rule.endpoint].allowed_roles
        page = client_request.get(url, expected_status=200 if allowed else 403)
        if not allowed:
            assert page.h1 == "You cannot see this page"


def test_admin_adds_an_account_that_can_sign_in(app, as_admin) -> None:
    empty = as_admin.post("/staff/accounts/new", {})
    assert [m for _, m in empty.error_summary()] == [
        "Enter the person's full name", "Enter their work email address", "Choose what they will do",
        "Enter a first password"]
    assert ("#role-0", "Choose what they will do") in empty.error_summary()

    kept = as_admin.post("/staff/accounts/new", {"name": "Sam Finance", "email": "sam@example.org",
                                                 "role": "finance", "password": "short"})
    assert kept.by_id("name").get("value") == "Sam Finance"
    assert kept.by_id("role-1").get("checked") is not None
    assert kept.error_summary() == [("#password", "The password must be at least 12 characters long")]

    as_admin.post_redirect("/staff/accounts/new", {"name": "Sam Finance", "email": "Sam@Example.org",
                                                   "role": "finance", "password": "a long first password"})
    listing = as_admin.get("/staff/accounts")
    assert "Account created for Sam Finance." in listing.text()
    assert "sam@example.org" in listing.text()

    dup = as_admin.post("/staff/accounts/new", {"name": "Sam Again", "email": "sam@example.org",
                                                "role": "officer", "password": "a long first password"})
    assert dup.error_summary() == [("#email", "There is already a staff account with this email address")]

    other = ClientRequest(app.test_client())
    assert sign_in(other, "sam@example.org", "a long first password") == "/staff/"


def test_switching_an_account_off_ends_its_session(app, as_admin) -> None:
    officer_id = make_staff(app, "officer")
    officer = ClientRequest(app.test_client())
    sign_in(officer, "officer@example.org")
    as_admin.post_redirect(f"/staff/accounts/{officer_id}/active", {"active": "no"}, token_from="/staff/accounts")
    assert "Officer Person can no longer sign in." in as_admin.get("/staff/accounts").text()
    assert officer.get_redirect("/staff/").startswith("/staff/sign-in")
    refused = officer.post("/staff/sign-in", {"email": "officer@example.org", "password": STAFF_PASSWORD})
    assert refused.error_summary() == [("#email", "The email address or password is not right")]
    as_admin.post_redirect(f"/staff/accounts/{officer_id}/active", {"active": "yes"}, token_from="/staff/accounts")
    assert sign_in(officer, "officer@example.org") == "/staff/"


def test_admin_cannot_switch_themselves_off(app, as_admin) -> None:
    listing = as_admin.get("/staff/accounts")
    assert not [f for f in listing.findall(".//form") if "/active" in (f.get("action") or "")]
    as_admin.post_redirect("/staff/accounts/1/active", {"active": "no"}, token_from="/staff/accounts")
    assert "You cannot switch off your own account." in as_admin.get("/staff/accounts").text()


def test_unknown_account_is_not_found(as_admin) -> None:
    as_admin.post("/staff/accounts/999/active", {"active": "no"}, token_from="/staff/accounts", expected_status=404)

"""Staff sign-in: passwords, rate limits, sign-out, sessions that end when they should."""

from __future__ import annotations

from tests.conftest import STAFF_PASSWORD, make_staff, sign_in


def test_staff_sign_in_and_out(app, client_request) -> None:
    make_staff(app, "officer")
    assert client_request.get_redirect("/staff/").startswith("/staff/sign-in?next=/staff/")
    location = client_request.post_redirect(
        "/staff/sign-in?next=/staff/password", {"email": "Officer@Example.org ", "password": STAFF_PASSWORD}
    )
    assert location == "/staff/password"
    home = client_request.get("/staff/")
    assert home.h1 == "Staff home"
    assert "Signed in as Officer Person" in home.html
    after = client_request.post("/staff/sign-out", token_from="/staff/", follow=True)
    assert after.h1 == "Staff sign in"
    assert "You have signed out." in after.text()
    assert client_request.get_redirect("/staff/").startswith("/staff/sign-in")


def test_wrong_password_and_unknown_email_get_the_same_answer(app, client_request) -> None:
    make_staff(app, "admin")
    wrong = client_request.post("/staff/sign-in", {"email": "admin@example.org", "password": "nope"})
    unknown = client_request.post("/staff/sign-in", {"email": "who@example.org", "password": "nope"})
    assert wrong.error_summary() == unknown.error_summary() == [("#email", "The email address or password is not right")]
    assert wrong.title.startswith("Error:")
    # What was typed stays; the password does not.
    assert wrong.by_id("email").get("value") == "admin@example.org"
    assert wrong.by_id("password").get("value") is None


def test_empty_sign_in_says_what_to_do(client_request) -> None:
    page = client_request.post("/staff/sign-in", {"email": "", "password": ""})
    assert page.error_summary() == [("#email", "Enter your email address"), ("#password", "Enter your password")]
    field = page.by_id("email")
    assert field.get("aria-invalid") == "true"
    assert "email-error" in field.get("aria-describedby")


def test_sign_in_is_rate_limited_per_address(app, client_request) -> None:
    make_staff(app, "admin")
    for _ in range(5):
        client_request.post("/staff/sign-in", {"email": "admin@example.org", "password": "wrong"})
    limited = client_request.post("/staff/sign-in", {"email": "admin@example.org", "password": STAFF_PASSWORD},
                                  expected_status=429)
    assert limited.error_summary() == [("#email", "Too many attempts. Wait 15 minutes, then try again.")]


def test_sign_in_is_rate_limited_per_network_address(app, client_request, settings) -> None:
    from app import create_app

    app2 = create_app(settings.replace(sign_in_ip_limit=3))
    from tests.conftest import ClientRequest

    cr = ClientRequest(app2.test_client())
    for n in range(3):
        cr.post("/staff/sign-in", {"email": f"guess{n}@example.org", "password": "x"})
    cr.post("/staff/sign-in", {"email": "another@example.org", "password": "x"}, expected_status=429)


def test_external_next_addresses_are_ignored(app, client_request) -> None:
    make_staff(app, "admin")
    location = client_request.post_redirect(
        "/staff/sign-in?next=//evil.example/x", {"email": "admin@example.org", "password": STAFF_PASSWORD}
    )
    assert location == "/staff/"


def test_changing_password_signs_out_other_sessions(app, client_request) -> None:
    make_staff(app, "finance")
    sign_in(client_request, "finance@example.org")
    other = app.test_client()
    from tests.conftest import ClientRequest

    other_request = ClientRequest(other)
    sign_in(other_request, "finance@example.org")

    bad = client_request.post("/staff/password", {"current_password": "wrong", "new_password": "short",
                                                  "confirm_password": "different"})
    assert [m for _, m in bad.error_summary()] == ["Your new password must be at least 12 characters long",
                                                   "The two new passwords must be the same"]
    wrong_current = client_request.post("/staff/password", {"current_password": "wrong",
                                                            "new_password": "a new long password",
                                                            "confirm_password": "a new long password"})
    assert wrong_current.error_summary() == [("#current_password", "Your current password is not right")]
    client_request.post_redirect("/staff/password", {"current_password": STAFF_PASSWORD,
                                                     "new_password": "a new long password",
                                                     "confirm_password": "a new long password"})
    assert client_request.get("/staff/").h1 == "Staff home"
    assert other_request.get_redirect("/staff/").startswith("/staff/sign-in")
    sign_in(other_request, "finance@example.org", "a new long password")


def test_sessions_end_after_the_configured_hours(app, client_request) -> None:
    make_staff(app, "admin")
    sign_in(client_request, "admin@example.org")
    with client_request.client.session_transaction() as sess:
        sess["staff_at"] -= 13 * 3600
    location = client_request.get_redirect("/staff/")
    page = client_request.get(location)
    assert "You were signed out because your session ended." in page.text()


def test_using_the_site_keeps_staff_signed_in(app, client_request) -> None:
    make_staff(app, "admin")
    sign_in(client_request, "admin@example.org")
    with client_request.client.session_transaction() as sess:
        sess["staff_at"] -= 11 * 3600  # idle for 11 of the 12 hours
    assert client_request.get("/staff/").h1 == "Staff home"
    with client_request.client.session_transaction() as sess:
        sess["staff_at"] -= 11 * 3600  # another 11 hours idle since that page
    assert client_request.get("/staff/").h1 == "Staff home"

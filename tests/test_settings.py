"""Settings: safe local defaults, and production refuses to start without real secrets."""

from __future__ import annotations

import pytest
from cryptography.fernet import Fernet

from app import create_app
from app.settings import DEV_ENCRYPTION_KEY, DEV_SECRET_KEY, Settings, SettingsError

GOOD = {
    "TAKEPART_ENV": "production",
    "SECRET_KEY": "x" * 48,
    "DATA_ENCRYPTION_KEY": Fernet.generate_key().decode(),
    "BASE_URL": "https://takepart.example.org",
}


def test_defaults_are_local_and_safe() -> None:
    s = Settings.from_env({})
    assert s.database_url.startswith("sqlite:///") and s.database_url.endswith("instance/takepart.sqlite3")
    assert not s.production and not s.mail_server
    s.check()


def test_every_variable_is_read() -> None:
    s = Settings.from_env(GOOD | {"MAIL_SERVER": "smtp.example.org", "MAIL_PORT": "587", "MAIL_USE_TLS": "yes",
                                  "LOCALES": "en,cy", "UNCHECKED_LOCALES": "", "SIGN_IN_LIMIT": "3"})
    assert (s.mail_server, s.mail_port, s.mail_use_tls) == ("smtp.example.org", 587, True)
    assert s.locales == ("en", "cy") and s.unchecked_locales == () and s.sign_in_limit == 3
    s.check()


@pytest.mark.parametrize(
    "change, message",
    [
        ({"SECRET_KEY": ""}, "SECRET_KEY"),
        ({"SECRET_KEY": "short"}, "SECRET_KEY"),
        ({"DATA_ENCRYPTION_KEY": ""}, "DATA_ENCRYPTION_KEY"),
        ({"DATA_ENCRYPTION_KEY": "not-a-fernet-key"}, "DATA_ENCRYPTION_KEY"),
        ({"BASE_URL": "http://takepart.example.org"}, "https"),
        # Development secrets hidden in a list, or padded: still development secrets.
        ({"DATA_ENCRYPTION_KEY": f"{DEV_ENCRYPTION_KEY},"}, "DATA_ENCRYPTION_KEY"),
        ({"DATA_ENCRYPTION_KEY": f"{DEV_ENCRYPTION_KEY},{GOOD['DATA_ENCRYPTION_KEY']}"}, "DATA_ENCRYPTION_KEY"),
        ({"DATA_ENCRYPTION_KEY": f"{GOOD['DATA_ENCRYPTION_KEY']},{DEV_ENCRYPTION_KEY}"}, "DATA_ENCRYPTION_KEY"),
        ({"DATA_ENCRYPTION_KEY": f"{GOOD['DATA_ENCRYPTION_KEY']},"}, "DATA_ENCRYPTION_KEY"),
        ({"SECRET_KEY": f"{DEV_SECRET_KEY}-and-some-more"}, "SECRET_KEY"),
        ({"SECRET_KEY": DEV_SECRET_KEY.upper()}, "SECRET_KEY"),
        # The same key spelt differently (the last base64 character carries unused bits).
        ({"DATA_ENCRYPTION_KEY": DEV_ENCRYPTION_KEY[:-2] + "N="}, "DATA_ENCRYPTION_KEY"),
        # An environment name it does not know exactly is refused, never run as development.
        ({"TAKEPART_ENV": "Production"}, "TAKEPART_ENV"),
        ({"TAKEPART_ENV": "prod"}, "TAKEPART_ENV"),
    ],
)
def test_production_refuses_unsafe_settings(change: dict[str, str], message: str) -> None:
    env = GOOD | change
    env = {k: v for k, v in env.items() if v != ""}
    with pytest.raises(SettingsError, match=message):
        create_app(Settings.from_env(env))


def test_unknown_locale_is_refused() -> None:
    with pytest.raises(SettingsError):
        Settings.from_env({"LOCALES": "en,fr"}).check()


def test_https_deployment_gets_secure_cookies(settings) -> None:
    app = create_app(settings.replace(base_url="https://takepart.example.org"))
    assert app.config["SESSION_COOKIE_SECURE"] is True
    assert app.config["SESSION_COOKIE_NAME"] == "__Host-session"
    response = app.test_client().get("/?lang=cy", base_url="https://takepart.example.org")
    assert "max-age=63072000" in response.headers["Strict-Transport-Security"]
    cookies = response.headers.getlist("Set-Cookie")
    assert cookies and all("Secure" in c and "HttpOnly" in c and "SameSite=Lax" in c for c in cookies)


def test_every_setting_is_read_from_its_variable_and_documented_in_the_readme() -> None:
    from dataclasses import fields

    from app.settings import ROOT, env_name

    readme = (ROOT / "README.md").read_text()
    for f in fields(Settings):
        name = env_name(f.name)
        if name is None:
            continue
        assert f"`{name}`" in readme, f"{name} is not documented in README.md"
        sample = {bool: "false" if f.default is True else "true", int: "7", tuple: "en,cy"}.get(
            type(f.default), "https://x.example")  # a bool on by default is read when turned off
        value = getattr(Settings.from_env({name: sample}), f.name)
        assert value != f.default or sample == str(f.default), f"{name} is not read"


def test_a_malformed_number_gets_a_clear_message() -> None:
    with pytest.raises(SettingsError, match="MAIL_PORT must be a whole number"):
        Settings.from_env({"MAIL_PORT": "twenty-five"})


def test_demo_data_refuses_to_run_in_production(settings) -> None:
    app = create_app(settings.replace(**{"env": "production", "secret_key": GOOD["SECRET_KEY"],
                                         "data_encryption_key": GOOD["DATA_ENCRYPTION_KEY"],
                                         "base_url": GOOD["BASE_URL"]}))
    result = app.test_cli_runner().invoke(args=["demo-data"])
    assert result.exit_code != 0 and "refuses to run in production" in result.output
    from sqlalchemy import func, select

    from app import db
    from app.staff.models import StaffUser

    with app.app_context():
        assert db.session().scalar(select(func.count()).select_from(StaffUser)) == 0

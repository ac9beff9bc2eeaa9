"""Every setting Take Part reads, taken from the environment in one place.

Defaults are safe for a laptop: SQLite in ``instance/``, mail written to a local
outbox folder, plain HTTP on 127.0.0.1. In production (``TAKEPART_ENV=production``)
the app refuses to start without a real ``SECRET_KEY`` and ``DATA_ENCRYPTION_KEY``.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any, Mapping

ROOT = Path(__file__).resolve().parent.parent
INSTANCE = ROOT / "instance"

#: Locales shipped with the app, English first (the source language).
SHIPPED_LOCALES = ("en", "cy", "pl", "ur", "ar", "bn")

# Placeholder secrets used only outside production; production refuses them.
DEV_SECRET_KEY = "dev-only-secret-key-not-for-production"
DEV_ENCRYPTION_KEY = "ZGV2LW9ubHktZW5jcnlwdGlvbi1rZXktMzItYnl0ZXM="


#: Who may deliver each channel: "staff" means a task for the team (a text to send, a letter to print).
PROVIDERS = {"email": ("smtp", "notify"), "text": ("staff", "notify"), "letter": ("staff", "notify")}


#: The only names ``TAKEPART_ENV`` may have, spelt exactly: anything else refuses to start
#: (``Production`` must not quietly run as development).
ENVIRONMENTS = ("production", "development", "test")


class SettingsError(RuntimeError):
    """Raised when the environment would make the app unsafe to run."""


def _key_bytes(key: str) -> bytes | None:
    """A Fernet key as the bytes it stands for: base64 spelt differently is still the same key."""
    import base64
    import binascii

    try:
        return base64.urlsafe_b64decode(key.encode())
    except (binascii.Error, ValueError):
        return None


def _bool(value: str) -> bool:
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _list(value: str) -> tuple[str, ...]:
    return tuple(part.strip() for part in value.split(",") if part.strip())


#: Fields that are not read from the environment (set by the test suite only).
INTERNAL = {"testing"}


def env_name(field_name: str) -> str | None:
    """The environment variable behind a setting (``None`` for internal ones)."""
    if field_name in INTERNAL:
        return None
    return "TAKEPART_ENV" if field_name == "env" else field_name.upper()


@dataclass(frozen=True)
class Settings:
    """Typed settings; ``from_env`` documents the variable behind each field."""

    env: str = "development"
    secret_key: str = DEV_SECRET_KEY
    data_encryption_key: str = DEV_ENCRYPTION_KEY
    database_url: str = f"sqlite:///{INSTANCE / 'takepart.sqlite3'}"
    base_url: str = "http://127.0.0.1:5000"
    port: int = 5000
    mail_server: str = ""
    mail_port: int = 25
    mail_use_tls: bool = False
    mail_username: str = ""
    mail_password: str = ""
    mail_from: str = "Take Part <takepart@localhost>"
    mail_outbox: str = str(INSTANCE / "outbox")
    organisation_name: str = "Take Part"
    organisation_email: str = "involvement@example.org"
    organisation_phone: str = "0300 000 0000"
    #: The team's postal address, lines separated by commas (the foot of every letter).
    organisation_address: str = "Involvement Team, 1 Example Street, Leeds, LS1 4AP"
    testing: bool = False
    locales: tuple[str, ...] = SHIPPED_LOCALES
    unchecked_locales: tuple[str, ...] = ("cy", "pl", "ur", "ar", "bn")
    staff_session_hours: int = 12
    contributor_session_days: int = 30
    sign_in_link_minutes: int = 60
    contributor_sign_in_limit: int = 5
    sign_in_limit: int = 5
    sign_in_ip_limit: int = 30
    four_eyes_days: int = 90
    sign_in_code_daily_limit: int = 10
    sign_in_code_ip_limit: int = 50
    sign_in_window_minutes: int = 15
    max_upload_mb: int = 10
    upload_dir: str = str(INSTANCE / "uploads")
    draft_days: int = 60
    jargon_terms: str = ""
    draft_reminder_days: int = 7
    interest_reply_days: int = 14
    finance_cost_code: str = ""
    claim_pay_days: int = 14
    voluntary_roles: bool = True  # roles may be voluntary (no payment for time): discouraged, still possible
    feedback_days: int = 14
    you_said_days: int = 28
    # Meetings in people's diaries (README: On paper and in the diary): reminders this many hours
    # before a meeting, and a letter posted this many working days (Monday to Friday) before.
    meeting_reminder_hours: str = "48,2"
    letter_reminder_working_days: int = 5
    retention_sign_in_days: int = 7
    retention_outbox_days: int = 90
    retention_interest_months: int = 12
    retention_feedback_months: int = 24
    retention_claim_years: int = 7
    trusted_proxies: int = 0
    log_level: str = "INFO"
    # Reaching people (README: Reaching people): who delivers each channel. A phone call is always
    # a staff task; a text message or letter is one too until GOV.UK Notify is switched on.
    takepart_email_provider: str = "smtp"
    takepart_text_provider: str = "staff"
    takepart_letter_provider: str = "staff"
    takepart_notify_api_key: str = ""
    takepart_notify_email_template: str = ""
    takepart_notify_sms_template: str = ""
    takepart_notify_letter_template: str = ""
    takepart_notify_base_url: str = "https://api.notifications.service.gov.uk"
    takepart_sms_regions: tuple[str, ...] = ("GB",)

    @property
    def production(self) -> bool:
        return self.env == "production"

    @property
    def encryption_keys(self) -> tuple[str, ...]:
        """Fernet keys, newest first: the first encrypts, all of them decrypt."""
        return _list(self.data_encryption_key)

    @property
    def https(self) -> bool:
        return self.base_url.startswith("https://")

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> "Settings":
        """Read settings from ``environ`` (default ``os.environ``).

        Each field is read from the variable of the same name in capitals
        (``env`` from ``TAKEPART_ENV``), parsed by the type of its default.
        """
        env = os.environ if environ is None else environ
        values: dict[str, Any] = {}
        for f in fields(cls):
            name = env_name(f.name)
            if name is None or name not in env:
                continue
            raw, default = env[name], f.default
            try:
                if isinstance(default, bool):
                    values[f.name] = _bool(raw)
                elif isinstance(default, int):
                    values[f.name] = int(raw)
                elif isinstance(default, tuple):
                    values[f.name] = _list(raw)
                else:
                    values[f.name] = raw
            except ValueError as exc:
                raise SettingsError(f"{name} must be a whole number, not {raw!r}") from exc
        if "base_url" in values:
            values["base_url"] = values["base_url"].rstrip("/")
        elif "port" in values:  # links in emails and QR codes follow the port the app is served on
            values["base_url"] = f"http://127.0.0.1:{values['port']}"
        return cls(**values)

    def replace(self, **changes: Any) -> "Settings":
        values = {f.name: getattr(self, f.name) for f in fields(self)}
        values.update(changes)
        return Settings(**values)

    def check(self) -> None:
        """Refuse unsafe combinations; called by ``create_app``."""
        unknown = [loc for loc in self.locales if loc not in SHIPPED_LOCALES]
        if unknown or "en" not in self.locales:
            raise SettingsError(
                f"LOCALES must include 'en' and only shipped locales {SHIPPED_LOCALES}; got {self.locales}"
            )
        for channel, allowed in PROVIDERS.items():
            chosen = getattr(self, f"takepart_{channel}_provider")
            if chosen not in allowed:
                raise SettingsError(f"TAKEPART_{channel.upper()}_PROVIDER must be one of {', '.join(allowed)}; "
                                    f"got {chosen!r}")
            template = {"email": self.takepart_notify_email_template, "text": self.takepart_notify_sms_template,
                        "letter": self.takepart_notify_letter_template}[channel]
            if chosen == "notify" and not (self.takepart_notify_api_key and template):
                raise SettingsError(f"TAKEPART_{channel.upper()}_PROVIDER=notify needs TAKEPART_NOTIFY_API_KEY and "
                                    "the channel's template id (README: Reaching people).")
        if self.env not in ENVIRONMENTS:
            raise SettingsError(f"TAKEPART_ENV must be one of {', '.join(ENVIRONMENTS)} (exactly); got {self.env!r}")
        if not self.production:
            return
        if DEV_SECRET_KEY.lower() in self.secret_key.lower() or len(self.secret_key) < 32:
            raise SettingsError("Set SECRET_KEY to a random value of at least 32 characters "
                                "(not the development key, nor one containing it).")
        keys = [key.strip() for key in self.data_encryption_key.split(",")]
        if (not self.data_encryption_key.strip() or "" in keys or DEV_ENCRYPTION_KEY in self.data_encryption_key
                or any(_key_bytes(key) == _key_bytes(DEV_ENCRYPTION_KEY) for key in keys)):
            raise SettingsError("Set DATA_ENCRYPTION_KEY to your own Fernet keys, comma-separated with no empty "
                                "entries; the development key may not be among them (see README: Configuration).")
        from cryptography.fernet import Fernet

        for key in self.encryption_keys:
            try:
                Fernet(key.encode())
            except ValueError as exc:
                raise SettingsError(
                    "DATA_ENCRYPTION_KEY must be Fernet keys (urlsafe base64, 32 bytes), comma-separated."
                ) from exc
        if not self.https:
            raise SettingsError("BASE_URL must start with https:// in production.")

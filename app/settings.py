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


class SettingsError(RuntimeError):
    """Raised when the environment would make the app unsafe to run."""


def _bool(value: str) -> bool:
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _list(value: str) -> tuple[str, ...]:
    return tuple(part.strip() for part in value.split(",") if part.strip())


@dataclass(frozen=True)
class Settings:
    """Typed settings; ``from_env`` documents the variable behind each field."""

    env: str = "development"
    secret_key: str = DEV_SECRET_KEY
    data_encryption_key: str = DEV_ENCRYPTION_KEY
    database_url: str = f"sqlite:///{INSTANCE / 'takepart.sqlite3'}"
    base_url: str = "http://127.0.0.1:5000"
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
    testing: bool = False
    locales: tuple[str, ...] = SHIPPED_LOCALES
    unchecked_locales: tuple[str, ...] = ("cy", "pl", "ur", "ar", "bn")
    staff_session_hours: int = 12
    contributor_session_days: int = 30
    sign_in_link_minutes: int = 60
    contributor_sign_in_limit: int = 5
    sign_in_limit: int = 5
    sign_in_ip_limit: int = 30
    sign_in_window_minutes: int = 15
    max_upload_mb: int = 10
    draft_days: int = 60
    jargon_terms: str = ""
    draft_reminder_days: int = 7
    retention_sign_in_days: int = 7
    retention_outbox_days: int = 90
    retention_interest_months: int = 12
    retention_feedback_months: int = 24
    retention_claim_years: int = 7
    trusted_proxies: int = 0
    log_level: str = "INFO"

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
        """Read settings from ``environ`` (default ``os.environ``)."""
        env = os.environ if environ is None else environ
        d = cls()

        def get(name: str, default: str) -> str:
            return env.get(name, default)

        return cls(
            env=get("TAKEPART_ENV", d.env),
            secret_key=get("SECRET_KEY", d.secret_key),
            data_encryption_key=get("DATA_ENCRYPTION_KEY", d.data_encryption_key),
            database_url=get("DATABASE_URL", d.database_url),
            base_url=get("BASE_URL", d.base_url).rstrip("/"),
            mail_server=get("MAIL_SERVER", d.mail_server),
            mail_port=int(get("MAIL_PORT", str(d.mail_port))),
            mail_use_tls=_bool(get("MAIL_USE_TLS", "false")),
            mail_username=get("MAIL_USERNAME", d.mail_username),
            mail_password=get("MAIL_PASSWORD", d.mail_password),
            mail_from=get("MAIL_FROM", d.mail_from),
            mail_outbox=get("MAIL_OUTBOX", d.mail_outbox),
            organisation_name=get("ORGANISATION_NAME", d.organisation_name),
            organisation_email=get("ORGANISATION_EMAIL", d.organisation_email),
            organisation_phone=get("ORGANISATION_PHONE", d.organisation_phone),
            locales=_list(get("LOCALES", ",".join(d.locales))),
            unchecked_locales=_list(get("UNCHECKED_LOCALES", ",".join(d.unchecked_locales))),
            staff_session_hours=int(get("STAFF_SESSION_HOURS", str(d.staff_session_hours))),
            contributor_session_days=int(get("CONTRIBUTOR_SESSION_DAYS", str(d.contributor_session_days))),
            sign_in_link_minutes=int(get("SIGN_IN_LINK_MINUTES", str(d.sign_in_link_minutes))),
            contributor_sign_in_limit=int(get("CONTRIBUTOR_SIGN_IN_LIMIT", str(d.contributor_sign_in_limit))),
            sign_in_limit=int(get("SIGN_IN_LIMIT", str(d.sign_in_limit))),
            sign_in_ip_limit=int(get("SIGN_IN_IP_LIMIT", str(d.sign_in_ip_limit))),
            sign_in_window_minutes=int(
                get("SIGN_IN_WINDOW_MINUTES", str(d.sign_in_window_minutes))
            ),
            max_upload_mb=int(get("MAX_UPLOAD_MB", str(d.max_upload_mb))),
            draft_days=int(get("DRAFT_DAYS", str(d.draft_days))),
            jargon_terms=get("JARGON_TERMS", d.jargon_terms),
            draft_reminder_days=int(get("DRAFT_REMINDER_DAYS", str(d.draft_reminder_days))),
            retention_sign_in_days=int(get("RETENTION_SIGN_IN_DAYS", str(d.retention_sign_in_days))),
            retention_outbox_days=int(get("RETENTION_OUTBOX_DAYS", str(d.retention_outbox_days))),
            retention_interest_months=int(get("RETENTION_INTEREST_MONTHS", str(d.retention_interest_months))),
            retention_feedback_months=int(get("RETENTION_FEEDBACK_MONTHS", str(d.retention_feedback_months))),
            retention_claim_years=int(get("RETENTION_CLAIM_YEARS", str(d.retention_claim_years))),
            trusted_proxies=int(get("TRUSTED_PROXIES", str(d.trusted_proxies))),
            log_level=get("LOG_LEVEL", d.log_level),
        )

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
        if not self.production:
            return
        if self.secret_key == DEV_SECRET_KEY or len(self.secret_key) < 32:
            raise SettingsError("Set SECRET_KEY to a random value of at least 32 characters.")
        if self.data_encryption_key == DEV_ENCRYPTION_KEY:
            raise SettingsError("Set DATA_ENCRYPTION_KEY (see README: Configuration).")
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

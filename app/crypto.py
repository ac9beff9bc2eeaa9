"""Encryption of personal data at rest (bank details) with Fernet and key rotation.

``DATA_ENCRYPTION_KEY`` is a comma-separated list of Fernet keys, newest first.
The first key encrypts; every key can decrypt, so a new key can be put in front,
``flask rotate-keys`` re-encrypts every stored value with it, and then the old key
can be removed.
"""

from __future__ import annotations

import json
from typing import Any

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from flask import current_app


def _fernet() -> MultiFernet:
    keys = current_app.config["SETTINGS"].encryption_keys
    return MultiFernet([Fernet(k.encode()) for k in keys])


def encrypt_json(data: dict[str, Any]) -> str:
    return _fernet().encrypt(json.dumps(data, sort_keys=True).encode()).decode()


def decrypt_json(token: str) -> dict[str, Any]:
    try:
        return json.loads(_fernet().decrypt(token.encode()))
    except InvalidToken as exc:
        raise RuntimeError("stored value cannot be decrypted with DATA_ENCRYPTION_KEY") from exc


def rotate(token: str) -> str:
    """Re-encrypt ``token`` with the newest key."""
    return _fernet().rotate(token.encode()).decode()

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


#: Marks a column that holds Fernet tokens: ``mapped_column(Text, info=ENCRYPTED)``. ``rotate_all``
#: finds every column so marked, and a test fails on any column holding tokens without the mark.
ENCRYPTED = {"encrypted": True}
CHUNK = 500


def encrypted_columns(metadata: Any) -> list[Any]:
    """Every column marked ``ENCRYPTED``, in every table."""
    return [column for table in metadata.sorted_tables for column in table.columns if column.info.get("encrypted")]


def rotate_all(session: Any, metadata: Any) -> dict[str, int]:
    """Re-encrypt every marked column's values with the newest key, a chunk at a time (the caller
    commits). Returns how many values were rotated, by ``table.column``."""
    from sqlalchemy import select, update

    counts: dict[str, int] = {}
    for column in encrypted_columns(metadata):
        table = column.table
        [key] = table.primary_key.columns
        last, count = None, 0
        while True:
            query = select(key, column).where(column.is_not(None)).order_by(key).limit(CHUNK)
            rows = session.execute(query if last is None else query.where(key > last)).all()
            if not rows:
                break
            for row_key, token in rows:
                session.execute(update(table).where(key == row_key).values({column.name: rotate(token)}))
            count, last = count + len(rows), rows[-1][0]
        counts[f"{table.name}.{column.name}"] = count
    return counts

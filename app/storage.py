"""Where uploaded files live: outside the web root, behind one small interface.

``LocalStorage`` (the default) keeps files under ``UPLOAD_DIR`` with random names;
nothing there is served directly: a view checks who may see a file, audits the
access, then streams it. Object storage (S3 and the like) fits the same interface:
implement ``save``/``read``/``delete`` with the bucket's client and return it from
``storage()``.
"""

from __future__ import annotations

import secrets
from pathlib import Path
from typing import Protocol

from flask import current_app


class Storage(Protocol):
    def save(self, data: bytes, suffix: str) -> str:
        """Store ``data``; returns an opaque key."""

    def read(self, key: str) -> bytes:
        """The bytes stored under ``key`` (``FileNotFoundError`` if gone)."""

    def delete(self, key: str) -> None:
        """Remove ``key``; removing a missing key is not an error."""


class LocalStorage:
    """Files on local disk, two levels of folders so no folder grows too big."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def _path(self, key: str) -> Path:
        if not key or "/" in key or "\\" in key or key.startswith("."):
            raise ValueError("bad storage key")
        return self.root / key[:2] / key

    def save(self, data: bytes, suffix: str) -> str:
        key = secrets.token_hex(16) + suffix
        path = self._path(key)
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(path.name + ".part")
        tmp.write_bytes(data)
        tmp.replace(path)  # never a half-written file under the real name
        return key

    def read(self, key: str) -> bytes:
        return self._path(key).read_bytes()

    def delete(self, key: str) -> None:
        self._path(key).unlink(missing_ok=True)


def storage() -> Storage:
    return LocalStorage(Path(current_app.config["SETTINGS"].upload_dir))

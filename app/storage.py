"""Where uploaded files live: outside the web root, behind one small interface.

``LocalStorage`` (the default) keeps files under ``UPLOAD_DIR`` with random names;
nothing there is served directly: a view checks who may see a file, audits the
access, then streams it. Object storage (S3 and the like) fits the same interface:
implement ``save``/``read``/``delete`` with the bucket's client and return it from
``storage()``.

A file whose row is deleted goes only once that deletion is committed
(``delete_after_commit``): deleting first would leave rows pointing at missing files
whenever the commit fails.
"""

from __future__ import annotations

import secrets
from pathlib import Path
from typing import Iterable, Protocol

from flask import current_app
from sqlalchemy import event
from sqlalchemy.orm import Session, SessionTransaction


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


_PENDING = "storage_delete_after_commit"  # session.info: {transaction: [keys]}


def delete_after_commit(keys: Iterable[str]) -> None:
    """Delete these files when the current database transaction commits; never if it rolls back.

    Services that delete rows pointing at files call this and do not commit; the route or job
    that commits makes the files go with the rows. The keys belong to the transaction open now
    (one is begun if none is), so a rollback forgets them and a later commit does not delete them.
    """
    from app import db

    session = db.session()
    transaction = session.get_transaction() or session.begin()
    session.info.setdefault(_PENDING, {}).setdefault(transaction, []).extend(keys)
    if not event.contains(session, "after_commit", _delete_pending):
        event.listen(session, "after_commit", _delete_pending)
        event.listen(session, "after_transaction_end", _forget_pending)


def _delete_pending(session: Session) -> None:
    keys = session.info.get(_PENDING, {}).pop(session.get_transaction(), [])
    files = storage()
    for key in keys:
        try:
            files.delete(key)
        except Exception:  # noqa: BLE001 - the rows are gone; a file left behind must not break the commit
            current_app.logger.exception("could not delete stored file %s", key)


def _forget_pending(session: Session, transaction: SessionTransaction) -> None:
    """A transaction that ended without committing (after_commit has taken a committed one's keys)."""
    session.info.get(_PENDING, {}).pop(transaction, None)

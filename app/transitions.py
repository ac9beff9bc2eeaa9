"""One way to move a record between states: a table of allowed moves, who may make each,
the audit event and the email.

Claims, interests, roles and "you said, we did" each declare a ``Machine``: for every state,
the states it may move to and who may make that move (a staff role such as ``"officer"``, or
``PERSON``: the contributor, or a supporter acting for them with their permission). The room's
service function asks the machine to ``move`` the record, which refuses what the table does not
allow, sets the state, records the audit event and then runs the room's ``notify`` (the email),
all in the caller's transaction: the route or job that started the change commits once.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable, Mapping, TypeVar

from app import audit
from app.audit import Actor

#: The person the record is about (or a supporter acting for them, allowed by app.access).
PERSON = "person"
#: The staff roles that run involvement day to day.
TEAM = ("admin", "officer")
#: The staff roles that pay.
FINANCE = ("admin", "finance")

T = TypeVar("T")


class NotAllowed(Exception):
    """A change the rules refuse: not a move the table allows, not for this person, or not yet."""


@dataclass(frozen=True)
class Machine:
    """``moves[state][to]`` is who may move a record from ``state`` to ``to``."""

    record: str  # the audit record type, and the first word of its events ("claim" -> "claim.approved")
    moves: Mapping[str, Mapping[str, tuple[str, ...]]]

    def may(self, current: str, to: str, who: str) -> bool:
        return who in self.moves.get(current, {}).get(to, ())

    def next(self, current: str, who: str) -> list[str]:
        """The states ``who`` may move a record in ``current`` to, in the table's order."""
        return [to for to, allowed in self.moves.get(current, {}).items() if who in allowed]

    def check(self, current: str, to: str, who: str) -> None:
        if not self.may(current, to, who):
            raise NotAllowed(f"{self.record}: {current} -> {to} is not for {who}")

    def move(self, item: Any, to: str, who: str, by: Actor, *, event: str = "",
             before: Mapping[str, Any] | None = None, after: Mapping[str, Any] | None = None,
             notify: Callable[[], T] | None = None) -> T | None:
        """Move ``item`` (with a ``status`` and an ``id``) to ``to`` as ``who``; audit it as ``by``;
        then ``notify`` (queue the email) and return what it returns. Never commits."""
        current = item.status
        self.check(current, to, who)
        item.status = to
        audit.record(event or f"{self.record}.{to}", self.record, item.id, actor=by,
                     before={"status": current, **(before or {})}, after={"status": to, **(after or {})})
        return notify() if notify is not None else None

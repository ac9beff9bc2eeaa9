"""htmx glue: a handler answers htmx with a fragment and everyone else with the page.

Every htmx interaction is an enhancement of a plain link or form post to the same
URL, so a page works the same without JavaScript.
"""

from __future__ import annotations

from flask import current_app


def partial() -> bool:
    """True for an htmx request that wants a fragment (not a boosted or history-restore load)."""
    hx = current_app.htmx  # type: ignore[attr-defined]
    return bool(hx) and not hx.boosted and not hx.history_restore_request

"""Rooms plug into the shared machinery from ``init_app``, per app (``app/plugs.py``).

Nothing registers at import time, so building a second app (every test does) neither doubles
an eraser nor carries a test-only form into the real app.
"""

from __future__ import annotations

from app import create_app
from app.plugs import plugs


def test_each_app_gets_every_room_once(settings) -> None:
    first, second = create_app(settings), create_app(settings)
    for application in (first, second):
        p = plugs(application)
        assert len(p.erasers) == len(set(p.erasers)) == 4  # interests, claims, meetings, involvement
        assert set(p.retention) == {"interests", "claims", "advances", "feedback", "meeting_reminders"}
        assert set(p.forms) == {"setup", "interest", "claim"}  # the test-only wizard is not here
        assert len(p.mail_jobs) == 2  # "sent for payment" emails, meeting reminders
        assert len(p.after_sign_in) == 1
        assert len(p.home_panels) == len(set(p.home_panels)) == 2  # meetings' overdue, claims' advances to sort out
        assert {"claims", "interests", "feedback", "meetings_you_came_to"} <= set(p.exports)
    assert plugs(first) is not plugs(second)


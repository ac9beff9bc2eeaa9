"""A phone's first screen shows the page: on every contributor page at 390x844, in every language
with easy read on and off, the <h1> starts within the first 60% of the screen and the easy-read
switch can be seen without scrolling.

One browser per registry session, one page load per case, measured with getBoundingClientRect().
The terminal summary lists the lowest headings; with ``FIRST_SCREEN_RECORD=<file>`` every
measurement is also written there as JSON, to compare a change's before and after.
"""

from __future__ import annotations

import json
import os

import pytest

from app.settings import SHIPPED_LOCALES
from tests.a11y.conftest import PHONE, STATUSES
from tests.a11y.registry import PAGES, Entry
from tests.a11y.test_axe import BROWSERS

LINE = int(PHONE[1] * 0.6)  # 506 px of 844
STAFF_SESSIONS = ("admin", "officer")

CONTRIBUTOR_PAGES = [entry for entry in PAGES
                     if entry.who not in STAFF_SESSIONS and not entry.path.startswith("/staff")]

#: (page, locale, mode) -> top of the <h1> in px, for the terminal summary.
MEASURED: dict[tuple[str, str, str], float] = {}

MEASURE = """
window.scrollTo(0, 0);
const h1 = document.querySelector('h1');
const sw = document.getElementById('easy-read-switch');
const box = el => { if (!el) return null; const r = el.getBoundingClientRect();
  return {top: r.top + window.scrollY, bottom: r.bottom + window.scrollY, width: r.width, height: r.height,
          shown: getComputedStyle(el).visibility !== 'hidden'}; };
return {h1: box(h1), sw: box(sw), width: document.documentElement.scrollWidth, height: window.innerHeight};
"""


@pytest.mark.parametrize("entry", CONTRIBUTOR_PAGES, ids=[e.name for e in CONTRIBUTOR_PAGES])
def test_heading_and_easy_read_switch_are_on_the_first_screen(request, live_server, entry: Entry) -> None:
    driver = request.getfixturevalue(BROWSERS[entry.who])
    # The window holds the browser's own bars too: make the page's viewport the phone's whole screen.
    driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride",
                           {"width": PHONE[0], "height": PHONE[1], "deviceScaleFactor": 1, "mobile": True})
    request.addfinalizer(lambda: driver.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {}))
    problems = []
    for locale in SHIPPED_LOCALES:
        for mode in ("off", "on"):
            sep = "&" if "?" in entry.path else "?"
            path = f"{entry.path}{sep}lang={locale}&easy-read={mode}"
            driver.get(f"{live_server.url}{path}")
            assert STATUSES.get(path) == entry.expected_status, f"{path} answered {STATUSES.get(path)}"
            seen = driver.execute_script(MEASURE)
            h1, switch = seen["h1"], seen["sw"]
            if seen["width"] > PHONE[0] or seen["height"] != PHONE[1]:
                # A page wider than the phone is zoomed out, and every position on it is off.
                problems.append(f"{path}: the page is {seen['width']} px wide, wider than the phone")
                continue
            assert h1 is not None and switch is not None, f"{path}: no <h1> or no easy-read switch"
            MEASURED[(entry.name, locale, mode)] = h1["top"]
            if h1["top"] > LINE:
                problems.append(f"{path}: the <h1> starts at {h1['top']:.0f} px (the line is {LINE} px)")
            if not (switch["shown"] and switch["height"] > 0 and switch["top"] >= 0 and switch["bottom"] <= PHONE[1]):
                problems.append(f"{path}: the easy-read switch is not on the first screen ({switch})")
    assert not problems, "\n".join(problems)


def lowest(count: int = 8) -> list[str]:
    """The lowest <h1> tops measured in this run, for the terminal summary."""
    rows = sorted(MEASURED.items(), key=lambda item: -item[1])[:count]
    return [f"{top:5.0f} px  {name} ({locale}, easy read {mode})" for (name, locale, mode), top in rows]


def record() -> None:
    """Write every measurement to ``$FIRST_SCREEN_RECORD`` (JSON), when it is set."""
    path = os.environ.get("FIRST_SCREEN_RECORD")
    if path and MEASURED:
        rows = {f"{name} | {locale} | easy read {mode}": round(top) for (name, locale, mode), top in MEASURED.items()}
        with open(path, "w", encoding="utf-8") as out:
            json.dump(rows, out, ensure_ascii=False, indent=1)

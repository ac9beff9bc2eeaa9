"""axe-core on every registered page x every locale x easy read on/off (+ error states).

At a phone viewport (390x844). Zero violations of wcag2a, wcag2aa, wcag21a,
wcag21aa, wcag22aa and best-practice rules.
"""

from __future__ import annotations

import json

import pytest
from axe_selenium_python import Axe
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

from app.settings import SHIPPED_LOCALES
from tests.a11y.conftest import AXE_JS, STATUSES
from tests.a11y.registry import NOT_PAGES, PAGES, Entry

AXE_OPTIONS = {
    "runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]},
    "resultTypes": ["violations"],
}

BROWSERS = {"anon": "browser", "pending": "pending_browser", "texted": "texted_browser",
            "contributor": "contributor_browser",
            "supporter": "supporter_browser", "helper": "helper_browser", "interested": "interested_browser",
            "admin": "admin_browser", "officer": "officer_browser"}

CASES = [
    pytest.param(entry, locale, easy, error, id=f"{entry.name}-{locale}-{'easy' if easy else 'standard'}"
                 + ("-errors" if error else ""))
    for entry in PAGES
    for error in ([False, True] if entry.error_state else [False])
    for locale in SHIPPED_LOCALES
    for easy in (False, True)
]


#: For states reached by acting on a page: every language, easy read off and on ("cy&easy-read=on").
EVERY_WAY = [f"{locale}&easy-read={easy}" for locale in SHIPPED_LOCALES for easy in ("off", "on")]


def run_axe(driver, counter) -> None:  # type: ignore[no-untyped-def]
    axe = Axe(driver, script_url=str(AXE_JS))
    axe.inject()
    # Options go through json.dumps: axe-selenium's "%s" formatting would print Python's True.
    results = axe.run(options=json.dumps(AXE_OPTIONS))
    counter["count"] += 1
    violations = results["violations"]
    assert not violations, f"{driver.current_url}\n" + axe.report(violations)


@pytest.mark.parametrize("entry, locale, easy, error", CASES)
def test_page_has_no_axe_violations(request, live_server, axe_counter, entry: Entry, locale: str, easy: bool,
                                    error: bool) -> None:
    driver = request.getfixturevalue(BROWSERS[entry.who])
    sep = "&" if "?" in entry.path else "?"
    path = f"{entry.path}{sep}lang={locale}&easy-read={'on' if easy else 'off'}"
    driver.get(f"{live_server.url}{path}")
    assert STATUSES.get(path) == entry.expected_status, f"{path} answered {STATUSES.get(path)}"
    html = driver.find_element(By.TAG_NAME, "html")
    assert html.get_attribute("lang") == locale
    assert html.get_attribute("dir") == ("rtl" if locale in ("ar", "ur") else "ltr")
    if error:
        buttons = (driver.find_elements(By.CSS_SELECTOR, "main form[method=post] button[type=submit]:not([name])")
                   or driver.find_elements(By.CSS_SELECTOR, "main form[method=post] button[type=submit]"))
        buttons[0].click()
        WebDriverWait(driver, 10).until(lambda d: d.find_elements(By.CSS_SELECTOR, "[data-error-summary]"))
        assert STATUSES.get(path) in (200, 429), f"{path} answered {STATUSES.get(path)} to an empty form"
        # The error summary takes focus so screen readers announce it.
        focused = driver.switch_to.active_element
        assert focused.get_attribute("data-error-summary") is not None
    run_axe(driver, axe_counter)


def test_every_route_is_in_the_registry(live_app) -> None:
    registered = {e.endpoint for e in PAGES}
    missing = [rule.endpoint for rule in live_app.url_map.iter_rules()
               if rule.endpoint not in registered and rule.endpoint not in NOT_PAGES]
    assert missing == [], f"add these routes to tests/a11y/registry.py: {missing}"
    stale = [e.endpoint for e in PAGES if not e.endpoint.startswith("<") and e.endpoint not in live_app.view_functions]
    assert stale == []

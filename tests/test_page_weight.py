"""Page weight: every page a contributor can see fits 25 KB over the wire, and nothing comes from elsewhere.

Each page in tests/a11y/registry.py visited by a contributor-side session (anon, pending,
contributor, supporter, helper, interested) is fetched in every language, easy read on and
off, as a first load asking for brotli or gzip as a phone's browser does:
the page and every same-origin stylesheet, script and icon it references, compressed
bytes added up (see bench/weight.py). A second load, with the year-long immutable files
already cached, must cost less. The data and sessions are the browser suite's own
(tests/visitors.py ``registry_site``), on a database of their own.
"""

from __future__ import annotations

from typing import Iterator, Mapping
from urllib.parse import urlsplit

import pytest
from flask import Flask
from flask.testing import FlaskClient

from bench.weight import measure
from tests.visitors import registry_site
from tests.a11y.registry import PAGES, Entry
from app.settings import SHIPPED_LOCALES

BUDGET = 25 * 1024
#: What a phone's browser asks for over HTTPS (every current one takes brotli). A gzip-only
#: browser gets about 13% more: the claim expenses page in Bengali easy read is then about
#: 27 KB (README, "Measuring speed").
ACCEPT = "br, gzip"
CONTRIBUTOR_SIDE = ("anon", "pending", "texted", "contributor", "supporter", "helper", "interested")
ENTRIES = [entry for entry in PAGES if entry.who in CONTRIBUTOR_SIDE]


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Flask, dict[str, FlaskClient]]]:
    """The seeded app and one client per contributor-side session, signed in as the browser suite's are."""
    with registry_site(tmp_path_factory.mktemp("weight"), "weight", CONTRIBUTOR_SIDE) as seeded:
        yield seeded


@pytest.fixture(scope="module")
def app(site: tuple[Flask, dict[str, FlaskClient]]) -> Flask:
    return site[0]


@pytest.fixture(scope="module")
def visitors(site: tuple[Flask, dict[str, FlaskClient]]) -> dict[str, FlaskClient]:
    return site[1]


STATIC: dict[str, tuple[int, Mapping[str, str], bytes]] = {}  # fingerprinted: the same bytes on every page


def _fetcher(client: FlaskClient):  # type: ignore[no-untyped-def]
    def fetch(path: str) -> tuple[int, Mapping[str, str], bytes]:
        if path in STATIC:
            return STATIC[path]
        response = client.get(path, headers={"Accept-Encoding": ACCEPT})
        result = response.status_code, response.headers, response.get_data()
        if path.startswith("/static/") and response.status_code == 200:
            STATIC[path] = result
        return result

    return fetch


def test_every_contributor_session_is_covered() -> None:
    assert {entry.who for entry in ENTRIES} == set(CONTRIBUTOR_SIDE)


@pytest.mark.parametrize("entry", ENTRIES, ids=lambda entry: entry.name)
def test_page_fits_the_budget_on_a_first_load(app: Flask, visitors: dict[str, FlaskClient], entry: Entry) -> None:
    """In every language, with easy read on and off (easy read adds pictures; some scripts are longer)."""
    own = ("localhost", urlsplit(app.config["BASE_URL"]).netloc)  # the test client's host; shared links
    problems = []
    for locale in SHIPPED_LOCALES:
        for easy in ("off", "on"):
            sep = "&" if "?" in entry.path else "?"
            path = f"{entry.path}{sep}lang={locale}&easy-read={easy}"
            weight = measure(_fetcher(visitors[entry.who]), path, own)
            where = f"{entry.name!r} ({path}, as {entry.who})"
            if weight.status != entry.expected_status:
                problems.append(f"{where} answered {weight.status}")
            if weight.third_party:
                problems.append(f"{where} refers to other sites: {weight.third_party}")
            if weight.broken:
                problems.append(f"{where} refers to files that are not there: {weight.broken}")
            if weight.first > BUDGET:
                problems.append(f"{where} weighs {weight.first} bytes on a first load, over the budget of {BUDGET}: "
                                f"{weight.describe()}")
            if not weight.cached or weight.second >= weight.first:
                problems.append(f"{where}: a second load is no lighter: {weight.describe()}")
    assert not problems, "\n".join(problems)

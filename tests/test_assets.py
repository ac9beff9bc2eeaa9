"""Compressed responses, fingerprinted static files with year-long lifetimes, and what must stay as it is."""

from __future__ import annotations

import gzip
import hashlib
import re

import brotli
from flask import url_for

from app.security import HTMX_FILE, HTMX_SRI
from app.settings import ROOT
from tests.claims.test_export import approved_claims
from tests.claims.test_processing import staff_client
from tests.interests.helpers import published_role

YEAR = "public, max-age=31536000, immutable"


def digest(filename: str) -> str:
    return hashlib.sha256((ROOT / "static" / filename).read_bytes()).hexdigest()[:12]


def test_static_urls_carry_the_files_hash(app, client) -> None:
    with app.test_request_context():
        assert url_for("static", filename="css/site.css") == f"/static/css/site.css?v={digest('css/site.css')}"
        assert url_for("static", filename="no/such.file") == "/static/no/such.file"
    html = client.get("/roles/").get_data(as_text=True)  # a page that uses htmx
    for filename in ("css/site.css", "js/app.js", HTMX_FILE, "icons/favicon.svg", "icons/easy-read-white.svg"):
        assert f'/static/{filename}?v={digest(filename)}"' in html
    # The integrity hash is of the file's content, which a query string does not change.
    assert f'src="/static/{HTMX_FILE}?v={digest(HTMX_FILE)}" integrity="{HTMX_SRI}"' in html
    assert not re.search(r"<script(?![^>]*\bsrc=)", html)  # still no inline script (CSP)


def test_a_static_file_with_its_hash_is_cached_for_a_year_and_without_it_is_revalidated(app, client) -> None:
    assert app.config["SEND_FILE_MAX_AGE_DEFAULT"] is None  # Flask's default: revalidate, unless fingerprinted
    current = client.get(f"/static/css/site.css?v={digest('css/site.css')}")
    assert current.status_code == 200 and current.headers["Cache-Control"] == YEAR
    assert current.expires is not None and current.get_data() == (ROOT / "static/css/site.css").read_bytes()
    for url in ("/static/css/site.css", "/static/css/site.css?v=0123456789ab"):  # none, or an old release's
        response = client.get(url)
        assert response.status_code == 200 and response.headers["Cache-Control"] == "no-cache", url
        assert response.headers["ETag"]
    assert "immutable" not in client.get("/static/no/such.file?v=x").headers.get("Cache-Control", "")


def test_pages_are_compressed_when_asked_and_still_never_stored(client) -> None:
    plain = client.get("/")
    assert "Content-Encoding" not in plain.headers
    assert "Accept-Encoding" in plain.headers["Vary"]
    as_gzip = client.get("/", headers={"Accept-Encoding": "gzip"})
    assert as_gzip.headers["Content-Encoding"] == "gzip"
    assert gzip.decompress(as_gzip.get_data()) == plain.get_data()
    assert len(as_gzip.get_data()) < len(plain.get_data()) / 2
    as_br = client.get("/", headers={"Accept-Encoding": "gzip, deflate, br, zstd"})  # what Chromium sends
    assert as_br.headers["Content-Encoding"] == "br" and brotli.decompress(as_br.get_data()) == plain.get_data()
    assert as_br.headers["Cache-Control"] == "no-store"
    assert "script-src 'self'" in as_br.headers["Content-Security-Policy"]


def test_error_pages_are_compressed_too(client) -> None:
    response = client.get("/no-such-page", headers={"Accept-Encoding": "gzip"})
    assert response.status_code == 404 and response.headers["Content-Encoding"] == "gzip"
    assert "Page not found" in gzip.decompress(response.get_data()).decode()


def test_static_files_are_compressed_down_to_the_smallest_icon(client) -> None:
    for filename in (HTMX_FILE, "css/site.css", "icons/favicon.svg"):
        response = client.get(f"/static/{filename}?v={digest(filename)}", headers={"Accept-Encoding": "gzip"})
        assert response.headers["Content-Encoding"] == "gzip" and response.headers["Cache-Control"] == YEAR
        assert gzip.decompress(response.get_data()) == (ROOT / "static" / filename).read_bytes()


def test_static_files_go_out_at_brotlis_best_once_and_the_same_each_time(client) -> None:
    """A phone's first visit loads htmx, the stylesheet and app.js: quality 11, not the pages' 5."""
    for filename in (HTMX_FILE, "css/site.css", "js/app.js"):
        original = (ROOT / "static" / filename).read_bytes()
        first, again = (client.get(f"/static/{filename}?v={digest(filename)}", headers={"Accept-Encoding": "br, gzip"})
                        for _ in range(2))
        assert first.headers["Content-Encoding"] == "br" and first.headers["Cache-Control"] == YEAR
        assert "Accept-Encoding" in first.headers["Vary"]
        assert brotli.decompress(first.get_data()) == original and again.get_data() == first.get_data()
        assert len(first.get_data()) <= len(brotli.compress(original, quality=5)) - 100


def test_htmx_fragments_are_compressed_and_still_fragments(app, client) -> None:
    for title in ("Help us rewrite the crisis leaflet", "Join the research advisory group"):
        published_role(app, title=title)
    headers = {"HX-Request": "true", "Accept-Encoding": "gzip"}
    response = client.get("/roles/", headers=headers)
    assert response.status_code == 200 and response.headers["Content-Encoding"] == "gzip"
    fragment = gzip.decompress(response.get_data()).decode()
    assert "<html" not in fragment and "Join the research advisory group" in fragment


def test_the_finance_csv_still_streams_uncompressed(app) -> None:
    with app.app_context():
        approved_claims(app, ["Ann Example", "Bo Example"])
    finance = staff_client(app, "finance")
    finance.post_redirect("/staff/finance/export", {}, token_from="/staff/finance")
    response = finance.client.get("/staff/finance/batches/1.csv", headers={"Accept-Encoding": "gzip, br"},
                                  buffered=False)
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert response.is_streamed and "Content-Encoding" not in response.headers
    chunks = response.iter_encoded()
    header = next(chunks).decode("utf-8")  # the header row comes before any row is read
    assert header.startswith("\ufeffreference,payee_name,") and header.count("\r\n") == 1
    rows = b"".join(chunks).decode("utf-8").splitlines()
    assert [row.split(",")[1] for row in rows] == ["Ann Example", "Bo Example"]
    response.close()

"""Printable documents: a page of ours drawn as a PDF, in the reader's language and easy read.

``render("documents/role.html", {...}, locale="ar", easy_read=True)`` gives the bytes of an A4
PDF: the template (under ``templates/documents/``, extending ``documents/base.html``) is drawn
in ``locale`` with easy read on or off, whatever the request around it chose, and WeasyPrint
lays it out with ``static/css/print.css``.

- **Tagged for screen readers**: the PDF/UA-1 variant (``pdf_variant="pdf/ua-1"``), with the
  document's language and title, headings, lists and reading order from the HTML.
- **Right to left**: ``<html lang dir>`` come from the locale, so Arabic and Urdu run right to left.
- **Fonts from the system**: Debian's Noto fonts (``fonts-noto-core``: Noto Sans, Noto Naskh
  Arabic, Noto Nastaliq Urdu, Noto Sans Bengali), found by fontconfig; ``make run`` and
  ``make test`` install them. Nothing is downloaded while drawing: the URL fetcher serves our own
  static files (the easy-read pictures, ``app/pictures.py``) and refuses everything else.

Drawing takes a moment (about half a second a page): callers keep what they can (a role's
document is kept with its page, ``app/roles/published.py``). Nothing here touches the database
session's transaction: a service that calls this never commits because of it.
"""

from __future__ import annotations

from contextlib import contextmanager, nullcontext
from pathlib import Path
from typing import Any, Iterator
from urllib.parse import unquote, urlsplit

from flask import current_app, g, has_request_context, render_template
from flask_babel import force_locale

from app.i18n import FORMAT_LOCALES
from app.pictures import document_css

#: The PDF variant: tagged, with a title and language, for screen readers (ISO 14289-1).
PDF_VARIANT = "pdf/ua-1"
PRINT_CSS = "css/print.css"


class RefuseNetwork(Exception):
    """A document asked for something from outside the app while being drawn."""


def _fetcher() -> Any:
    """A WeasyPrint URL fetcher that serves files under ``static/`` and nothing else."""
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    static = Path(current_app.static_folder or "static").resolve()

    class StaticOnly(URLFetcher):
        def fetch(self, url: str, headers: Any = None) -> URLFetcherResponse:
            path = unquote(urlsplit(url).path)
            if not path.startswith("/static/"):
                raise RefuseNetwork(f"documents are drawn from our own files only, not {url}")
            found = (static / path.removeprefix("/static/")).resolve()
            if not found.is_relative_to(static) or not found.is_file():
                raise RefuseNetwork(f"no such static file: {path}")
            kind = "image/svg+xml" if found.suffix == ".svg" else (
                "text/css" if found.suffix == ".css" else "application/octet-stream")
            return URLFetcherResponse(url, found.read_bytes(), {"Content-Type": kind})

    return StaticOnly(allowed_protocols={"http", "https"}, fail_on_errors=False)


@contextmanager
def _drawing(locale: str, easy_read: bool) -> Iterator[None]:
    """Draw in ``locale`` with easy read on or off, whatever the request around chose."""
    settings = current_app.config["SETTINGS"]
    # Flask-Babel switches language only inside a request: a job (a letter run) gets one.
    request_ctx = nullcontext() if has_request_context() else current_app.test_request_context(
        base_url=settings.base_url)
    with request_ctx, force_locale(FORMAT_LOCALES.get(locale, locale)):
        before = g.get("easy_read_forced")
        drawing = g.get("drawing_document")
        g.easy_read_forced = easy_read  # app.i18n.easy_read_on() reads it first
        g.drawing_document = True  # app.pictures draws decorative pictures as backgrounds
        try:
            yield
        finally:
            g.easy_read_forced, g.drawing_document = before, drawing


def isolate(text: object) -> str:
    """Words kept in their own direction inside a sentence (a phone number, an email address, a name):
    Unicode's first-strong isolate around them, which the PDF's text layout (Pango, FriBidi) honours
    where WeasyPrint does not yet support CSS ``unicode-bidi``. Escaped by the template as usual."""
    return f"\u2068{text}\u2069"


def html(template: str, context: dict[str, Any], locale: str, easy_read: bool) -> str:
    """The document's HTML in ``locale`` (a shipped language code) and easy read (for tests too)."""
    with _drawing(locale, easy_read):
        return render_template(template, isolate=isolate, **context)


def render(template: str, context: dict[str, Any], locale: str, easy_read: bool) -> bytes:
    """The PDF of ``templates/<template>`` drawn in ``locale``, easy read on or off."""
    from weasyprint import CSS, HTML

    base = current_app.config["SETTINGS"].base_url.rstrip("/") + "/"
    fetcher = _fetcher()
    with _drawing(locale, easy_read):
        text = render_template(template, isolate=isolate, **context)
        pictures = CSS(string=document_css(), base_url=base, url_fetcher=fetcher)
    css = CSS(filename=str(Path(current_app.static_folder or "static") / PRINT_CSS), url_fetcher=fetcher)
    return HTML(string=text, base_url=base, url_fetcher=fetcher).write_pdf(
        stylesheets=[css, pictures], pdf_variant=PDF_VARIANT, pdf_tags=True)  # type: ignore[no-any-return]

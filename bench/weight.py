"""Page weight: the compressed bytes a browser downloads for one page, on a first and a second load.

A first load is the page and every same-origin file it references (stylesheets, scripts,
icons, images, and anything a stylesheet's ``url()`` points at), each fetched once. On a
second load, files served with a year-long ``immutable`` lifetime come from the browser's
cache, so only the rest count. Bytes are response bodies as sent (compressed when the
server compressed them); headers are left out. Any absolute URL to another host in
``src``, ``href``, ``srcset``, ``action`` or ``formaction``, or in a stylesheet's ``url()``,
is reported as third-party.

Used by ``tests/test_page_weight.py`` (Flask test client) and ``bench/run.py`` (gunicorn).
"""

from __future__ import annotations

import gzip
import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from typing import Callable, Collection, Mapping
from urllib.parse import urljoin, urlsplit

#: ``fetch(path)`` -> (status, headers, body as sent on the wire), asking for gzip.
Fetch = Callable[[str], tuple[int, Mapping[str, str], bytes]]

ONE_YEAR = 31_536_000
URL_ATTRS = ("src", "href", "srcset", "action", "formaction")
CSS_URL = re.compile(r"""url\(\s*['"]?([^'")]+)['"]?\s*\)""")


@dataclass
class Weight:
    path: str
    status: int
    parts: dict[str, int] = field(default_factory=dict)  # path -> bytes as sent
    cached: set[str] = field(default_factory=set)  # paths a browser keeps for a second load
    third_party: list[str] = field(default_factory=list)
    broken: list[str] = field(default_factory=list)  # referenced files that did not answer 200

    @property
    def first(self) -> int:
        return sum(self.parts.values())

    @property
    def second(self) -> int:
        return sum(n for p, n in self.parts.items() if p not in self.cached)

    def describe(self) -> str:
        files = ", ".join(f"{p} {n}" for p, n in self.parts.items())
        return f"{self.path}: first load {self.first} bytes, second load {self.second} bytes ({files})"


class _References(HTMLParser):
    """Every URL in a page, and which of them a browser fetches to show it."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.urls: list[str] = []
        self.fetched: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {name: value or "" for name, value in attrs}
        for name in URL_ATTRS:
            if name in values:
                urls = _srcset(values[name]) if name == "srcset" else [values[name].strip()]
                self.urls.extend(urls)
        rel = values.get("rel", "").lower().split()
        if tag == "link" and {"stylesheet", "icon", "preload", "modulepreload"} & set(rel):
            self.fetched.append(values.get("href", ""))
        elif tag in ("script", "img", "source", "input", "video", "audio", "iframe") and values.get("src"):
            self.fetched.append(values["src"])
        if tag in ("img", "source") and values.get("srcset"):
            self.fetched.extend(_srcset(values["srcset"]))


def _srcset(value: str) -> list[str]:
    return [part.strip().split()[0] for part in value.split(",") if part.strip()]


def _decoded(headers: Mapping[str, str], body: bytes) -> bytes:
    encoding = (headers.get("Content-Encoding") or "").lower()
    if encoding == "gzip":
        return gzip.decompress(body)
    if encoding == "br":
        import brotli

        return brotli.decompress(body)
    if encoding not in ("", "identity"):
        raise ValueError(f"unexpected Content-Encoding {encoding!r}")
    return body


def _third_party(url: str, hosts: Collection[str]) -> bool:
    """An absolute URL (``https://x/``, ``//x/``) naming a host that is not one of ``hosts``."""
    netloc = urlsplit(url).netloc.lower()
    return bool(netloc) and netloc not in hosts


def _local(url: str) -> str:
    """``http://ourhost/a?b`` -> ``/a?b`` (the path and query to fetch)."""
    parts = urlsplit(url)
    return parts.path + (f"?{parts.query}" if parts.query else "")


def _kept_a_year(headers: Mapping[str, str]) -> bool:
    directives = {d.strip().lower() for d in (headers.get("Cache-Control") or "").split(",")}
    ages = [int(d.split("=", 1)[1]) for d in directives if d.startswith("max-age=") and d[8:].isdigit()]
    return "immutable" in directives and bool(ages) and ages[0] >= ONE_YEAR


def measure(fetch: Fetch, path: str, hosts: Collection[str]) -> Weight:
    """Fetch ``path`` as a browser would on a first visit and weigh what it downloads.

    ``hosts`` are the site's own (``host:port`` as in a URL): the one fetched from, and
    BASE_URL's, which pages use for links meant to be shared.
    """
    hosts = {h.lower() for h in hosts}
    status, headers, body = fetch(path)
    weight = Weight(path, status, {path: len(body)})
    page = _References()
    page.feed(_decoded(headers, body).decode("utf-8", "replace"))
    weight.third_party += [u for u in page.urls if _third_party(u, hosts)]
    queue = [_local(urljoin(path, u)) for u in page.fetched
             if u and not _third_party(u, hosts) and not u.startswith("data:")]
    while queue:
        ref = queue.pop(0)
        if ref in weight.parts:
            continue
        status, headers, body = fetch(ref)
        weight.parts[ref] = len(body)
        if status != 200:
            weight.broken.append(f"{ref} ({status})")
        if _kept_a_year(headers):
            weight.cached.add(ref)
        if (headers.get("Content-Type") or "").startswith("text/css"):
            for url in CSS_URL.findall(_decoded(headers, body).decode("utf-8", "replace")):
                if _third_party(url, hosts):
                    weight.third_party.append(url)
                elif not url.startswith(("data:", "#")):
                    queue.append(_local(urljoin(ref, url)))
    return weight

"""Page weight: compressed responses, and static files with fingerprinted URLs cached for a year.

Compression is Flask-Compress (brotli, else gzip) for HTML, CSS, JavaScript and SVG,
error pages included. The finance CSV is left alone on purpose: ``text/csv`` is not in
the list, so its streamed response passes through untouched, a chunk at a time.

Fingerprinting is hand-written rather than Flask-Static-Digest, which needs a build step
that writes digested copies into ``static/``: here every ``url_for('static', ...)`` gets
``?v=<first 12 hex of the file's SHA-256>``, worked out once at start-up. A request that
carries the current hash gets ``Cache-Control: public, max-age=31536000, immutable``; any
other (an old hash after a release, or none) is answered with the file as it is now and
``no-cache``, so a browser revalidates it rather than keeping the wrong version for a year.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from time import time
from typing import Any

import brotli
from flask import Flask, Response, current_app, request
from flask_compress import Compress


#: A year, the longest lifetime HTTP caches are asked to honour.
ONE_YEAR = 31_536_000


class _Compress(Compress):
    """Flask-Compress, for error pages too.

    It compresses 2xx responses only, but "page not found" or "role closed" is a whole page
    in our layout and weighs as much as any other. The status is set aside while it runs.
    """

    def after_request(self, response: Response | None) -> Response:
        if response is None or response.status_code < 400 or response.is_streamed:
            return super().after_request(response)
        status = response.status
        response.status_code = 200
        try:
            return super().after_request(response)
        finally:
            response.status = status


compress = _Compress()


def file_hashes(folder: str | Path) -> dict[str, str]:
    """``{"css/site.css": "<12 hex>"}`` for every file under ``folder``."""
    root = Path(folder)
    return {
        path.relative_to(root).as_posix(): hashlib.sha256(path.read_bytes()).hexdigest()[:12]
        for path in sorted(root.rglob("*"))
        if path.is_file()
    }


def _fingerprint(endpoint: str, values: dict[str, Any]) -> None:
    """``url_for('static', filename=...)`` adds ``v=<hash>`` (a ``url_defaults`` callback)."""
    if endpoint == "static" and "v" not in values:
        digest = current_app.extensions["static_hashes"].get(values.get("filename", ""))
        if digest:
            values["v"] = digest


def _cache_static(response: Response) -> Response:
    """A static file asked for with its current hash never changes: cache it for a year."""
    if request.endpoint != "static" or response.status_code not in (200, 304):
        return response
    filename = (request.view_args or {}).get("filename", "")
    digest = current_app.extensions["static_hashes"].get(filename)
    if digest and request.args.get("v") == digest:
        cache = response.cache_control
        cache.no_cache = None
        cache.public = True
        cache.max_age = ONE_YEAR
        cache.immutable = True
        response.expires = int(time() + ONE_YEAR)  # type: ignore[assignment]
    return response


#: What the best static compression covers (the same kinds Flask-Compress compresses).
BEST_TYPES = frozenset({"text/css", "text/javascript", "application/javascript", "image/svg+xml"})


def _best_static(response: Response) -> Response:
    """A fingerprinted static file goes out at brotli's best (quality 11), compressed once per
    file and version and kept: it never changes, a phone's first visit loads them all, and
    quality 11 takes 1.7 KB more off htmx, the stylesheet and app.js than the level pages use.
    Flask-Compress leaves a response that already says how it is encoded alone."""
    if (request.endpoint != "static" or response.status_code != 200 or response.mimetype not in BEST_TYPES
            or not request.accept_encodings["br"]):
        return response
    filename = (request.view_args or {}).get("filename", "")
    digest = current_app.extensions["static_hashes"].get(filename)
    if digest is None:
        return response
    best: dict[tuple[str, str], bytes] = current_app.extensions["static_best"]
    body = best.get((filename, digest))
    if body is None:
        body = best[(filename, digest)] = brotli.compress(
            (Path(current_app.static_folder or "static") / filename).read_bytes(), quality=11)
    response.direct_passthrough = False
    response.set_data(body)
    response.headers["Content-Encoding"] = "br"
    response.vary.add("Accept-Encoding")
    return response


def init_app(app: Flask) -> None:
    app.config.update(
        # Without the current hash a file is revalidated (ETag) on every use; see _cache_static.
        SEND_FILE_MAX_AGE_DEFAULT=None,
        COMPRESS_MIMETYPES=["text/html", "text/css", "text/javascript", "application/javascript",
                            "image/svg+xml"],
        COMPRESS_ALGORITHM=["br", "gzip"],
        COMPRESS_BR_LEVEL=5,  # smaller than gzip -6 on our CSS and htmx (level 4 is not), as fast
        # Static files are streamed responses; Flask-Compress leaves gzip out of its streaming
        # list by default, which would send them uncompressed to a gzip-only client.
        COMPRESS_ALGORITHM_STREAMING=["br", "gzip"],
        COMPRESS_STREAMS=True,
        # Easy-read pages show several 250-400 byte icons: gzip takes a quarter off each
        # (Flask-Compress's default of 500 would send them as they are).
        COMPRESS_MIN_SIZE=200,
    )
    app.extensions["static_hashes"] = file_hashes(app.static_folder or "static")
    app.url_defaults(_fingerprint)
    app.after_request(_cache_static)
    compress.init_app(app)
    app.extensions["static_best"] = {}
    app.after_request(_best_static)  # registered after Flask-Compress, so it runs before it

"""Hostile receipts: a corpus made here (nothing downloaded) sent through the receipts page.

Each file is either refused on the page with a message that names it and says what to
do, or cleaned: images are re-encoded so no script text, comment or location survives.
Accepted receipts are then fetched back through every route that serves them (the
person's own claim and the staff claim page) and must come back as an image or PDF that
no browser will sniff, frame or run.

Pictures are refused by their size in the header (over 50 megapixels), before a pixel is
decoded: a 300 KiB PNG can say it is 98 megapixels.

PDFs with scripts: refused. ``/JavaScript``, ``/JS`` and ``/Launch`` actions are looked for
in plain objects and in compressed object streams, names spelt with ``#xx`` escapes
included. That search cannot be perfect without a full PDF parser, so every PDF is also
served as a download (never shown in the browser) under a sandboxing CSP. An ``/OpenAction``
that only sets the first view, as many PDF writers add, is not active content and is kept.
"""

from __future__ import annotations

import io
import struct
import zlib
from pathlib import Path

import pytest
from flask import Flask
from PIL import Image
from sqlalchemy import select

from app import db
from app.claims.models import Claim, Receipt
from app.storage import storage
from tests.account.test_details import signed_in
from tests.claims.test_claim_journey import ACTIVITY, TIME, base, start
from tests.claims.test_receipts import GPS_IFD, photo
from tests.conftest import ClientRequest, make_staff, sign_in

SCRIPT = b"<script>alert(document.cookie)</script>"


# --- the corpus -----------------------------------------------------------------------------------------

def jpeg_with_comment() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (64, 48), (90, 90, 200)).save(out, format="JPEG", comment=SCRIPT)
    return out.getvalue()


def jpeg_with_xmp_location() -> bytes:
    xmp = (b'<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">'
           b'<rdf:Description xmlns:exif="http://ns.adobe.com/exif/1.0/" exif:GPSLatitude="51,30.0N" '
           b'exif:GPSLongitude="0,7.0W"/></rdf:RDF></x:xmpmeta>')
    out = io.BytesIO()
    Image.new("RGB", (64, 48), (200, 90, 90)).save(out, format="JPEG", xmp=xmp)
    return out.getvalue()


def png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (64, 48), (20, 120, 20)).save(out, format="PNG")
    return out.getvalue()


def png_chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def png_bomb(width: int = 30_000, height: int = 30_000) -> bytes:
    """A 1-bit 900-megapixel PNG of about 100 kB, written by hand so the test never holds its pixels."""
    rows = (b"\x00" + bytes((width + 7) // 8)) * 1000
    packer = zlib.compressobj(9)
    pixels = b"".join(packer.compress(rows) for _ in range(height // 1000)) + packer.flush()
    header = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + png_chunk(b"IHDR", header) + png_chunk(b"IDAT", pixels) + png_chunk(b"IEND", b"")


def png_white(side: int = 9900, pixels: bool = True) -> bytes:
    """A white RGB PNG of 98 megapixels and about 300 KiB (Pillow alone only refuses twice its limit).

    Without ``pixels`` the file is only its header: any attempt to decode it fails, so a file
    refused as too big was refused before decoding."""
    packer = zlib.compressobj(6)
    rows = (b"\x00" + b"\xff" * (3 * side)) * 100
    data = b"".join(packer.compress(rows) for _ in range(side // 100)) + packer.flush() if pixels else b""
    header = struct.pack(">IIBBBBB", side, side, 8, 2, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + png_chunk(b"IHDR", header)
            + (png_chunk(b"IDAT", data) if pixels else b"") + png_chunk(b"IEND", b""))


def pdf(*objects: bytes) -> bytes:
    """A small PDF whose object 1 is the catalogue."""
    body = b"%PDF-1.7\n" + b"".join(b"%d 0 obj\n%s\nendobj\n" % (n, obj) for n, obj in enumerate(objects, 1))
    return body + b"trailer\n<< /Root 1 0 R >>\n%%EOF\n"


PAGES = b"<< /Type /Pages /Kids [4 0 R] /Count 1 >>"
PAGE = b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] >>"


def pdf_opening_with(action: bytes) -> bytes:
    return pdf(b"<< /Type /Catalog /Pages 2 0 R /OpenAction 3 0 R >>", PAGES, action, PAGE)


def pdf_with_script_in_object_stream() -> bytes:
    hidden = b"3 0 << /S /JavaScript /JS (app.alert\\(1\\)) >>"
    packed = zlib.compress(hidden)
    stream = (b"<< /Type /ObjStm /N 1 /First 4 /Filter /FlateDecode /Length %d >>\nstream\n" % len(packed)
              + packed + b"\nendstream")
    return pdf(b"<< /Type /Catalog /Pages 2 0 R /OpenAction 3 0 R >>", PAGES, stream, PAGE)


PLAIN_PDF = pdf(b"<< /Type /Catalog /Pages 2 0 R /OpenAction [4 0 R /Fit] >>", PAGES, b"<< >>", PAGE)

TYPE = "“{}” is not a photo or PDF. Choose a JPG, PNG, HEIC or PDF file."
DAMAGED = "“{}” could not be opened. Take a new photo, or choose the file again."
PIXELS = "“{}” is too big a picture (over 50 megapixels). Take a new photo, or choose a smaller file."
ACTIVE = "“{}” has scripts in it, so we cannot take it. Take a photo of the receipt instead, or choose another file."

SVG = (b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)">' + SCRIPT + b"</svg>")

REFUSED: dict[str, tuple[bytes, str]] = {  # file name: (content, message)
    "drawing.svg": (SVG, TYPE),
    "drawing-svg.jpg": (SVG, TYPE),
    "page.html.jpg": (b"<!doctype html><html><body>" + SCRIPT + b"</body></html>", TYPE),
    "setup.exe.jpg": (b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + bytes(200), TYPE),
    "animation.gif.png": (b"GIF89a\x01\x00\x01\x00\x80\x00\x00\x00\x00\x00\xff\xff\xff!\xf9\x04\x01\x00\x00\x00"
                          b"\x00,\x00\x00\x00\x00\x01\x00\x01\x00\x00\x02\x02D\x01\x00;", TYPE),
    "bomb.png": (png_bomb(), PIXELS),
    "white-98mp.png": (png_white(), PIXELS),
    "header-only-98mp.png": (png_white(pixels=False), PIXELS),  # decoding it would fail as damaged
    "cut-off.jpg": (photo(gps=False)[:2000], DAMAGED),
    "empty.jpg": (b"", "“{}” is empty. Choose the file again."),
    "huge.jpg": (b"\xff\xd8\xff\xe0" + bytes(10 * 1024 * 1024),
                 "“{}” is bigger than 10 MB. Take a new photo, or choose a smaller file."),
    "invoice-script.pdf": (pdf_opening_with(b"<< /S /JavaScript /JS (app.alert\\(1\\)) >>"), ACTIVE),
    "invoice-escaped.pdf": (pdf_opening_with(b"<< /S /J#61vaScript /J#53 (app.alert\\(1\\)) >>"), ACTIVE),
    "invoice-packed.pdf": (pdf_with_script_in_object_stream(), ACTIVE),
    "invoice-launch.pdf": (pdf_opening_with(b"<< /S /Launch /F (cmd.exe) >>"), ACTIVE),
}

# Kept, cleaned: (content, the type it is stored and served as).
ACCEPTED: dict[str, tuple[bytes, str]] = {
    "script-after.jpg": (photo(gps=False) + b"<html><body>" + SCRIPT + b"</body></html>", "image/jpeg"),
    "script-comment.jpg": (jpeg_with_comment(), "image/jpeg"),
    "location.jpg": (photo(gps=True), "image/jpeg"),
    "location-xmp.jpg": (jpeg_with_xmp_location(), "image/jpeg"),
    "picture.pdf": (png(), "image/png"),  # judged by content, not name
    "plain.pdf": (PLAIN_PDF, "application/pdf"),
}


def test_the_corpus_is_what_it_says() -> None:
    assert SCRIPT in ACCEPTED["script-after.jpg"][0] and SCRIPT in ACCEPTED["script-comment.jpg"][0]
    with Image.open(io.BytesIO(ACCEPTED["location.jpg"][0])) as image:
        assert image.getexif().get_ifd(GPS_IFD)
    assert b"GPSLatitude" in ACCEPTED["location-xmp.jpg"][0]
    bomb = REFUSED["bomb.png"][0]
    assert len(bomb) < 200_000 and struct.unpack(">II", bomb[16:24]) == (30_000, 30_000)
    white = REFUSED["white-98mp.png"][0]
    assert len(white) < 320 * 1024 and struct.unpack(">II", white[16:24]) == (9900, 9900)
    assert b"IDAT" not in REFUSED["header-only-98mp.png"][0]


# --- refused on the page -------------------------------------------------------------------------------


def upload(cr: ClientRequest, url: str, files: list[tuple[bytes, str]]) -> object:
    return cr.client.post(f"{url}/receipts?lang=en", content_type="multipart/form-data", data={
        "files": [(io.BytesIO(data), name) for data, name in files], "add": "1",
        "csrf_token": cr.csrf_token(f"{url}/receipts")})


@pytest.mark.parametrize("name", sorted(REFUSED))
def test_hostile_files_are_refused_with_a_message_that_says_what_to_do(app: Flask, tmp_path: Path,
                                                                        name: str) -> None:
    cr, _ = signed_in(app)
    url = base(start(cr))
    data, message = REFUSED[name]
    response = upload(cr, url, [(data, name)])
    page = cr._page(response, 200)  # the page again, checked like every page
    assert page.title.startswith("Error:")
    assert page.error_summary() == [("#files", message.format(name))]
    with app.app_context():
        assert db.session().scalars(select(Receipt)).all() == []
    assert not [p for p in (tmp_path / "uploads").rglob("*") if p.is_file()]  # nothing kept on disk


# --- cleaned, then served safely ------------------------------------------------------------------------


def receipts_of(app: Flask) -> dict[str, Receipt]:
    with app.app_context():
        return {r.name: r for r in db.session().scalars(select(Receipt))}


def stored(app: Flask, receipt: Receipt) -> bytes:
    with app.app_context():
        return storage().read(receipt.storage_key)


def test_accepted_files_are_cleaned_and_served_so_nothing_can_run(app: Flask) -> None:
    cr, _ = signed_in(app)
    url = base(start(cr))
    cr.post_redirect(f"{url}/activity", ACTIVITY)
    cr.post_redirect(f"{url}/time", TIME)
    names = sorted(ACCEPTED)
    for batch in (names[:3], names[3:]):  # up to five files at a time
        response = upload(cr, url, [(ACCEPTED[n][0], n) for n in batch])
        assert response.status_code == 302, response.get_data(as_text=True)[:500]
    assert cr.post_redirect(f"{url}/check", {"declare": "yes"}) == f"{url}/done"
    kept = receipts_of(app)
    assert sorted(kept) == names
    with app.app_context():
        claim = db.session().scalar(select(Claim))
        assert {r.claim_id for r in kept.values()} == {claim.id}

    for name, receipt in kept.items():
        data, content_type = ACCEPTED[name]
        assert receipt.content_type == content_type, name
        cleaned = stored(app, receipt)
        if content_type == "application/pdf":
            assert cleaned == data  # PDFs are kept as they are
            continue
        assert b"<script" not in cleaned.lower() and b"GPS" not in cleaned, name
        with Image.open(io.BytesIO(cleaned)) as image:
            assert not image.getexif().get_ifd(GPS_IFD) and "comment" not in image.info and "xmp" not in image.info

    make_staff(app, "officer")
    officer = ClientRequest(app.test_client())
    sign_in(officer, "officer@example.org")
    for name, receipt in kept.items():
        for who, address in ((cr, f"/account/claims/{claim.reference}/receipts/{receipt.id}"),
                             (officer, f"/staff/claims/{claim.id}/receipts/{receipt.id}")):
            served = who.client.get(address)
            where = f"{name} from {address}"
            assert served.status_code == 200, where
            assert served.mimetype == receipt.content_type, where
            assert served.mimetype in ("image/jpeg", "image/png", "application/pdf"), where
            assert served.data == stored(app, receipt), where
            assert served.headers["X-Content-Type-Options"] == "nosniff", where
            disposition = served.headers["Content-Disposition"]
            expected = "attachment" if served.mimetype == "application/pdf" else "inline"
            assert disposition.startswith(f"{expected}; filename=\"receipt-{receipt.id}."), where
            policy = {p.strip().split()[0]: p.strip().split()[1:] for p in
                      served.headers["Content-Security-Policy"].split(";") if p.strip()}
            assert policy["default-src"] == ["'none'"] and "sandbox" in policy, where
            assert policy.get("sandbox") == [] and policy["frame-ancestors"] == ["'none'"], where
            assert "script-src" not in policy, where
            assert served.headers["Cache-Control"] == "no-store", where

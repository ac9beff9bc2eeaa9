"""Hostile receipts: a corpus made here (nothing downloaded) sent through the receipts page.

Each file is either refused on the page with a message that names it and says what to
do, or cleaned: images are re-encoded so no script text, comment or location survives.
Accepted receipts are then fetched back through every route that serves them (the
person's own claim and the staff claim page) and must come back as an image or PDF that
no browser will sniff, frame or run.

Pictures are refused by their size in the header (over 50 megapixels), before a pixel is
decoded: a 300 KiB PNG can say it is 98 megapixels.

PDFs with scripts, launch actions, attachments or forms are taken, and written again
without them: the stored file is opened here with pikepdf and every object in it is walked
(by this module's own walker, not the app's), so a script hidden behind a filter chain or
an escaped name would be found. A PDF that only sets its first view keeps that. PDFs that
need a password, or are not PDFs inside, are refused. Every PDF is still served as a
download (never shown in the browser) under a sandboxing CSP.
"""

from __future__ import annotations

import binascii
import io
import struct
import zlib
from collections.abc import Callable
from pathlib import Path

import pikepdf
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
    """A small PDF whose object 1 is the catalogue, with its cross-reference table."""
    out = bytearray(b"%PDF-1.7\n")
    offsets = []
    for n, obj in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (n, obj)
    table = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, table)
    return bytes(out)


PAGES = b"<< /Type /Pages /Kids [4 0 R] /Count 1 >>"
PAGE = b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] >>"
SCRIPT_ACTION = b"<< /S /JavaScript /JS (app.alert\\(1\\)) >>"


def pdf_opening_with(action: bytes) -> bytes:
    return pdf(b"<< /Type /Catalog /Pages 2 0 R /OpenAction 3 0 R >>", PAGES, action, PAGE)


def pdf_packed(stream_keys: bytes, encode: Callable[[bytes], bytes]) -> bytes:
    """A PDF whose /OpenAction (object 3) is a script kept in object stream 5, as a reader finds it:
    through a cross-reference stream."""
    first = b"3 0 "
    packed = encode(first + SCRIPT_ACTION)
    objects = {1: b"<< /Type /Catalog /Pages 2 0 R /OpenAction 3 0 R >>", 2: PAGES, 4: PAGE,
               5: b"<< %s /N 1 /First %d /Length %d >>\nstream\n%s\nendstream"
                  % (stream_keys, len(first), len(packed), packed)}
    out = bytearray(b"%PDF-1.7\n")
    offsets = {}
    for n, obj in objects.items():
        offsets[n] = len(out)
        out += b"%d 0 obj\n%s\nendobj\n" % (n, obj)
    offsets[6] = len(out)
    rows = [(0, 0, 65535)] + [(1, offsets[n], 0) if n in offsets else (2, 5, 0) for n in range(1, 7)]
    xref = b"".join(struct.pack(">BIH", *row) for row in rows)
    out += (b"6 0 obj\n<< /Type /XRef /Size 7 /W [1 4 2] /Root 1 0 R /Length %d >>\nstream\n" % len(xref)
            + xref + b"\nendstream\nendobj\nstartxref\n%d\n%%%%EOF\n" % offsets[6])
    return bytes(out)


def pdf_with_page_actions() -> bytes:
    """Scripts on opening the page, in the document's /Names, and chained after a link's GoTo."""
    link = (b"<< /Type /Annot /Subtype /Link /Rect [0 0 50 50] /A << /S /GoTo /D [4 0 R /Fit] "
            b"/Next << /S /JavaScript /JS (app.alert\\(2\\)) >> >> >>")
    return pdf(b"<< /Type /Catalog /Pages 2 0 R /OpenAction [4 0 R /Fit] "
               b"/Names << /JavaScript << /Names [(start) 3 0 R] >> >> >>",
               PAGES, SCRIPT_ACTION,
               b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] /AA << /O 3 0 R >> /Annots [5 0 R] >>",
               link)


def pdf_with_attachment_and_form() -> bytes:
    """A program attached twice (in /Names and as an annotation) and a filled-in form that sends itself away."""
    program = b"MZ\x90\x00" + bytes(60)
    paid = b"BT /Helv 12 Tf 2 20 Td (Paid) Tj ET"
    return pdf(b"<< /Type /Catalog /Pages 2 0 R /Names << /EmbeddedFiles << /Names [(setup.exe) 6 0 R] >> >> "
               b"/AcroForm << /Fields [3 0 R] /XFA (<xdp:xdp/>) >> >>",
               PAGES,
               b"<< /Type /Annot /Subtype /Widget /FT /Tx /T (status) /V (Paid) /Rect [0 0 50 50] /P 4 0 R "
               b"/AP << /N 8 0 R >> /A << /S /SubmitForm /F (https://example.com/collect) >> >>",
               b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] /Annots [3 0 R 5 0 R] >>",
               b"<< /Type /Annot /Subtype /FileAttachment /Rect [60 0 80 20] /FS 6 0 R >>",
               b"<< /Type /Filespec /F (setup.exe) /EF << /F 7 0 R >> >>",
               b"<< /Type /EmbeddedFile /Length %d >>\nstream\n%s\nendstream" % (len(program), program),
               b"<< /Type /XObject /Subtype /Form /BBox [0 0 50 50] /Length %d >>\nstream\n%s\nendstream"
               % (len(paid), paid))


def pdf_with_password(user: str) -> bytes:
    """A one-page PDF encrypted with an owner password and, if given, a password to open it."""
    out = io.BytesIO()
    with pikepdf.new() as doc:
        doc.add_blank_page()
        doc.save(out, encryption=pikepdf.Encryption(owner="bank", user=user))
    return out.getvalue()


PLAIN_PDF = pdf(b"<< /Type /Catalog /Pages 2 0 R /OpenAction [4 0 R /Fit] >>", PAGES, b"<< >>", PAGE)

TYPE = "“{}” is not a photo or PDF. Choose a JPG, PNG, HEIC or PDF file."
DAMAGED = "“{}” could not be opened. Take a new photo, or choose the file again."
PIXELS = "“{}” is too big a picture (over 50 megapixels). Take a new photo, or choose a smaller file."
LOCKED = ("“{}” needs a password to open, so we cannot read it. Take a photo of the receipt instead, "
          "or choose a copy without a password.")

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
    "not-inside.pdf": (b"%PDF-1.7\n" + SCRIPT + b"\n%%EOF\n", DAMAGED),
    "locked.pdf": (pdf_with_password(user="secret"), LOCKED),
}

# Taken, and written again without anything that can run: the PDF corpus.
PDFS: dict[str, bytes] = {
    "plain.pdf": PLAIN_PDF,
    "invoice-script.pdf": pdf_opening_with(SCRIPT_ACTION),
    "invoice-escaped.pdf": pdf_opening_with(b"<< /S /J#61vaScript /J#53 (app.alert\\(1\\)) >>"),
    "invoice-launch.pdf": pdf_opening_with(b"<< /S /Launch /F (cmd.exe) >>"),
    "invoice-packed.pdf": pdf_packed(b"/Type /ObjStm /Filter /FlateDecode", zlib.compress),
    "invoice-hex-packed.pdf": pdf_packed(b"/Type /ObjStm /Filter [/ASCIIHexDecode /FlateDecode]",
                                         lambda raw: binascii.hexlify(zlib.compress(raw)) + b">"),
    "invoice-escaped-packed.pdf": pdf_packed(b"/Type /Obj#53tm /Filter /FlateDecode", zlib.compress),
    "invoice-page-actions.pdf": pdf_with_page_actions(),
    "invoice-attachment-form.pdf": pdf_with_attachment_and_form(),
    "bank-statement.pdf": pdf_with_password(user=""),  # no password to open, one to change it
}

# Kept, cleaned: (content, the type it is stored and served as).
ACCEPTED: dict[str, tuple[bytes, str]] = {
    "script-after.jpg": (photo(gps=False) + b"<html><body>" + SCRIPT + b"</body></html>", "image/jpeg"),
    "script-comment.jpg": (jpeg_with_comment(), "image/jpeg"),
    "location.jpg": (photo(gps=True), "image/jpeg"),
    "location-xmp.jpg": (jpeg_with_xmp_location(), "image/jpeg"),
    "picture.pdf": (png(), "image/png"),  # judged by content, not name
    **{name: (data, "application/pdf") for name, data in PDFS.items()},
}

# What lets a PDF act or carry something: as a key or a value anywhere in it.
ACTIVE_NAMES = {"/JS", "/JavaScript", "/Launch", "/AA", "/EmbeddedFiles", "/EmbeddedFile", "/EF", "/AcroForm",
                "/XFA", "/SubmitForm", "/ImportData", "/GoToR", "/GoToE", "/FileAttachment", "/RichMedia",
                "/Screen", "/Rendition"}


def active_content(data: bytes) -> list[str]:
    """What in this PDF could act or carry a file, found by walking every object and all they hold."""
    found: list[str] = []
    seen: set[tuple[int, int]] = set()

    def walk(obj: object, where: str) -> None:
        if isinstance(obj, pikepdf.Name):
            if str(obj) in ACTIVE_NAMES:
                found.append(f"{where} = {obj}")
        elif isinstance(obj, pikepdf.Array):
            for n, item in enumerate(obj):
                walk(item, f"{where}[{n}]")
        elif isinstance(obj, (pikepdf.Dictionary, pikepdf.Stream)):
            if obj.is_indirect:
                if obj.objgen in seen:
                    return
                seen.add(obj.objgen)
            for key, value in obj.items():
                if key in ACTIVE_NAMES:
                    found.append(f"{where}{key}")
                if key == "/OpenAction" and not isinstance(value, pikepdf.Array):
                    found.append(f"{where}/OpenAction (an action, not a destination)")
                walk(value, f"{where}{key}")

    with pikepdf.open(io.BytesIO(data)) as doc:
        walk(doc.trailer, "trailer")
        for obj in doc.objects:
            walk(obj, f"object {obj.objgen}" if isinstance(obj, (pikepdf.Dictionary, pikepdf.Stream)) else "")
    return found


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
    # Each hostile PDF is a PDF a reader opens, and has in it what it says (found by the walker).
    for name, data in PDFS.items():
        with pikepdf.open(io.BytesIO(data)) as doc:
            assert len(doc.pages) == 1, name
        assert name in ("plain.pdf", "bank-statement.pdf") or active_content(data), name
    for name in ("invoice-hex-packed.pdf", "invoice-escaped-packed.pdf"):  # the names are hidden in the file
        assert b"JavaScript" not in PDFS[name] and b"/JS" not in PDFS[name]
        assert any("/OpenAction" in found for found in active_content(PDFS[name])), name
    assert b"/ObjStm" not in PDFS["invoice-escaped-packed.pdf"]
    found = " ".join(active_content(PDFS["invoice-page-actions.pdf"]))
    assert "/AA" in found and "/Names/JavaScript" in found and "/A/Next/JS" in found, found
    found = " ".join(active_content(PDFS["invoice-attachment-form.pdf"]))
    assert "/EmbeddedFiles" in found and "/AcroForm" in found and "/FileAttachment" in found, found
    with pytest.raises(pikepdf.PasswordError):
        pikepdf.open(io.BytesIO(REFUSED["locked.pdf"][0]))
    with pikepdf.open(io.BytesIO(PDFS["bank-statement.pdf"])) as doc:
        assert doc.is_encrypted


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


@pytest.mark.parametrize("name", sorted(PDFS))
def test_pdfs_are_kept_with_nothing_in_them_that_can_act(app: Flask, name: str) -> None:
    cr, _ = signed_in(app)
    url = base(start(cr))
    response = upload(cr, url, [(PDFS[name], name)])
    assert response.status_code == 302, response.get_data(as_text=True)[:500]
    receipt = receipts_of(app)[name]
    kept = stored(app, receipt)
    assert active_content(kept) == []
    assert receipt.content_type == "application/pdf" and kept != PDFS[name]  # written again, not the upload
    with pikepdf.open(io.BytesIO(kept)) as doc:
        assert len(doc.pages) == 1 and not doc.is_encrypted
        opening = doc.Root.get("/OpenAction")
        if name in ("plain.pdf", "invoice-page-actions.pdf"):  # a first view is not an action, and stays
            assert isinstance(opening, pikepdf.Array) and opening[1] == pikepdf.Name.Fit
        if name == "invoice-attachment-form.pdf":  # what was filled in is still there to read, on the page
            shown = [o.read_bytes() for o in doc.objects if isinstance(o, pikepdf.Stream)]
            assert any(b"(Paid) Tj" in data for data in shown) and not doc.pages[0].get("/Annots")


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
    for first in range(0, len(names), 5):  # up to five files at a time
        response = upload(cr, url, [(ACCEPTED[n][0], n) for n in names[first:first + 5]])
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
            assert cleaned != data and active_content(cleaned) == [], name  # written again, without actions
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
            if served.mimetype == "application/pdf":
                assert active_content(served.data) == [], where
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

"""Receipts are judged by their content, re-encoded, stripped of location, and stored out of reach."""

from __future__ import annotations

import io

import pikepdf
import pillow_heif
import pytest
from PIL import Image

from app.claims.receipts import BadReceipt, clean
from app.storage import LocalStorage

MB = 1024 * 1024
GPS_IFD = 0x8825


def photo(fmt: str = "JPEG", size: tuple[int, int] = (800, 600), gps: bool = True) -> bytes:
    image = Image.new("RGB", size, (200, 180, 160))
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # camera make
    if gps:
        exif[GPS_IFD] = {1: "N", 2: (51.0, 30.0, 0.0), 3: "W", 4: (0.0, 7.0, 0.0)}
    out = io.BytesIO()
    image.save(out, format=fmt, exif=exif.tobytes())
    return out.getvalue()


def exif_of(data: bytes) -> Image.Exif:
    with Image.open(io.BytesIO(data)) as image:
        return image.getexif()


def test_a_photo_keeps_its_pixels_but_loses_gps_and_camera_details() -> None:
    original = photo()
    assert exif_of(original).get_ifd(GPS_IFD)  # the test photo really has a location
    cleaned = clean(original, 10 * MB)
    assert cleaned.content_type == "image/jpeg" and cleaned.suffix == ".jpg"
    exif = exif_of(cleaned.data)
    assert not exif.get_ifd(GPS_IFD) and 0x010F not in exif
    with Image.open(io.BytesIO(cleaned.data)) as image:
        assert image.size == (800, 600)


def test_iphone_heic_becomes_jpeg_without_location() -> None:
    pillow_heif.register_heif_opener()
    cleaned = clean(photo("HEIF"), 10 * MB)
    assert cleaned.content_type == "image/jpeg" and not exif_of(cleaned.data).get_ifd(GPS_IFD)


def test_png_stays_png_and_huge_photos_are_made_smaller() -> None:
    assert clean(photo("PNG", gps=False), 10 * MB).content_type == "image/png"
    big = clean(photo(size=(6000, 4000), gps=False), 10 * MB)
    with Image.open(io.BytesIO(big.data)) as image:
        assert max(image.size) == 3000


def test_pdfs_are_checked_and_written_again() -> None:
    out = io.BytesIO()
    with pikepdf.new() as doc:
        doc.add_blank_page()
        doc.save(out)
    pdf = out.getvalue()
    cleaned = clean(pdf, MB)
    assert cleaned.content_type == "application/pdf" and cleaned.suffix == ".pdf"
    with pikepdf.open(io.BytesIO(cleaned.data)) as doc:
        assert len(doc.pages) == 1
    for damaged in (pdf[:20], b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"):  # cut short; no pages
        with pytest.raises(BadReceipt) as refused:
            clean(damaged, MB)
        assert refused.value.reason == "damaged"


@pytest.mark.parametrize("data, reason", [
    (b"MZ\x90\x00 this is a program renamed receipt.jpg", "type"),
    (b"<html><script>alert(1)</script></html>", "type"),
    (photo(gps=False)[:2000], "damaged"),  # a photo cut off half way
    (b"", "empty"),
])
def test_files_that_are_not_receipts_are_refused_by_content(data: bytes, reason: str) -> None:
    with pytest.raises(BadReceipt) as refused:
        clean(data, 10 * MB)
    assert refused.value.reason == reason


def test_files_over_the_limit_are_refused() -> None:
    with pytest.raises(BadReceipt) as refused:
        clean(photo(gps=False), 1000)
    assert refused.value.reason == "size"


def test_local_storage_keeps_files_under_random_names_and_refuses_paths(tmp_path) -> None:
    store = LocalStorage(tmp_path)
    key = store.save(b"data", ".jpg")
    assert key.endswith(".jpg") and len(key) == 36 and store.read(key) == b"data"
    assert not list(tmp_path.rglob("*.part"))
    store.delete(key)
    store.delete(key)  # twice is fine
    with pytest.raises(FileNotFoundError):
        store.read(key)
    for bad in ("../etc/passwd", "a/b", ".hidden", ""):
        with pytest.raises(ValueError):
            store.read(bad)

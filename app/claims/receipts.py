"""Receipts: checked by what they contain (not their name), images re-encoded without metadata.

A photo's EXIF (including GPS location) never reaches storage: every image is decoded
and written out again with only its pixels (turned the right way up first). HEIC
photos from iPhones become JPEG. PDFs are checked to be PDFs and kept as they are.
"""

from __future__ import annotations

import io
from dataclasses import dataclass

import pillow_heif
from PIL import Image, ImageOps, UnidentifiedImageError

pillow_heif.register_heif_opener()

ACCEPT = ".jpg,.jpeg,.png,.heic,.heif,.pdf,image/jpeg,image/png,image/heic,image/heif,application/pdf"
IMAGE_FORMATS = {"JPEG": "jpeg", "PNG": "png", "HEIF": "jpeg", "MPO": "jpeg"}
LONGEST_SIDE = 3000  # plenty to read a receipt; keeps phone photos small
Image.MAX_IMAGE_PIXELS = 50_000_000  # refuse decompression bombs


class BadReceipt(ValueError):
    """The file is not a receipt we can take; ``reason`` is "type", "size", "empty" or "damaged"."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class CleanFile:
    data: bytes
    content_type: str
    suffix: str


def clean(data: bytes, max_bytes: int) -> CleanFile:
    """Check and re-encode an upload; raises ``BadReceipt``."""
    if not data:
        raise BadReceipt("empty")
    if len(data) > max_bytes:
        raise BadReceipt("size")
    if data.startswith(b"%PDF-"):
        if b"%%EOF" not in data[-2048:]:
            raise BadReceipt("damaged")
        return CleanFile(data, "application/pdf", ".pdf")
    try:
        with Image.open(io.BytesIO(data)) as probe:
            kind = probe.format
        if kind not in IMAGE_FORMATS:
            raise BadReceipt("type")
        with Image.open(io.BytesIO(data)) as image:
            image.load()  # decodes every pixel: a truncated or corrupt file fails here
            upright = ImageOps.exif_transpose(image)
            upright.thumbnail((LONGEST_SIDE, LONGEST_SIDE))
            out = io.BytesIO()
            if IMAGE_FORMATS[kind] == "png":
                upright.save(out, format="PNG", optimize=True)  # no text chunks, no EXIF
                return CleanFile(out.getvalue(), "image/png", ".png")
            upright.convert("RGB").save(out, format="JPEG", quality=85, optimize=True)  # no EXIF passed on
            return CleanFile(out.getvalue(), "image/jpeg", ".jpg")
    except BadReceipt:
        raise
    except UnidentifiedImageError:
        raise BadReceipt("type") from None
    except (OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        raise BadReceipt("damaged") from None

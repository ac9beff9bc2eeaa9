"""Receipts: checked by what they contain (not their name), images re-encoded without metadata.

A photo's EXIF (including GPS location) never reaches storage: every image is decoded
and written out again with only its pixels (turned the right way up first). HEIC
photos from iPhones become JPEG. A picture over 50 megapixels is refused from its header,
before a pixel is decoded (a PNG of 300 KiB can say it has 98 megapixels). PDFs are
checked to be PDFs and kept as they are, unless they carry scripts or launch programs:
those are refused (and every PDF is served as a download, in a sandbox, in case a script
is hidden some other way).
"""

from __future__ import annotations

import io
import re
import warnings
import zlib
from dataclasses import dataclass

import pillow_heif
from PIL import Image, ImageOps, UnidentifiedImageError

pillow_heif.register_heif_opener()

ACCEPT = ".jpg,.jpeg,.png,.heic,.heif,.pdf,image/jpeg,image/png,image/heic,image/heif,application/pdf"
IMAGE_FORMATS = {"JPEG": "jpeg", "PNG": "png", "HEIF": "jpeg", "MPO": "jpeg"}
LONGEST_SIDE = 3000  # plenty to read a receipt; keeps phone photos small
MAX_PIXELS = 50_000_000  # a 48-megapixel phone photo fits; checked before decoding
Image.MAX_IMAGE_PIXELS = MAX_PIXELS

# A PDF acts when opened through /JavaScript (or /JS) and /Launch actions. The names may be
# spelt with #xx escapes, and the dictionaries may sit in compressed object streams.
_ACTIVE_PDF = re.compile(rb"/(?:JavaScript|JS|Launch)(?=[\s()<>\[\]{}/%]|$)")
_OBJECT_STREAM = re.compile(rb"/Type\s*/ObjStm\b.*?stream\r?\n", re.DOTALL)
_NAME_ESCAPE = re.compile(rb"#([0-9A-Fa-f]{2})")
_INFLATE_LIMIT = 5 * 1024 * 1024  # object streams hold only dictionaries: small


class BadReceipt(ValueError):
    """The file is not a receipt we can take; ``reason`` is "type", "size", "empty", "damaged", "pixels"
    (a picture over ``MAX_PIXELS``) or "active" (a PDF with scripts)."""

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
        if _active_pdf(data):
            raise BadReceipt("active")
        return CleanFile(data, "application/pdf", ".pdf")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as image:  # reads the header only
                kind = image.format
                if kind not in IMAGE_FORMATS:
                    raise BadReceipt("type")
                width, height = image.size
                if width * height > MAX_PIXELS:  # holds even if another thread changes the warnings filter
                    raise BadReceipt("pixels")
                image.load()  # decodes every pixel: a truncated or corrupt file fails here
                upright = ImageOps.exif_transpose(image)
        upright.thumbnail((LONGEST_SIDE, LONGEST_SIDE))
        # Only the pixels go on: Pillow would otherwise write back a JPEG comment (which can
        # hold HTML) or a PNG colour profile from the original.
        upright.info = {k: v for k, v in upright.info.items() if k == "transparency"}
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
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise BadReceipt("pixels") from None
    except (OSError, SyntaxError, ValueError):
        raise BadReceipt("damaged") from None


def _active_pdf(data: bytes) -> bool:
    """True when the PDF has script or launch actions, in plain objects or compressed object streams."""
    parts = [data]
    view = memoryview(data)
    for match in _OBJECT_STREAM.finditer(data):
        try:
            parts.append(zlib.decompressobj().decompress(view[match.end():], _INFLATE_LIMIT))
        except zlib.error:
            continue  # not compressed with Flate: its names are plain and were searched already
    return any(_ACTIVE_PDF.search(_NAME_ESCAPE.sub(lambda m: bytes([int(m.group(1), 16)]), part))
               for part in parts)

"""Receipts: checked by what they contain (not their name), and written again so nothing in them can act.

A photo's EXIF (including GPS location) never reaches storage: every image is decoded
and written out again with only its pixels (turned the right way up first). HEIC
photos from iPhones become JPEG. A picture over 50 megapixels is refused from its header,
before a pixel is decoded (a PNG of 300 KiB can say it has 98 megapixels).

PDFs are read with pikepdf (qpdf), as a PDF reader reads them: filters, object streams and
names spelt with #xx escapes included. Form fields and notes are drawn onto their page as
they are shown, then every object is walked and what can act or carry something is taken
out: scripts, actions other than going to a page (web links and a document's opening action
too; an opening view that only shows a page is kept), additional actions, forms (XFA
included), attachments, and media, 3D and file annotations. What is stored is the PDF pikepdf
writes, not the upload. A PDF that needs a password to open is refused; one locked only
against changes is stored without the lock. PDFs are still served as downloads, in a sandbox.
"""

from __future__ import annotations

import io
import warnings
from dataclasses import dataclass

import pikepdf
import pikepdf.settings
import pillow_heif
from pikepdf import Array, Dictionary, Name, Stream
from PIL import Image, ImageOps, UnidentifiedImageError

pillow_heif.register_heif_opener()

ACCEPT = ".jpg,.jpeg,.png,.heic,.heif,.pdf,image/jpeg,image/png,image/heic,image/heif,application/pdf"
IMAGE_FORMATS = {"JPEG": "jpeg", "PNG": "png", "HEIF": "jpeg", "MPO": "jpeg"}
LONGEST_SIDE = 3000  # plenty to read a receipt; keeps phone photos small
MAX_PIXELS = 50_000_000  # a 48-megapixel phone photo fits; checked before decoding
Image.MAX_IMAGE_PIXELS = MAX_PIXELS

# qpdf inflates object streams to read them: a 10 MB upload could otherwise become gigabytes.
# Nothing else is decoded (streams are saved as they came), so this only bounds those.
pikepdf.settings.set_qpdf_limits(flate_max_memory=64 * 1024 * 1024)

# Taken out of every dictionary in a PDF, wherever it is: what acts, or carries files or forms.
_PDF_KEYS_OUT = frozenset({"/AA", "/JS", "/JavaScript", "/AcroForm", "/XFA", "/EmbeddedFiles", "/EF", "/AF",
                           "/Collection", "/Renditions", "/RichMediaContent", "/3DD"})
# Actions (their /S) other than /GoTo, which only shows a page of the same file.
_PDF_ACTIONS = frozenset({"/JavaScript", "/Launch", "/SubmitForm", "/ResetForm", "/ImportData", "/GoToR",
                          "/GoToE", "/GoToDp", "/URI", "/Named", "/Hide", "/Sound", "/Movie", "/Rendition",
                          "/Trans", "/GoTo3DView", "/RichMediaExecute", "/SetOCGState", "/Thread"})
# Annotations that play or carry something, and form fields (what was filled in is drawn on the page first).
_PDF_ANNOTATIONS = frozenset({"/FileAttachment", "/RichMedia", "/3D", "/Screen", "/Movie", "/Sound", "/Widget"})


class BadReceipt(ValueError):
    """The file is not a receipt we can take; ``reason`` is "type", "size", "empty", "damaged", "pixels"
    (a picture over ``MAX_PIXELS``) or "locked" (a PDF that needs a password)."""

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
        return CleanFile(_rewrite_pdf(data), "application/pdf", ".pdf")
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


def _rewrite_pdf(data: bytes) -> bytes:
    """The PDF as pikepdf writes it once everything that can act is taken out; raises ``BadReceipt``."""
    try:
        with pikepdf.open(io.BytesIO(data)) as pdf:
            if len(pdf.pages) == 0:
                raise BadReceipt("damaged")
            pdf.flatten_annotations("screen")  # form fields and notes as they are shown, drawn on the page
            _disarm(pdf.trailer)
            for obj in pdf.objects:
                _disarm(obj)
            if not isinstance(pdf.Root.get("/OpenAction", Array()), Array):  # an action, not a page to show
                del pdf.Root["/OpenAction"]
            out = io.BytesIO()
            # Streams are copied, not decoded; the objects are written again in new object streams.
            # Encryption that let the file open without a password is not kept.
            pdf.save(out, object_stream_mode=pikepdf.ObjectStreamMode.generate,
                     stream_decode_level=pikepdf.StreamDecodeLevel.none)
            return out.getvalue()
    except pikepdf.PasswordError:
        raise BadReceipt("locked") from None
    except (pikepdf.PdfError, RuntimeError, ValueError, TypeError, KeyError):
        raise BadReceipt("damaged") from None


def _disarm(obj: object) -> None:
    """Take out what can act from a dictionary or array and the direct objects in it (indirect
    objects are each walked from ``Pdf.objects``)."""
    if isinstance(obj, (Dictionary, Stream)):
        for key in list(obj.keys()):
            value = obj.get(key)
            if key in _PDF_KEYS_OUT or _acts(value):
                del obj[key]
            elif _direct(value):
                _disarm(value)
    elif isinstance(obj, Array):
        for n in reversed(range(len(obj))):
            if _acts(obj[n]):
                del obj[n]
            elif _direct(obj[n]):
                _disarm(obj[n])


def _acts(obj: object) -> bool:
    """True for an action other than going to a page, an embedded file, or a media or file annotation."""
    if not isinstance(obj, (Dictionary, Stream)):
        return False
    kind, subtype, action = obj.get("/Type"), obj.get("/Subtype"), obj.get("/S")
    return ("/JS" in obj or (kind == Name.Action and action != Name.GoTo) or kind == Name.EmbeddedFile
            or (isinstance(action, Name) and action in _PDF_ACTIONS)
            or (isinstance(subtype, Name) and subtype in _PDF_ANNOTATIONS))


def _direct(obj: object) -> bool:
    return isinstance(obj, (Dictionary, Array)) and not obj.is_indirect

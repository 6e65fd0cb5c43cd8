"""Open a PDF, image or DOCX/ODT into pages: text layer, raster flag, and a bounded render.

Opening is the structural confirmation of the type: a file that claims to be a PDF but
does not open, or an image that does not decode, raises `DocumentError` with a stable
code, which the pipeline turns into an `unreadable` verdict.
"""

from __future__ import annotations

import io
import logging
import re
import shutil
import subprocess
import threading
import zipfile
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any
from xml.etree import ElementTree

import cv2
import numpy as np
import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c
from PIL import Image, ImageSequence

from .detectors.filetype import FileType, Kind
from .limits import Limits
from .profile import stage

MM_PER_INCH = 25.4
A4_LONG_SIDE_MM = 297.0


class DocumentError(Exception):
    """The file cannot be read as the type it claims; `code` is a stable reason code."""

    def __init__(self, code: str, detail: str) -> None:
        super().__init__(detail)
        self.code = code
        self.detail = detail


@dataclass
class Page:
    """One page: what its text layer says, whether it holds raster content, and pixels on demand."""

    number: int  # 1-based
    width_mm: float
    height_mm: float
    text: str = ""  # text layer ('' for scans and images)
    has_raster: bool = False  # a scan or photo: paper noise and show-through are possible
    has_marks: bool = True  # False when the page has no objects at all (nothing to render)
    _render: Callable[[float], np.ndarray] | None = None
    _render_gray: Callable[[float], np.ndarray] | None = None  # PDF: grey straight from PDFium
    _text_band: Callable[[float, float], str] | None = None
    _cache: dict[float, np.ndarray] = field(default_factory=dict)
    memo: dict[str, Any] = field(default_factory=dict)  # what one stage read and a later one reuses

    def rgb(self, dpi: float) -> np.ndarray:
        """The page as an RGB uint8 array at about `dpi` (cached; pixels bounded by the limits)."""
        if dpi not in self._cache:
            if self._render is None:
                raise DocumentError("NO_RENDER", "page cannot be rendered")
            finer = min((d for d in self._cache if d > dpi), default=None)
            with stage("render"):
                if finer is None:
                    self._cache[dpi] = self._render(dpi)
                else:  # shrink the render already made (a few ms) rather than decode the page again
                    image = self._cache[finer]
                    size = (max(1, round(image.shape[1] * dpi / finer)), max(1, round(image.shape[0] * dpi / finer)))
                    self._cache[dpi] = cv2.resize(image, size, interpolation=cv2.INTER_AREA)
        return self._cache[dpi]

    def gray(self, dpi: float) -> np.ndarray:
        rgb = self.rgb(dpi)
        with stage("gray"):
            return cv2.cvtColor(rgb, cv2.COLOR_RGB2GRAY)

    def gray_once(self, dpi: float) -> np.ndarray:
        """A grey render for one reader (OCR at full resolution), not kept: a PDF page comes grey
        from PDFium, without the RGB render and its BGRA bitmap (a quarter of their memory)."""
        if dpi in self._cache or self._render_gray is None:
            return self.gray(dpi)
        with stage("render"):
            return self._render_gray(dpi)

    def text_between(self, top: float, bottom: float) -> str | None:
        """Text-layer text between two heights (fractions from the top); None without geometry."""
        return self._text_band(top, bottom) if self._text_band else None

    def forget_pixels(self) -> None:
        """Drop cached renders (a 300 dpi A4 page is ~26 MB) and what was read from them."""
        self._cache.clear()
        self.memo.clear()

    def px_per_mm(self, image: np.ndarray) -> float:
        return image.shape[0] / self.height_mm


@dataclass
class Document:
    format: str
    page_count: int | None  # None when the format has no fixed pages (DOCX)
    pages: Iterator[Page]
    has_images: bool = False  # DOCX/ODT: embedded pictures or drawings
    close: Callable[[], None] = lambda: None
    damaged: str | None = None  # PDF: why it opens only through repair (English detail), else None
    pixel_size: tuple[int, int] | None = None  # images: width and height of the first frame
    frames: int = 1  # animated GIF, PNG or WebP: how many frames (a TIFF's frames are its pages)


def _bounded_dpi(dpi: float, width_mm: float, height_mm: float, limits: Limits) -> float:
    pixels = (width_mm / MM_PER_INCH * dpi) * (height_mm / MM_PER_INCH * dpi)
    if pixels > limits.max_page_pixels:
        dpi *= (limits.max_page_pixels / pixels) ** 0.5
    return dpi


# ---------------------------------------------------------------- PDF


def open_pdf(data: bytes, limits: Limits) -> Document:
    try:
        pdf = pdfium.PdfDocument(data)
    except pdfium.PdfiumError as exc:
        raise _pdf_error(data, exc) from None
    try:
        count = len(pdf)
    except pdfium.PdfiumError as exc:
        pdf.close()
        raise DocumentError("PDF_CORRUPT", f"page tree unreadable: {exc}") from None
    if count == 0:
        pdf.close()
        raise DocumentError("PDF_NO_PAGES", "the PDF has no pages")
    return Document(
        "pdf",
        count,
        _pdf_pages(pdf, min(count, limits.max_pages), limits),
        close=pdf.close,
        damaged=pdf_damage(data, count),
    )


def pdf_damage(data: bytes, pdfium_pages: int) -> str | None:
    """Why a PDF that PDFium opened (PDFium repairs silently) is damaged, or None.

    A second reader must open it without repairing its cross-references and count the same
    pages: a broken xref table, or a page tree that other readers see as empty, means PDFium
    rendered a guess. pypdf reports its repairs as log warnings, which are caught here (for
    this thread only).
    """
    repairs: list[str] = []
    handler = _RepairLog(repairs)
    logger = logging.getLogger("pypdf")
    logger.addHandler(handler)
    try:
        pages = _strict_page_count(data)
        if pages is None:
            return None  # an owner-password-only PDF: the strict reader cannot look further
    except Exception as exc:  # pypdf raises many types on damaged structure
        return f"{type(exc).__name__}: {str(exc)[:120]}"
    finally:
        logger.removeHandler(handler)
    if repairs:
        return f"cross-references repaired ({repairs[0][:100]})"
    if pages != pdfium_pages:
        return f"readers disagree on the page count ({pdfium_pages} vs {pages})"
    return None


def _strict_page_count(data: bytes) -> int | None:
    """Pages as a strict reader counts them. A key written twice in one dictionary (office
    scanners write the trailer's /Info twice) is a slip every reader reads alike, not damage:
    such a file is read leniently, its cross-references still watched for repairs."""
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    try:
        reader = PdfReader(io.BytesIO(data), strict=True)
    except PdfReadError as exc:
        if not str(exc).startswith("Multiple definitions in dictionary"):
            raise
        reader = PdfReader(io.BytesIO(data), strict=False)
    if reader.is_encrypted and not reader.decrypt(""):
        return None
    return len(reader.pages)


class _RepairLog(logging.Handler):
    """Collects pypdf's warnings about repaired structure, from the current thread."""

    MARKERS = ("repaired", "xref", "startxref", "wrong pointing", "invalid parent")
    # a cross-reference table numbered from 1 instead of 0: written by many producers, read
    # alike by every reader, so it is no sign that the pages shown are a guess
    BENIGN = ("not zero-indexed",)

    def __init__(self, sink: list[str]) -> None:
        super().__init__(logging.WARNING)
        self.sink, self.thread = sink, threading.get_ident()

    def emit(self, record: logging.LogRecord) -> None:
        message = record.getMessage()
        lower = message.lower()
        if (
            record.thread == self.thread
            and any(m in lower for m in self.MARKERS)
            and not any(b in lower for b in self.BENIGN)
        ):
            self.sink.append(message)


def _pdf_error(data: bytes, exc: Exception) -> DocumentError:
    """Why PDFium could not open the file. Its message carries PDFium's last error, which is
    global and may belong to an earlier file: encryption is read from the file itself."""
    message = str(exc)
    if "password" in message.lower() and b"/Encrypt" in data:
        return DocumentError("PDF_ENCRYPTED", "the PDF is password-protected")
    if _pypdf_page_count(data) == 0:
        return DocumentError("PDF_NO_PAGES", "the PDF has no pages")
    if b"%%EOF" not in data[-2048:]:
        return DocumentError("PDF_TRUNCATED", f"the PDF is truncated (no %%EOF at the end): {message}")
    return DocumentError("PDF_CORRUPT", f"the PDF structure is damaged: {message}")


def _pdf_pages(pdf: pdfium.PdfDocument, count: int, limits: Limits) -> Iterator[Page]:
    for index in range(count):
        try:
            with stage("open"):
                page = pdf[index]
                width_pt, height_pt = page.get_size()
                textpage = page.get_textpage()
                text = textpage.get_text_range()
                textpage.close()
                kinds = [obj.type for obj in page.get_objects(max_depth=3)]
                annots = pdfium_c.FPDFPage_GetAnnotCount(page)
        except pdfium.PdfiumError as exc:
            raise DocumentError("PDF_CORRUPT", f"page {index + 1} unreadable: {exc}") from None
        width_mm, height_mm = width_pt / 72 * MM_PER_INCH, height_pt / 72 * MM_PER_INCH
        if width_mm <= 0 or height_mm <= 0:
            raise DocumentError("PDF_CORRUPT", f"page {index + 1} has no size")

        def render(dpi: float, page: pdfium.PdfPage = page, w: float = width_mm, h: float = height_mm) -> np.ndarray:
            dpi = _bounded_dpi(dpi, w, h, limits)
            bitmap = page.render(scale=dpi / 72, rev_byteorder=True, fill_color=(255, 255, 255, 255))
            return np.ascontiguousarray(bitmap.to_numpy()[:, :, :3])

        def render_gray(
            dpi: float, page: pdfium.PdfPage = page, w: float = width_mm, h: float = height_mm
        ) -> np.ndarray:
            dpi = _bounded_dpi(dpi, w, h, limits)
            bitmap = page.render(scale=dpi / 72, grayscale=True, fill_color=(255, 255, 255, 255))
            return np.ascontiguousarray(bitmap.to_numpy().reshape(bitmap.height, bitmap.width))

        def text_band(
            top: float, bottom: float, page: pdfium.PdfPage = page, w: float = width_pt, h: float = height_pt
        ) -> str:
            textpage = page.get_textpage()
            try:
                return textpage.get_text_bounded(left=0, bottom=h * (1 - bottom), right=w, top=h * (1 - top))
            finally:
                textpage.close()

        yield Page(
            index + 1,
            width_mm,
            height_mm,
            text=text,
            has_raster=pdfium_c.FPDF_PAGEOBJ_IMAGE in kinds,
            has_marks=bool(kinds) or annots > 0,
            _render=render,
            _render_gray=render_gray,
            _text_band=text_band,
        )


# ---------------------------------------------------------------- images


def open_image(data: bytes, fmt: str, limits: Limits) -> Document:
    Image.MAX_IMAGE_PIXELS = limits.max_page_pixels  # the decompression-bomb guard, set explicitly
    try:
        image = Image.open(io.BytesIO(data))
        count = getattr(image, "n_frames", 1) if fmt == "tiff" else 1
        frames = getattr(image, "n_frames", 1) if fmt != "tiff" and getattr(image, "is_animated", False) else 1
    except Image.DecompressionBombError as exc:
        raise DocumentError("LIMIT_PIXELS", str(exc)) from None
    except (OSError, ValueError, SyntaxError) as exc:
        raise DocumentError("IMAGE_CORRUPT", f"image header unreadable: {exc}") from None
    jpeg = data if fmt == "jpeg" and image.mode in ("RGB", "L") and _ends_whole(data) else None
    pages = _image_pages(image, count, limits, jpeg)
    return Document(fmt, count, pages, close=image.close, pixel_size=image.size, frames=frames)


def _ends_whole(jpeg: bytes) -> bool:
    """The stream ends with its end-of-image marker (a truncated one is left to Pillow, which
    says so)."""
    return jpeg.rstrip(b"\0\r\n ")[-2:] == b"\xff\xd9"


def _decode_rgb(frame: Image.Image, jpeg: bytes | None) -> np.ndarray:
    """A whole JPEG straight into one RGB array (OpenCV: no RGBX copy, a third of Pillow's peak
    memory on a 300 dpi page; EXIF orientation ignored, as Pillow does); anything else by Pillow."""
    if jpeg is not None:
        bgr = cv2.imdecode(np.frombuffer(jpeg, np.uint8), cv2.IMREAD_COLOR | cv2.IMREAD_IGNORE_ORIENTATION)
        if bgr is not None and (bgr.shape[1], bgr.shape[0]) == frame.size:
            return cv2.cvtColor(bgr, cv2.COLOR_BGR2RGB, dst=bgr)
    return np.asarray(frame.convert("RGB"))


def _image_pages(image: Image.Image, count: int, limits: Limits, jpeg: bytes | None) -> Iterator[Page]:
    for index, frame in enumerate(ImageSequence.Iterator(image)):
        if index >= min(count, limits.max_pages):
            return
        if frame.width * frame.height > limits.max_page_pixels:
            raise DocumentError("LIMIT_PIXELS", f"page {index + 1} is {frame.width}x{frame.height} pixels")
        try:
            with stage("decode"):
                rgb = _decode_rgb(frame, jpeg)
        except (OSError, ValueError, SyntaxError) as exc:
            code = "IMAGE_TRUNCATED" if "truncated" in str(exc) else "IMAGE_CORRUPT"
            raise DocumentError(code, f"page {index + 1} does not decode: {exc}") from None
        px_per_mm = _image_px_per_mm(frame, rgb.shape)
        height_mm, width_mm = rgb.shape[0] / px_per_mm, rgb.shape[1] / px_per_mm

        def render(dpi: float, rgb: np.ndarray = rgb, native: float = px_per_mm * MM_PER_INCH) -> np.ndarray:
            scale = dpi / native
            if abs(scale - 1) < 0.02:
                return rgb
            size = (max(1, round(rgb.shape[1] * scale)), max(1, round(rgb.shape[0] * scale)))
            return cv2.resize(rgb, size, interpolation=cv2.INTER_AREA if scale < 1 else cv2.INTER_LINEAR)

        yield Page(index + 1, width_mm, height_mm, has_raster=True, _render=render)


def _image_px_per_mm(frame: Image.Image, shape: tuple[int, ...]) -> float:
    """Trust the stored dpi when it gives a paper-sized page; else assume an A4 long side (photos)."""
    long_px = max(shape[0], shape[1])
    dpi = frame.info.get("dpi")
    if dpi:
        try:
            px_per_mm = float(dpi[1]) / MM_PER_INCH
            if 100 <= long_px / px_per_mm <= 500:
                return px_per_mm
        except (TypeError, ValueError, ZeroDivisionError, IndexError):
            pass
    return long_px / A4_LONG_SIDE_MM


# ---------------------------------------------------------------- DOCX / ODT

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_ODF_TEXT = "{urn:oasis:names:tc:opendocument:xmlns:text:1.0}"
_ODF_DRAW = "{urn:oasis:names:tc:opendocument:xmlns:drawing:1.0}"
MAX_XML_BYTES = 50 * 1024 * 1024


def open_office(data: bytes, fmt: str, limits: Limits) -> Document:
    """A DOCX/ODT has no fixed pages: its text and pictures form one logical page."""
    member = "word/document.xml" if fmt == "docx" else "content.xml"
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            info = zf.getinfo(member)
            if info.flag_bits & 0x1:
                raise DocumentError("OFFICE_ENCRYPTED", "the document is password-protected")
            if info.file_size > MAX_XML_BYTES:
                raise DocumentError("LIMIT_FILE_SIZE", f"{member} declares {info.file_size} bytes")
            xml = zf.read(member)
            media = [n for n in zf.namelist() if n.startswith(("word/media/", "Pictures/"))]
    except KeyError:
        if fmt == "odt" and b"encryption-data" in data:
            raise DocumentError("OFFICE_ENCRYPTED", "the document is password-protected") from None
        raise DocumentError("OFFICE_CORRUPT", f"{member} is missing") from None
    except (zipfile.BadZipFile, zlib.error, OSError, EOFError, ValueError, NotImplementedError, RuntimeError) as exc:
        raise DocumentError("OFFICE_CORRUPT", f"the document package is damaged: {exc}") from None
    try:
        root = ElementTree.fromstring(xml)
    except ElementTree.ParseError as exc:
        raise DocumentError("OFFICE_CORRUPT", f"{member} is not well-formed XML: {exc}") from None
    text, drawings = _docx_text(root) if fmt == "docx" else _odt_text(root)
    page = Page(1, 210.0, 297.0, text=text, has_raster=False, has_marks=bool(text.strip()) or drawings > 0)
    return Document(fmt, None, iter([page]), has_images=bool(media) or drawings > 0)


def _docx_text(root: ElementTree.Element) -> tuple[str, int]:
    lines = []
    for para in root.iter(f"{_W}p"):
        lines.append("".join(t.text or "" for t in para.iter(f"{_W}t")))
    drawings = sum(1 for _ in root.iter(f"{_W}drawing")) + sum(1 for _ in root.iter(f"{_W}pict"))
    return "\n".join(lines), drawings


def _odt_text(root: ElementTree.Element) -> tuple[str, int]:
    lines = ["".join(el.itertext()) for el in root.iter() if el.tag in (f"{_ODF_TEXT}p", f"{_ODF_TEXT}h")]
    drawings = sum(1 for el in root.iter() if el.tag in (f"{_ODF_DRAW}image", f"{_ODF_DRAW}frame"))
    return "\n".join(lines), drawings


# ---------------------------------------------------------------- legacy Word (.doc) and RTF

LEGACY_CONVERTER = "catdoc"


def open_legacy_word(data: bytes, fmt: str, limits: Limits) -> Document:
    """Text of a .doc or .rtf through catdoc (reads stdin; bounded in time; no copy on disk)."""
    exe = shutil.which(LEGACY_CONVERTER)
    if exe is None:
        raise DocumentError("UNSUPPORTED_LEGACY_WORD", "catdoc is not installed")
    try:
        proc = subprocess.run(
            [exe, "-d", "utf-8", "-w"],
            input=data,
            capture_output=True,
            timeout=limits.ocr_seconds_per_page,
            check=False,
        )
    except subprocess.TimeoutExpired:
        raise DocumentError(
            "LIMIT_TIME", f"{LEGACY_CONVERTER} took longer than {limits.ocr_seconds_per_page} s"
        ) from None
    text = proc.stdout.decode("utf-8", "replace")
    if proc.returncode != 0 and not text.strip():
        raise DocumentError("OFFICE_CORRUPT", proc.stderr.decode("utf-8", "replace").strip()[:200] or "catdoc failed")
    page = Page(1, 210.0, 297.0, text=text, has_raster=False, has_marks=bool(text.strip()))
    return Document(fmt, None, iter([page]))


# ---------------------------------------------------------------- dispatch


def open_document(kind: FileType, data: bytes, limits: Limits) -> Document:
    """Open a file the type sniffer called a PDF, an image or a text document."""
    if kind.kind is Kind.PDF:
        return open_pdf(data, limits)
    if kind.kind is Kind.IMAGE:
        return open_image(data, kind.format, limits)
    if kind.format in ("doc", "rtf"):
        return open_legacy_word(data, kind.format, limits)
    return open_office(data, kind.format, limits)


# ---------------------------------------------------------------- text helpers

_PAGE_NUMBER_LINE = re.compile(r"^\s*(?:trang|page|tr\.)?\s*[-–—(]?\s*\d{1,4}\s*(?:/\s*\d{1,4})?\s*[-–—)]?\s*$", re.I)


def meaningful_letters(text: str) -> int:
    """Letters in the text, not counting lines that are only a page number."""
    return sum(ch.isalpha() for line in text.splitlines() if not _PAGE_NUMBER_LINE.match(line) for ch in line)


def _pypdf_page_count(data: bytes) -> int | None:
    from pypdf import PdfReader

    try:
        return len(PdfReader(io.BytesIO(data), strict=False).pages)
    except Exception:  # damaged beyond pypdf's repair too
        return None

"""The checking pipeline, cheapest evidence first (DESIGN.md §4).

bytes ─► sniff type ─► empty / archive / unsupported / unreadable ─► done
      └► open pages ─► blankness per page (text layer, else pixels) ─► all blank? done
           └► classify the pages with content (text layer, else OCR; seals; signatures)
"""

from __future__ import annotations

import hashlib
import logging
import time
from dataclasses import dataclass, field
from pathlib import Path

from . import access
from .classify import Classifier, page_header
from .config import Config
from .detectors import archive, blank, drawing, filetype, layout
from .detectors.filetype import FileType, Kind
from .documents import Document, DocumentError, Page, meaningful_letters, open_document
from .errors import InputError
from .hashing import sha256_file
from .messages import reason
from .models import Category, FileVerdict, Reason

log = logging.getLogger("resultcheck")


@dataclass
class Judgement:
    """What the pipeline concluded about one file, before timing and hashing are added."""

    category: Category
    confidence: float
    reasons: list[Reason]
    mime: str
    document_type: str | None = None
    pages: int | None = None
    members: tuple[str, ...] = field(default=())


@dataclass(frozen=True, slots=True)
class PageBlankness:
    blank: bool
    reason: Reason
    confidence: float


class Pipeline:
    """The in-process file checker: every stage runs here, unbounded by a separate process.

    Used as is with `isolate=False`, and inside the isolated child (isolation.IsolatedChecker).
    """

    def __init__(self, config: Config, versions: dict[str, str]) -> None:
        self.config = config
        self.versions = versions
        self.classifier = Classifier(self.config)
        self._blank_rules = self.config.rules.section("blank")
        self._text_rules = self.config.rules.section("text")

    def close(self) -> None:
        """Nothing to stop: the pipeline holds no process or file."""

    # ------------------------------------------------------------ public API

    def check_file(self, source: str | Path | bytes, name: str | None = None) -> FileVerdict:
        """Check one attachment. A bad attachment never raises: it becomes a verdict.

        A path that does not exist raises MissingFileError (an InputError); a path the OS will
        not let us read (permission, disk error, name too long…) is an `unreadable` verdict.
        """
        if (refused := access.admit(source, name, self.versions)) is not None:
            return refused
        started = time.perf_counter()
        try:
            display, data, size, digest = self._read(source, name)
        except access.FileError as exc:  # deleted, unreadable or failing between the probe and the read
            return access.unreadable_file(
                name or str(source), exc, self.versions, elapsed_ms=(time.perf_counter() - started) * 1000
            )
        if data is None:
            judgement = Judgement(
                Category.UNREADABLE,
                1.0,
                [reason("LIMIT_FILE_SIZE", "limits", limit=self.config.limits.max_file_bytes)],
                "application/octet-stream",
            )
        else:
            try:
                judgement = self._judge(data, display)
            except Exception as exc:  # a detector bug must not stop a dossier or a batch
                if (
                    isinstance(exc, MemoryError)
                    or "Insufficient memory" in str(exc)
                    or "Failed to allocate" in str(exc)
                ):
                    judgement = Judgement(
                        Category.UNREADABLE,
                        0.5,
                        [reason("LIMIT_MEMORY", "limits", limit=self.config.limits.max_memory_bytes)],
                        "application/octet-stream",
                    )
                else:
                    log.exception("internal error while checking %s", display)
                    judgement = Judgement(
                        Category.UNREADABLE,
                        0.0,
                        [reason("INTERNAL_ERROR", "pipeline", detail=f"{type(exc).__name__}: {exc}")],
                        "application/octet-stream",
                    )
        return FileVerdict(
            path=display,
            sha256=digest,
            size=size,
            mime=judgement.mime,
            category=judgement.category,
            confidence=judgement.confidence,
            reasons=tuple(judgement.reasons),
            versions=self.versions,
            document_type=judgement.document_type,
            pages=judgement.pages,
            elapsed_ms=(time.perf_counter() - started) * 1000,
            members=judgement.members,
        )

    # ------------------------------------------------------------ steps

    def _read(self, source: str | Path | bytes, name: str | None) -> tuple[str, bytes | None, int, str]:
        """Read the bytes (never modifying the file); files over the size limit are only hashed."""
        if isinstance(source, (bytes, bytearray, memoryview)):
            data = bytes(source)
            return name or "<bytes>", self._within_size(data), len(data), hashlib.sha256(data).hexdigest()
        if not isinstance(source, (str, Path)):
            raise InputError(f"expected a path or bytes, got {type(source).__name__}")
        from os import fstat

        path = Path(source)
        display = name or str(source)
        with path.open("rb") as fh:  # one open: the size and the bytes are of the same file
            size = fstat(fh.fileno()).st_size
            if size > self.config.limits.max_file_bytes:
                return display, None, size, sha256_file(path)
            data = fh.read()
        return display, data, len(data), hashlib.sha256(data).hexdigest()

    def _within_size(self, data: bytes) -> bytes | None:
        return data if len(data) <= self.config.limits.max_file_bytes else None

    def _judge(self, data: bytes, display: str) -> Judgement:
        kind = filetype.sniff(data)
        if kind.kind is Kind.EMPTY:
            return Judgement(Category.BLANK, 1.0, [reason("EMPTY_FILE", filetype.NAME)], kind.mime, pages=0)
        if kind.kind is Kind.ARCHIVE:
            return self._judge_archive(kind, data, display)
        if kind.kind is Kind.UNSUPPORTED:
            volume = filetype.split_volume(display) if kind.libmagic_mime == "application/octet-stream" else None
            if volume is not None:
                fmt, part = volume
                return Judgement(
                    Category.ARCHIVE,
                    0.9,
                    [reason("ARCHIVE_VOLUME", filetype.NAME, part=part, format=fmt)],
                    "application/octet-stream",
                )
            return self._judge_unsupported(kind)
        if kind.kind is Kind.UNREADABLE:
            return self._judge_unreadable_type(kind)
        try:
            document = open_document(kind, data, self.config.limits)
        except DocumentError as exc:
            if exc.code == "UNSUPPORTED_LEGACY_WORD":
                return Judgement(Category.UNSUPPORTED, 0.9, [reason(exc.code, "documents")], kind.mime)
            return self._unreadable(kind, exc)
        try:
            return self._judge_document(kind, document, data)
        except DocumentError as exc:  # a page that fails to decode half-way
            return self._unreadable(kind, exc)
        finally:
            document.close()

    def _judge_archive(self, kind: FileType, data: bytes, display: str) -> Judgement:
        limits = self.config.limits
        sfx_at = int(kind.note.rsplit(" ", 1)[-1]) if kind.note and kind.note.startswith("sfx at") else 0
        listing = archive.list_archive(
            kind.format,
            data[sfx_at:],
            max_members=limits.max_archive_members,
            peek_bytes=limits.max_sniff_decompress_bytes,
            name=display,
        )
        reasons: list[Reason] = []
        data_fields = {"format": listing.format, "member_count": listing.member_count}
        if kind.note and kind.note.startswith("appended to"):
            reasons.append(reason("ARCHIVE_POLYGLOT", filetype.NAME, lead=kind.note.removeprefix("appended to ")))
        if kind.note and kind.note.startswith("sfx"):
            reasons.append(reason("ARCHIVE_SFX", filetype.NAME, format=kind.format))
        if listing.problem == archive.NOT_LISTED:
            reasons.append(
                reason("ARCHIVE", archive.NAME, format=listing.format, count="không rõ số", sample="", data=data_fields)
            )
        elif listing.member_count is None and not listing.members:
            reasons.append(
                reason("ARCHIVE_UNLISTABLE", archive.NAME, format=listing.format, data={"problem": listing.problem})
            )
        else:
            count = listing.member_count if listing.member_count is not None else f"≥{len(listing.members)}"
            sample = (
                ": " + ", ".join(listing.members[:5]) + ("…" if len(listing.members) > 5 else "")
                if listing.members
                else ""
            )
            reasons.append(
                reason("ARCHIVE", archive.NAME, format=listing.format, count=count, sample=sample, data=data_fields)
            )
        if listing.encrypted:
            reasons.append(reason("ARCHIVE_ENCRYPTED", archive.NAME))
        if listing.nested_archives:
            reasons.append(reason("ARCHIVE_NESTED", archive.NAME, names=", ".join(listing.nested_archives[:5])))
        if listing.truncated and listing.member_count is not None:
            reasons.append(reason("LIMIT_ARCHIVE_MEMBERS", "limits", limit=limits.max_archive_members))
        if (listing.declared_bytes or 0) > limits.max_archive_declared_bytes:
            reasons.append(
                reason(
                    "LIMIT_ARCHIVE_SIZE",
                    "limits",
                    declared=listing.declared_bytes,
                    limit=limits.max_archive_declared_bytes,
                )
            )
        return Judgement(Category.ARCHIVE, 0.99, reasons, kind.mime, members=listing.members)

    def _judge_unsupported(self, kind: FileType) -> Judgement:
        if kind.format == "doc":
            r = reason("UNSUPPORTED_LEGACY_WORD", filetype.NAME)
        elif kind.format in ("xlsx", "pptx", "xls", "ppt", "epub", "hwpx", "sxw", "ibooks") or kind.format.startswith(
            "odf-"
        ):
            r = reason("UNSUPPORTED_OFFICE_TYPE", filetype.NAME, format=kind.format)
        else:
            r = reason("UNSUPPORTED_TYPE", filetype.NAME, mime=kind.mime)
        return Judgement(Category.UNSUPPORTED, 0.9, [r], kind.mime)

    def _judge_unreadable_type(self, kind: FileType) -> Judgement:
        if kind.format == "pdf":
            offset = kind.note.rsplit(" ", 1)[-1] if kind.note else "?"
            r = reason("PDF_HEADER_LATE", filetype.NAME, offset=offset)
        elif kind.format == "ole-damaged":
            r = reason("OFFICE_CORRUPT", filetype.NAME, format="OLE2", detail=kind.note or "")
        else:
            r = reason("OFFICE_ENCRYPTED", filetype.NAME)
        return Judgement(Category.UNREADABLE, 0.95, [r], kind.mime)

    def _unreadable(self, kind: FileType, exc: DocumentError) -> Judgement:
        detail = exc.detail[:200]
        r = reason(exc.code, "documents", detail=detail, format=kind.format, limit=self.config.limits.max_file_bytes)
        return Judgement(Category.UNREADABLE, 0.95, [r], kind.mime)

    def _judge_document(self, kind: FileType, document: Document, data: bytes) -> Judgement:
        if document.page_count is None:
            return self._judge_office(kind, document, data)
        judgement = self._judge_pages(kind, document, data)
        if document.damaged:  # read through repair: whatever it shows, a person should look
            judgement.reasons.insert(0, reason("PDF_DAMAGED", "documents", detail=document.damaged[:160]))
            judgement.confidence = min(judgement.confidence, self.config.rules.section("classify")["damaged_pdf_cap"])
        return judgement

    def _judge_pages(self, kind: FileType, document: Document, data: bytes) -> Judgement:
        picture = self._animated(kind, document) or self._too_small(kind, document)
        if picture is not None:
            return picture
        pages: list[Page] = []
        judged: list[PageBlankness] = []
        keep = self.config.rules.section("classify")["max_classified_pages"]
        for page in document.pages:
            judged.append(self._page_blankness(page, after_content=any(not j.blank for j in judged)))
            if judged[-1].blank or keep <= 0:
                page.forget_pixels()
            else:  # the classifier reads these pages next, from the same render (A4 at 150 dpi: 6 MB)
                keep -= 1
            pages.append(page)
        reasons: list[Reason] = []
        if (document.page_count or 0) > len(judged):
            reasons.append(reason("LIMIT_PAGES", "limits", limit=len(judged), count=document.page_count))
        blank_pages = [p.number for p, j in zip(pages, judged, strict=True) if j.blank]
        if len(blank_pages) == len(judged):
            reasons.insert(0, reason("BLANK_FILE", blank.NAME, pages=len(judged)))
            reasons.extend(j.reason for j in judged)
            return Judgement(
                Category.BLANK, min(j.confidence for j in judged), reasons, kind.mime, pages=document.page_count
            )
        content = [p for p, j in zip(pages, judged, strict=True) if not j.blank]
        found = self.classifier.classify(data, kind.format, content)
        reasons = found.reasons + reasons
        reasons.extend(j.reason for j in judged if not j.blank)
        if blank_pages:
            reasons.append(
                reason("BLANK_SOME_PAGES", blank.NAME, count=len(blank_pages), pages=", ".join(map(str, blank_pages)))
            )
        return Judgement(
            found.category,
            found.confidence,
            reasons,
            kind.mime,
            document_type=found.document_type,
            pages=document.page_count,
        )

    def _animated(self, kind: FileType, document: Document) -> Judgement | None:
        """An animated GIF, PNG or WebP is a moving picture (a banner, an emoji), never a page scan:
        its first frame alone is not what a reader sees (it may be an empty one)."""
        if document.frames <= 1:
            return None
        next(document.pages)  # decoded first: a broken stream is unreadable, not a picture
        confidence = self.config.rules.section("classify")["picture_confidence"]
        reasons = [reason("IMAGE_ANIMATED", "documents", frames=document.frames)]
        return Judgement(Category.OTHER, confidence, reasons, kind.mime, pages=1, document_type="hinh_anh")

    def _too_small(self, kind: FileType, document: Document) -> Judgement | None:
        """An image too small to be a page scan (a 1-inch-wide page at 50 dpi): an icon, a photo's
        thumbnail, or a page's thumbnail, which is too small to read (so a person looks)."""
        size = document.pixel_size
        rules = self.config.rules.section("classify")
        minimum = rules["min_page_scan_px"]
        if kind.kind is not Kind.IMAGE or size is None or max(size) >= minimum:
            return None
        page = next(document.pages)  # decoded first: a broken stream is unreadable, not an icon
        low, high = rules["page_aspect"]
        paper = low <= max(size) / max(1, min(size)) <= high and not self._is_picture(page)
        code = "IMAGE_PAGE_THUMBNAIL" if paper else "IMAGE_TOO_SMALL"
        reasons = [reason(code, "documents", width=size[0], height=size[1], minimum=minimum)]
        if (document.page_count or 1) > self.config.limits.max_pages:
            reasons.append(
                reason("LIMIT_PAGES", "limits", limit=self.config.limits.max_pages, count=document.page_count)
            )
        confidence = rules["cap_unsure"] if paper else rules["picture_confidence"]
        return Judgement(
            Category.OTHER, confidence, reasons, kind.mime, pages=document.page_count, document_type="hinh_anh"
        )

    def _judge_office(self, kind: FileType, document: Document, data: bytes) -> Judgement:
        page = next(document.pages)
        letters = meaningful_letters(page.text)
        if letters < self._text_rules["min_letters"] and not document.has_images:
            if kind.format == "doc":  # catdoc sees no text: pictures in a .doc are beyond us
                return Judgement(Category.UNSUPPORTED, 0.6, [reason("UNSUPPORTED_LEGACY_WORD", "documents")], kind.mime)
            return Judgement(Category.BLANK, 0.95, [reason("BLANK_DOCUMENT", blank.NAME)], kind.mime)
        images = ", có hình ảnh" if document.has_images else ""
        found = self.classifier.classify(data, kind.format, [page])
        reasons = found.reasons + [reason("CONTENT_DOCUMENT", blank.NAME, letters=letters, images=images)]
        return Judgement(found.category, found.confidence, reasons, kind.mime, document_type=found.document_type)

    def _is_picture(self, page: Page) -> bool:
        rules = self.config.rules.section("classify")
        rgb = page.rgb(rules["look_dpi"])
        look = drawing.look(
            rgb,
            page.px_per_mm(rgb),
            True,
            self._blank_rules,
            rules,
        )
        return look.is_picture(rules)

    def _page_blankness(self, page: Page, *, after_content: bool = False) -> PageBlankness:
        """Text layer first (born-digital pages), else pixels. OCR is never asked. Once the file
        has shown content (so it is not blank), a scanned page whose top holds upright text lines
        (the layout probe, which also tells the classifier whether to read it) needs no ink test."""
        n = page.number
        if not page.has_marks:
            return PageBlankness(True, reason("BLANK_EMPTY_PAGE", blank.NAME, page=n), 0.99)
        letters = meaningful_letters(page.text)
        # A scan's text layer may be an OCR guess on noise: trust only a long one without pixels.
        trusted = self._text_rules["min_letters"] if not page.has_raster else self._text_rules["min_letters_scanned"]
        if letters >= trusted:
            return PageBlankness(False, reason("CONTENT_TEXT_LAYER", blank.NAME, page=n, letters=letters), 0.99)
        if after_content and page.has_raster:
            lines = page_header(page, self.config).text_lines
            if lines >= self.config.rules.section("classify")["layout_min_text_lines"]:
                return PageBlankness(False, reason("CONTENT_TEXT_LINES", layout.NAME, page=n, lines=lines), 0.9)
        dpi = self._blank_rules["working_dpi"]
        gray = page.gray(dpi)
        ink = blank.judge_page(gray, page.px_per_mm(gray), page.has_raster, self._blank_rules)
        if ink.code == "BLANK_PAGE_NUMBER_ONLY" and letters:
            # the page's own text says what the small mark in its margin is: a word, not a page number
            return PageBlankness(False, reason("CONTENT_TEXT_LAYER", blank.NAME, page=n, letters=letters), 0.9)
        if ink.blank and page.has_raster and self._is_picture(page):
            # the blank test measures ink on paper; a photo is no paper (its textures read as noise)
            return PageBlankness(False, reason("CONTENT_PICTURE", blank.NAME, page=n), 0.9)
        data = {"ink_mm2": ink.ink_mm2, "paper": ink.paper_level, "threshold": ink.contrast_threshold}
        confidence = {"BLANK_EMPTY_PAGE": 0.99, "BLANK_NOISE_ONLY": 0.9}.get(ink.code, 0.85)
        if not ink.blank:
            confidence = 0.95
        return PageBlankness(
            ink.blank, reason(ink.code, blank.NAME, page=n, ink_mm2=round(ink.ink_mm2), data=data), confidence
        )

"""The peers resultcheck is measured against, on the same files in the same run.

- national_index: what Decision 766 indicators 4.1/4.2 accept today: any attached file is a result.
- libmagic_size: libmagic's type and the size only (0 bytes blank, archive MIME archive, else result).
- naps2 / stirling: the two open-source blank-page rules, on the blank / not-blank question
  (NAPS2: luma < 179 is ink, blank below 0.15 % coverage, 1 % edge ignored; Stirling-PDF:
  text layer keeps the page, no text and no image drops it, else 5x5 blur and blank if
  >= 99.9 % of pixels are > 245), each page rendered at 150 dpi.
- naive_ocr: OCR every page in full with Tesseract (no text layer, no title zone, no
  cleanup), then the same lexicon; for speed and accuracy on documents.
"""

from __future__ import annotations

import time
from pathlib import Path

import cv2
import numpy as np
import pytesseract
from resultcheck.detectors import filetype
from resultcheck.detectors.keywords import Lexicon, find_cues, zones_from_lines

from resultcheck.config import Config
from resultcheck.documents import DocumentError, open_document

ARCHIVE_MIMES = set(filetype.ARCHIVE_MIMES.values()) | {
    "application/x-bzip2",
    "application/x-rar",
    "application/x-7z-compressed",
}
RENDER_DPI = 150


def national_index(path: Path) -> str:
    return "result"


def libmagic_size(path: Path) -> str:
    data = path.read_bytes()
    if not data:
        return "blank"
    mime = filetype.libmagic_mime(data)
    if mime in ARCHIVE_MIMES or mime.startswith("application/x-tar"):
        return "archive"
    if mime == "application/pdf" or mime.startswith("image/") or "officedocument" in mime or "opendocument" in mime:
        return "result"
    return "unsupported"


def _pages(path: Path, limit: int = 10) -> list[tuple[np.ndarray, str, bool]] | None:
    """(grey page at 150 dpi, text layer, has image) for PDFs and images; None for other files."""
    data = path.read_bytes()
    kind = filetype.sniff(data)
    if kind.kind not in (filetype.Kind.PDF, filetype.Kind.IMAGE):
        return None
    try:
        document = open_document(kind, data, Config().limits)
        pages = [(p.gray(RENDER_DPI), p.text, p.has_raster) for p, _ in zip(document.pages, range(limit), strict=False)]
        document.close()
        return pages
    except DocumentError:
        return None


def naps2_blank(gray: np.ndarray, white: int = 70, coverage: int = 15) -> bool:
    h, w = gray.shape
    edge_y, edge_x = int(h * 0.01), int(w * 0.01)
    inner = gray[edge_y : h - edge_y, edge_x : w - edge_x]
    threshold = 1 + white / 100 * 254
    return (inner < threshold).sum() / gray.size < coverage / 100 * 0.01


def stirling_blank(gray: np.ndarray, text: str, has_image: bool, white_percent: float = 99.9) -> bool:
    if text.strip():
        return False
    if not has_image:
        return True  # no text, no image: dropped, vector drawings included (the known gap)
    blurred = cv2.GaussianBlur(gray, (5, 5), 0)
    return (blurred > 245).mean() * 100 >= white_percent


def blank_rule(path: Path, rule: str) -> bool | None:
    """Whether a file is blank by a peer rule (every page blank); None when the rule does not apply."""
    if path.stat().st_size == 0:
        return True
    pages = _pages(path)
    if pages is None:
        return None
    if rule == "naps2":
        return all(naps2_blank(g) for g, _, _ in pages)
    return all(stirling_blank(g, t, i) for g, t, i in pages)


def naive_ocr(path: Path, lexicon: Lexicon) -> tuple[str | None, float]:
    """(result | input_component | None, seconds): full-page OCR of every page, then the lexicon."""
    started = time.perf_counter()
    pages = _pages(path)
    if not pages:
        return None, time.perf_counter() - started
    lines: list[str] = []
    for gray, _, _ in pages:
        text = pytesseract.image_to_string(
            cv2.resize(gray, None, fx=2, fy=2), lang="vie", config="--oem 1 --psm 3", timeout=60
        )
        lines.extend(text.splitlines())
    evidence = find_cues(zones_from_lines(lines), lexicon)
    category = "result" if evidence.result >= evidence.against else "input_component"
    return category, time.perf_counter() - started

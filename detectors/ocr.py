"""Tesseract OCR (Vietnamese, LSTM), bounded in time, on cleaned-up page images.

Used only where no text layer settles the question, and never to judge blankness
(Tesseract invents text on grey paper noise).
"""

from __future__ import annotations

import atexit
import ctypes
import os
import re
import threading
import time
from collections.abc import Callable
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass
from typing import Any

import cv2
import numpy as np
import pytesseract
from PIL import Image

from . import libtesseract
from .blank import paper_background

NAME = "ocr"
_stage_timer: list[Callable[[str], AbstractContextManager[None]]] = []


def set_stage_timer(timer: Callable[[str], AbstractContextManager[None]]) -> None:
    """Where the caller counts stage times (resultcheck.profile.stage): detectors import nothing
    from the core, so the core hands its timer over."""
    _stage_timer[:] = [timer]


def stage(name: str) -> AbstractContextManager[None]:
    return _stage_timer[0](name) if _stage_timer else nullcontext()


os.environ.setdefault("OMP_THREAD_LIMIT", "1")  # ~5x faster here than with OpenMP threads


MIN_ORIENTATION_CONFIDENCE = 1.0  # below this, Tesseract's OSD guess is noise


class OcrUnavailable(Exception):
    """tesseract or its Vietnamese model is not installed."""


@dataclass(frozen=True, slots=True)
class OcrLine:
    text: str
    top: float  # 0..1, from the top of the image
    confidence: float  # mean word confidence (0-100)


@dataclass(frozen=True, slots=True)
class OcrResult:
    lines: tuple[OcrLine, ...]
    words: int  # recognised words
    confident_words: int  # words with confidence >= 60 and a letter or digit
    seconds: float
    timed_out: bool = False


def clean_for_ocr(gray: np.ndarray, px_per_mm: float) -> np.ndarray:
    """Flatten the paper, smooth, then Otsu: rescues noisy, low-contrast, dark and unevenly lit
    scans that Tesseract's own binarisation gets wrong (see env-bench §3)."""
    with stage("cleanup"):
        return _clean(gray, px_per_mm)


def _clean(gray: np.ndarray, px_per_mm: float) -> np.ndarray:
    background = paper_background(cv2.medianBlur(gray, 3), px_per_mm)
    flat = cv2.divide(gray, np.maximum(background, 1), scale=255)
    smooth = cv2.GaussianBlur(flat, (5, 5), 0)
    _, binary = cv2.threshold(smooth, 0, 255, cv2.THRESH_BINARY + cv2.THRESH_OTSU)
    return deskew(binary)


def text_height(binary: np.ndarray, px_per_mm: float) -> float | None:
    """Median height in pixels of the letter-sized ink components of a cleaned binary image
    (0.8-8 mm tall, not much wider than tall), or None with too few of them to tell."""
    _, _, stats, _ = cv2.connectedComponentsWithStats((binary < 128).astype(np.uint8), connectivity=8)
    heights, widths = stats[1:, cv2.CC_STAT_HEIGHT], stats[1:, cv2.CC_STAT_WIDTH]
    letters = heights[(heights >= 0.8 * px_per_mm) & (heights <= 8 * px_per_mm) & (widths <= 4 * heights)]
    return float(np.median(letters)) if len(letters) >= 20 else None


def scale_binary(binary: np.ndarray, scale: float) -> np.ndarray:
    size = (max(1, round(binary.shape[1] * scale)), max(1, round(binary.shape[0] * scale)))
    small = cv2.resize(binary, size, interpolation=cv2.INTER_AREA)
    return np.where(small < 128, 0, 255).astype(np.uint8)


def quiet_row(binary: np.ndarray, near: int, reach: int) -> int:
    """The row with the least ink within `reach` rows of `near`: a cut between text lines."""
    low, high = max(1, near - reach), min(binary.shape[0] - 1, near + reach)
    if low >= high:
        return min(max(near, 1), binary.shape[0] - 1)
    ink = (binary[low:high] < 128).sum(axis=1)
    return low + int(np.argmin(ink))


def stack(upper: OcrResult, lower: OcrResult, split: float) -> OcrResult:
    """Two reads of one image cut at `split` (share of its height, from the top) as one read."""
    return OcrResult(
        tuple(OcrLine(line.text, line.top * split, line.confidence) for line in upper.lines)
        + tuple(OcrLine(line.text, split + line.top * (1 - split), line.confidence) for line in lower.lines),
        upper.words + lower.words,
        upper.confident_words + lower.confident_words,
        upper.seconds + lower.seconds,
        upper.timed_out or lower.timed_out,
    )


def skew_angle(binary: np.ndarray, max_degrees: float = 5.0, step: float = 0.5) -> float:
    """Small scan skew, from the angle at which text rows give the sharpest projection profile."""
    ink = cv2.resize(
        (binary < 128).astype(np.float32), (binary.shape[1] // 4, binary.shape[0] // 4), interpolation=cv2.INTER_AREA
    )
    centre = (ink.shape[1] / 2, ink.shape[0] / 2)
    best_angle, best_score = 0.0, -1.0
    for angle in np.arange(-max_degrees, max_degrees + step / 2, step):
        turned = cv2.warpAffine(ink, cv2.getRotationMatrix2D(centre, float(angle), 1.0), ink.shape[::-1])
        score = float(np.var(turned.sum(axis=1)))
        if score > best_score:
            best_angle, best_score = float(angle), score
    return best_angle


def deskew(binary: np.ndarray) -> np.ndarray:
    angle = skew_angle(binary)
    if abs(angle) < 0.5:
        return binary
    matrix = cv2.getRotationMatrix2D((binary.shape[1] / 2, binary.shape[0] / 2), angle, 1.0)
    return cv2.warpAffine(binary, matrix, binary.shape[::-1], flags=cv2.INTER_NEAREST, borderValue=255)


def recognise(gray: np.ndarray, *, lang: str, timeout: float, psm: int = 3, stage_name: str = "ocr_title") -> OcrResult:
    """OCR a grey image; returns lines top to bottom. A timeout yields an empty, flagged result.
    `stage_name` is where the profile counts the time."""
    with stage(stage_name):
        return _recognise(gray, lang=lang, timeout=timeout, psm=psm)


# ---------------------------------------------------------------- the warm engine


class _Tesseract:
    """libtesseract's C API through ctypes: the very library the `tesseract` command runs, loaded
    once per process (no process start, no model load per call), so it reads exactly as the
    command line does. Not thread-safe: one per thread (`warm_engine`)."""

    def __init__(self, lang: str) -> None:
        self.lib = libtesseract.load()
        self.handle = self.lib.TessBaseAPICreate()
        if self.lib.TessBaseAPIInit2(self.handle, None, lang.encode(), 1) != 0:  # OEM_LSTM_ONLY, like --oem 1
            self.lib.TessBaseAPIDelete(self.handle)
            raise OcrUnavailable(f"tesseract has no '{lang}' model")
        self.lib.TessBaseAPISetVariable(self.handle, b"debug_file", os.devnull.encode())  # its chatter
        _ALL.append(self)

    def close(self) -> None:
        if self.handle:
            self.lib.TessBaseAPIEnd(self.handle)
            self.lib.TessBaseAPIDelete(self.handle)
            self.handle = None

    def tsv(self, gray: np.ndarray, psm: int, timeout: float) -> str | None:
        """The TSV rows of `tesseract --psm N ... tsv`; None when `timeout` seconds passed."""
        gray = np.ascontiguousarray(gray, dtype=np.uint8)
        lib, handle = self.lib, self.handle
        lib.TessBaseAPISetPageSegMode(handle, psm)
        lib.TessBaseAPISetImage(handle, gray.tobytes(), gray.shape[1], gray.shape[0], 1, gray.shape[1])
        lib.TessBaseAPISetSourceResolution(handle, 96)  # what the command line reads from pytesseract's BMP
        monitor = lib.TessMonitorCreate()
        try:
            lib.TessMonitorSetDeadlineMSecs(monitor, max(1, int(timeout * 1000)))
            if lib.TessBaseAPIRecognize(handle, monitor) != 0:
                return None
            text = lib.TessBaseAPIGetTsvText(handle, 0)
            try:
                return ctypes.string_at(text).decode("utf-8", "replace") if text else ""
            finally:
                lib.TessDeleteText(text)
        finally:
            lib.TessMonitorDelete(monitor)
            lib.TessBaseAPIClear(handle)


_engines = threading.local()
_ALL: list[_Tesseract] = []


@atexit.register
def _close_all() -> None:  # else libtesseract's caches complain of leaks at exit
    while _ALL:
        _ALL.pop().close()


def warm_engine(lang: str) -> _Tesseract | None:
    """This thread's loaded engine for `lang`, kept for every later call (-100 ms a call here);
    None where libtesseract cannot be loaded or is not the command line's version (the stamp), or
    where RESULTCHECK_OCR_ENGINE=cli asks for the command line (pytesseract)."""
    if not libtesseract.usable():
        return None
    engines: dict[tuple[int, str], _Tesseract | None] = _engines.__dict__.setdefault("by_lang", {})
    key = (os.getpid(), lang)
    if key not in engines:
        try:
            engines[key] = _Tesseract(lang)
        except (OSError, AttributeError, OcrUnavailable):
            engines[key] = None  # the command line then says why, or reads
    return engines[key]


_TSV_INTS = ("level", "page_num", "block_num", "par_num", "line_num", "word_num", "left", "top", "width", "height")


def _recognise_warm(engine: _Tesseract, gray: np.ndarray, timeout: float, psm: int) -> dict[str, list[Any]] | None:
    """The same dict as pytesseract's image_to_data; None on a timeout."""
    tsv = engine.tsv(gray, psm, timeout)
    if tsv is None:
        return None
    data: dict[str, list[Any]] = {k: [] for k in (*_TSV_INTS, "conf", "text")}
    for row in tsv.splitlines():
        cells = row.split("\t")
        if len(cells) < 11:
            continue
        cells += [""] * (12 - len(cells))
        for k, cell in zip(_TSV_INTS, cells[:10], strict=True):
            data[k].append(int(cell))
        data["conf"].append(float(cells[10]))
        data["text"].append(cells[11])
    return data


# ---------------------------------------------------------------- recognition


def _recognise(gray: np.ndarray, *, lang: str, timeout: float, psm: int) -> OcrResult:
    started = time.perf_counter()
    engine = warm_engine(lang)
    if engine is not None:
        warm = _recognise_warm(engine, gray, timeout, psm)
        if warm is None:
            return OcrResult((), 0, 0, time.perf_counter() - started, timed_out=True)
        return _lines(warm, gray.shape[0], time.perf_counter() - started)
    image = Image.fromarray(gray)
    image.format = "BMP"  # pytesseract hands the file over in this format: no slow PNG encode
    try:
        data = pytesseract.image_to_data(
            image,
            lang=lang,
            config=f"--oem 1 --psm {psm}",
            timeout=max(1, int(timeout)),
            output_type=pytesseract.Output.DICT,
        )
    except RuntimeError as exc:  # pytesseract's timeout (it kills the tesseract process)
        if "timeout" in str(exc).lower():
            return OcrResult((), 0, 0, time.perf_counter() - started, timed_out=True)
        raise
    except pytesseract.TesseractNotFoundError as exc:
        raise OcrUnavailable("tesseract is not installed") from exc
    except pytesseract.TesseractError as exc:
        if "Failed loading language" in str(exc):
            raise OcrUnavailable(f"tesseract has no '{lang}' model") from exc
        raise
    return _lines(data, gray.shape[0], time.perf_counter() - started)


_WORDLIKE = re.compile(r"\w", re.UNICODE)


def _lines(data: dict[str, list[Any]], height: int, seconds: float) -> OcrResult:
    grouped: dict[tuple[int, int, int], list[int]] = {}
    for i, word in enumerate(data["text"]):
        if word.strip() and float(data["conf"][i]) >= 0:
            grouped.setdefault((data["block_num"][i], data["par_num"][i], data["line_num"][i]), []).append(i)
    lines = []
    words = confident = 0
    for indexes in grouped.values():
        text = " ".join(data["text"][i] for i in indexes)
        confs = [float(data["conf"][i]) for i in indexes]
        top = min(data["top"][i] for i in indexes) / max(1, height)
        lines.append(OcrLine(text, top, sum(confs) / len(confs)))
        words += len(indexes)
        confident += sum(1 for i in indexes if float(data["conf"][i]) >= 60 and _WORDLIKE.search(data["text"][i]))
    lines.sort(key=lambda line: line.top)
    return OcrResult(tuple(lines), words, confident, seconds)


def rotation_needed(gray: np.ndarray, *, timeout: float) -> int:
    """Degrees (0, 90, 180, 270) to rotate the page clockwise so text is upright (Tesseract OSD)."""
    with stage("orientation"):
        return _rotation_needed(gray, timeout=timeout)


def _rotation_needed(gray: np.ndarray, *, timeout: float) -> int:
    image = Image.fromarray(gray)
    image.format = "BMP"
    try:
        osd = pytesseract.image_to_osd(
            image,
            config="--psm 0 -c min_characters_to_try=10",
            timeout=max(1, int(timeout)),
            output_type=pytesseract.Output.DICT,
        )
    except (pytesseract.TesseractError, RuntimeError):
        return 0  # too little text to tell, or timed out
    except pytesseract.TesseractNotFoundError as exc:
        raise OcrUnavailable("tesseract is not installed") from exc
    if float(osd.get("orientation_conf", 0)) < MIN_ORIENTATION_CONFIDENCE:
        return 0
    return int(osd.get("rotate", 0)) % 360


def rotate(gray: np.ndarray, degrees_clockwise: int) -> np.ndarray:
    codes = {90: cv2.ROTATE_90_CLOCKWISE, 180: cv2.ROTATE_180, 270: cv2.ROTATE_90_COUNTERCLOCKWISE}
    return cv2.rotate(gray, codes[degrees_clockwise]) if degrees_clockwise in codes else gray

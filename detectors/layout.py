"""Where a document starts, from the page's layout alone (no OCR).

Decree 30 puts an issued document's header in two columns: the issuer (and its number) on
the left, the national motto on the right, side by side at the top of the first page. A
citizen's application, declaration or contract centres the motto instead, and a continuation
page starts with body text. So a later page of a scanned file whose top holds upright text
lines but no such pair of columns, and no red ink in it (an emblem, a red title, a seal over
the header, as on land-use certificates), cannot be where a result starts: the classifier
skips its OCR. When the probe sees no upright text lines at all (a sideways or empty top),
it claims nothing. Not caught: a result with a centred black header after input pages in a
grey scan (its red is lost).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import cv2
import numpy as np

from .seal import red_mask

NAME = "layout"


@dataclass(frozen=True, slots=True)
class Header:
    text_lines: int  # upright text-line segments found in the header zone
    two_columns: bool  # a left and a right segment side by side: an issuer beside the motto
    red_mm2: float  # saturated red ink in the header zone (an emblem, a red title, a seal)

    def may_start_result(self, rules: dict[str, Any]) -> bool:
        """False only when the page clearly shows upright text without a result's header."""
        if self.text_lines < rules["layout_min_text_lines"]:
            return True  # nothing read: no claim
        return self.two_columns or self.red_mm2 >= rules["layout_red_mm2"]


def read_header(rgb: np.ndarray, px_per_mm: float, rules: dict[str, Any]) -> Header:
    """The header zone's text-line segments and whether two of them stand side by side."""
    height, width = rgb.shape[:2]
    margin = int(width * rules["layout_side_margin"])  # scanner-lid shadows and punch holes live here
    top = rgb[: int(height * rules["layout_header_zone"]), margin : width - margin]
    segments = _line_segments(cv2.cvtColor(top, cv2.COLOR_RGB2GRAY), px_per_mm, rules)
    two_columns = _side_by_side(segments, width - 2 * margin, px_per_mm, rules)
    return Header(len(segments), two_columns, _red_mm2(top, px_per_mm))


def _line_segments(band: np.ndarray, px_per_mm: float, rules: dict[str, Any]) -> list[tuple[int, int, int, int]]:
    """Boxes (x, y, w, h) of text lines: ink closed horizontally across word gaps, of text height."""
    if band.size == 0:
        return []
    _, ink = cv2.threshold(band, 0, 255, cv2.THRESH_BINARY_INV | cv2.THRESH_OTSU)
    if np.count_nonzero(ink) > ink.size * rules["layout_max_ink_share"]:
        return []  # a dark or photographic top: Otsu splits shades, not ink from paper
    gap = max(3, round(rules["layout_word_gap_mm"] * px_per_mm))
    closed = cv2.morphologyEx(ink, cv2.MORPH_CLOSE, cv2.getStructuringElement(cv2.MORPH_RECT, (gap, 1)))
    count, _labels, stats, _ = cv2.connectedComponentsWithStats(closed, connectivity=8)
    low, high = (mm * px_per_mm for mm in rules["layout_line_height_mm"])
    min_width = rules["layout_min_line_mm"] * px_per_mm
    return [
        (int(x), int(y), int(w), int(h))
        for x, y, w, h, _area in stats[1:count]
        if low <= h <= high and w >= min_width and w >= 3 * h
    ]


def _side_by_side(
    segments: list[tuple[int, int, int, int]], width: int, px_per_mm: float, rules: dict[str, Any]
) -> bool:
    """A segment wholly in the left part and one wholly in the right part, on the same line,
    with paper between them, among the first lines of the page."""
    if not segments:
        return False
    top = min(y for _x, y, _w, _h in segments)
    reach = top + rules["layout_header_depth_mm"] * px_per_mm
    first = [s for s in segments if s[1] <= reach]
    split = width / 2
    left = [s for s in first if s[0] + s[2] <= split + rules["layout_centre_slack"] * width]
    right = [s for s in first if s[0] >= split - rules["layout_centre_slack"] * width]
    min_gap = rules["layout_column_gap_mm"] * px_per_mm
    for lx, ly, lw, lh in left:
        for rx, ry, _rw, rh in right:
            overlap = min(ly + lh, ry + rh) - max(ly, ry)
            if overlap >= 0.5 * min(lh, rh) and rx - (lx + lw) >= min_gap:
                return True
    return False


def _red_mm2(rgb: np.ndarray, px_per_mm: float) -> float:
    step = max(1, round(px_per_mm / 2))  # about 2 px/mm is enough to measure an area of ink
    sample = np.ascontiguousarray(rgb[::step, ::step])
    return float(cv2.countNonZero(red_mask(sample))) * (step / px_per_mm) ** 2

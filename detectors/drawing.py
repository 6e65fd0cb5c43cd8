"""How a page with few words looks: a technical drawing, a picture, or neither.

A technical drawing (floor plan, survey extract) is thin dark strokes on white paper: mostly
paper, grey ink, few filled areas, and long straight *solid* strokes in both directions
(walls, a frame, a title block). A photo, a painting or a screenshot is not paper at all, or
its content is colourful or made of filled areas (a dithered black-and-white photo is); a
barcode's bars run one way only; rows of text have gaps between letters, so no solid stroke
survives. Long straight edges alone (Hough lines) prove nothing: photos and text rows have them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import cv2
import numpy as np

from .blank import ink_contrast

NAME = "drawing"


@dataclass(frozen=True, slots=True)
class PageLook:
    """Evidence from a page's pixels, at about 100 dpi."""

    paper_share: float  # share of the page that is plain paper (bright, near the local paper level, grey)
    colourfulness: float  # Hasler-Süsstrunk, of what is not paper: ~0 black ink, 40+ vivid pictures
    solid_share: float  # share of the ink in filled areas thicker than a stroke (photos, blocks)
    horizontal_lines: int  # thin solid horizontal strokes at least `min_stroke_mm` long
    vertical_lines: int

    def is_picture(self, rules: dict[str, Any]) -> bool:
        """A photo, painting or screenshot rather than a paper document."""
        return self.paper_share < rules["picture_max_paper_share"] or (
            self.colourfulness >= rules["picture_min_colourfulness"]
            and self.paper_share < rules["drawing_min_paper_share"]
        )

    def is_drawing(self, rules: dict[str, Any]) -> bool:
        return (
            not self.is_picture(rules)
            and self.paper_share >= rules["drawing_min_paper_share"]
            and self.colourfulness < rules["drawing_max_colourfulness"]
            and self.solid_share < rules["drawing_max_solid_share"]
            and min(self.horizontal_lines, self.vertical_lines) >= 2
            and self.horizontal_lines + self.vertical_lines >= rules["drawing_min_lines"]
        )

    def to_dict(self) -> dict[str, float]:
        return {
            "paper_share": self.paper_share,
            "colourfulness": self.colourfulness,
            "solid_share": self.solid_share,
            "horizontal_lines": self.horizontal_lines,
            "vertical_lines": self.vertical_lines,
        }


def colourfulness(rgb: np.ndarray) -> float:
    """Hasler and Süsstrunk (2003): spread and mean of the opponent colour channels (pixels × 3)."""
    if rgb.size == 0:
        return 0.0
    r, g, b = (rgb[..., i].astype(np.float32) for i in range(3))
    rg, yb = r - g, 0.5 * (r + g) - b
    return float(np.hypot(rg.std(), yb.std()) + 0.3 * np.hypot(rg.mean(), yb.mean()))


def look(
    rgb: np.ndarray,
    px_per_mm: float,
    scanned: bool,
    blank_rules: dict[str, Any],
    rules: dict[str, Any],
) -> PageLook:
    """`rules`: the classifier's (drawing_*); `blank_rules`: how ink is told from paper."""
    gray = cv2.cvtColor(rgb, cv2.COLOR_RGB2GRAY)
    diff, threshold, _paper, _background = ink_contrast(gray, px_per_mm, scanned, blank_rules)
    h, w = gray.shape
    bright = float(np.percentile(gray[h // 10 : h - h // 10, w // 10 : w - w // 10], 95))
    # Paper: near its local paper level and bright for this page (a texture's or a photo's
    # mid-tones are not paper even where they are locally flat). Tinted paper is paper. The
    # page's brightness is taken inside its border: the white a scanner or a skew leaves around
    # a dark sheet is not the sheet.
    paper = (diff <= threshold) & (gray >= 0.7 * bright)
    ink = ((diff > threshold) * 255).astype(np.uint8)
    length = max(3, int(rules["drawing_min_stroke_mm"] * px_per_mm))
    thickness = max(2, int(rules["drawing_max_stroke_width_mm"] * px_per_mm))
    edge = rules["drawing_edge_mm"] * px_per_mm
    filled = cv2.morphologyEx(ink, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, (thickness, thickness)))
    ink_pixels = max(1, cv2.countNonZero(ink))
    return PageLook(
        round(float(paper.mean()), 3),
        round(colourfulness(rgb[~paper]), 1),
        round(cv2.countNonZero(filled) / ink_pixels, 3),
        _strokes(ink, length, thickness, edge, horizontal=True),
        _strokes(ink, length, thickness, edge, horizontal=False),
    )


def _strokes(ink: np.ndarray, length: int, thickness: int, edge: float, *, horizontal: bool) -> int:
    """Thin solid straight strokes at least `length` long: an opening keeps runs of ink that
    long; filled shapes (a silhouette, a dark photo region) survive it too, so they are
    dropped by their thickness. A stroke within `edge` of the image's border along its length
    is the sheet's edge or a page border, not a line of the drawing (a frame is drawn inside
    the sheet's margins)."""
    kernel = cv2.getStructuringElement(cv2.MORPH_RECT, (length, 1) if horizontal else (1, length))
    solid = cv2.morphologyEx(ink, cv2.MORPH_OPEN, kernel)
    _count, _labels, stats, _centroids = cv2.connectedComponentsWithStats(solid, connectivity=8)
    across = stats[1:, cv2.CC_STAT_HEIGHT if horizontal else cv2.CC_STAT_WIDTH]
    start = stats[1:, cv2.CC_STAT_TOP if horizontal else cv2.CC_STAT_LEFT]
    extent = ink.shape[0 if horizontal else 1]
    inside = (start >= edge) & (start + across <= extent - edge)
    return int(((across <= thickness) & inside).sum())

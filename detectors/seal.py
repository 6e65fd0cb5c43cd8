"""Red official seals: round or elliptical rings of red/red-orange ink of seal size.

OpenCV's hue wraps around 0, and Vietnamese seals are red-orange, so two hue ranges are
used (the classic 150-179 range alone misses them). Supporting evidence only: certified
input copies and notarised contracts carry seals too.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

NAME = "seal"

SEAL_DIAMETER_MM = (22.0, 50.0)  # official round seals are ~30-42 mm
# A ring broken by text and signature strokes: fragments this close are one, its outermost pixels
# (beyond this share of the radius) cover this share of the circle's sectors, and red covers at
# most this share of the disc (a seal is a ring and letters, not a filled disc).
RING_GAP_MM = 4.0
RING_OUTER_SHARE = 0.85
RING_SECTORS = 36
RING_MIN_COVER = 0.75
RING_MAX_FILL = 0.6


@dataclass(frozen=True, slots=True)
class Seal:
    centre_mm: tuple[float, float]
    diameter_mm: float


def red_mask(rgb: np.ndarray) -> np.ndarray:
    hsv = cv2.cvtColor(rgb, cv2.COLOR_RGB2HSV)
    low = cv2.inRange(hsv, (0, 70, 60), (12, 255, 255))
    high = cv2.inRange(hsv, (160, 70, 60), (180, 255, 255))
    return cv2.bitwise_or(low, high)


def find_seals(rgb: np.ndarray, px_per_mm: float) -> tuple[Seal, ...]:
    """Seals on an RGB page image (about 100 dpi is plenty)."""
    mask = red_mask(rgb)
    if cv2.countNonZero(mask) < (SEAL_DIAMETER_MM[0] * px_per_mm) ** 2 * 0.05:
        return ()
    k = max(3, round(1.5 * px_per_mm) | 1)
    closed = cv2.morphologyEx(mask, cv2.MORPH_CLOSE, cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (k, k)))
    contours, _ = cv2.findContours(closed, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_SIMPLE)
    lo, hi = (d * px_per_mm for d in SEAL_DIAMETER_MM)
    seals = []
    for contour in contours:
        if len(contour) < 5:
            continue
        (cx, cy), (a, b), _angle = cv2.fitEllipse(contour)
        major, minor = max(a, b), min(a, b)
        if not (lo <= major <= hi and minor >= 0.7 * major):
            continue
        hull_area = cv2.contourArea(cv2.convexHull(contour))
        if hull_area < 0.75 * np.pi * major * minor / 4:  # not round enough: a red signature or text
            continue
        seals.append(Seal((round(cx / px_per_mm, 1), round(cy / px_per_mm, 1)), round(major / px_per_mm, 1)))
    return tuple(seals) or _broken_rings(mask, px_per_mm)


def _broken_rings(mask: np.ndarray, px_per_mm: float) -> tuple[Seal, ...]:
    """Seals whose ring the signer's title and signature cut into pieces (Decree 30 stamps the seal
    over a third of the signature): red fragments within a few millimetres of each other, whose
    outermost pixels run round most of a circle of seal size, hollow inside (not a red disc or a
    block of red text: a square's outermost pixels lie only at its corners)."""
    lo, hi = (d * px_per_mm for d in SEAL_DIAMETER_MM)
    k = max(3, round(RING_GAP_MM * px_per_mm) | 1)
    grouped = cv2.dilate(mask, cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (k, k)))
    count, labels, stats, _ = cv2.connectedComponentsWithStats(grouped, connectivity=8)
    seals = []
    for i in range(1, count):
        x, y, w, h = stats[i, :4]
        if not lo <= max(w, h) - k <= hi:
            continue
        ys, xs = np.nonzero(mask[y : y + h, x : x + w] & (labels[y : y + h, x : x + w] == i))
        if len(xs) < 20:
            continue
        (cx, cy), radius = cv2.minEnclosingCircle(np.stack([xs, ys], axis=1).astype(np.float32))
        if not lo <= 2 * radius <= hi or len(xs) > RING_MAX_FILL * np.pi * radius**2:
            continue
        outer = np.hypot(xs - cx, ys - cy) >= RING_OUTER_SHARE * radius
        angles = np.arctan2(ys[outer] - cy, xs[outer] - cx)
        sectors = np.unique(((angles + np.pi) / (2 * np.pi) * RING_SECTORS).astype(int) % RING_SECTORS)
        if len(sectors) >= RING_MIN_COVER * RING_SECTORS:
            centre = (round(float(x + cx) / px_per_mm, 1), round(float(y + cy) / px_per_mm, 1))
            seals.append(Seal(centre, round(2 * radius / px_per_mm, 1)))
    return tuple(seals)

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
    return tuple(seals)

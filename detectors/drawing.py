"""Technical drawings (floor plans, survey extracts): few words, many long straight lines."""

from __future__ import annotations

import cv2
import numpy as np

NAME = "drawing"


def long_lines(gray: np.ndarray, px_per_mm: float, min_length_mm: float = 25.0) -> int:
    """Count long straight segments (walls, boundaries, frames) on a grey page."""
    ink = cv2.threshold(gray, 0, 255, cv2.THRESH_BINARY_INV + cv2.THRESH_OTSU)[1]
    segments = cv2.HoughLinesP(ink, 1, np.pi / 180, threshold=80, minLineLength=int(min_length_mm * px_per_mm),
                               maxLineGap=int(1.5 * px_per_mm))
    return 0 if segments is None else len(segments)

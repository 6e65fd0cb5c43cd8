"""Technical drawings (floor plans, survey extracts): few words, many long straight lines."""

from __future__ import annotations

from typing import Any

import cv2
import numpy as np

from .blank import ink_contrast

NAME = "drawing"


def long_lines(gray: np.ndarray, px_per_mm: float, scanned: bool, rules: dict[str, Any],
               min_length_mm: float = 25.0) -> int:
    """Count long straight segments (walls, boundaries, frames) in the page's ink.

    The ink is found as the blank detector finds it (relative to the local paper, above the
    noise), so paper grain on a bad scan does not turn into lines.
    """
    diff, threshold, _, _ = ink_contrast(gray, px_per_mm, scanned, rules)
    ink = ((diff > threshold) * 255).astype(np.uint8)
    segments = cv2.HoughLinesP(ink, 1, np.pi / 180, threshold=80, minLineLength=int(min_length_mm * px_per_mm),
                               maxLineGap=int(1.0 * px_per_mm))
    return 0 if segments is None else len(segments)

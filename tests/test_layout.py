"""The layout probe (detectors.layout): where a result may start, without OCR.

Pages are drawn as text-line boxes on paper at 150 dpi, in the places Decree 30 and the
citizen's forms put them; the probe must tell an issuer's two-column header from a centred
motto and from body text, and claim nothing on a page without upright text lines."""

from __future__ import annotations

import cv2
import numpy as np
import pytest
from resultcheck.detectors import layout

from resultcheck.config import Rules

PX_PER_MM = 150 / 25.4
RULES = Rules.load().section("classify")
A4 = (297, 210)

# text lines as (left mm, top mm, width mm, height mm)
TWO_COLUMN_HEADER = [(25, 15, 60, 4), (35, 21, 40, 4), (40, 29, 30, 4), (100, 15, 95, 4), (115, 21, 65, 4)]
CENTRED_MOTTO = [(55, 15, 100, 4), (75, 21, 60, 4), (70, 35, 70, 5)]
BODY_TEXT = [(25, 15 + 7 * i, 165, 3.5) for i in range(8)]
FORM_LINES = [(55, 15, 100, 4), (75, 21, 60, 4), *[(25, 40 + 8 * i, 165, 3.5) for i in range(4)]]
SIDEWAYS = [(25 + 7 * i, 15, 3.5, 160) for i in range(8)]  # text turned 90°: vertical lines


def page(lines: list[tuple[float, float, float, float]], red_box: tuple[float, ...] | None = None) -> np.ndarray:
    h, w = (round(mm * PX_PER_MM) for mm in A4)
    rgb = np.full((h, w, 3), 245, np.uint8)
    for left, top, width, height in lines:  # a line of words: dark strokes with small gaps
        x0, y0 = round(left * PX_PER_MM), round(top * PX_PER_MM)
        x1, y1 = round((left + width) * PX_PER_MM), round((top + height) * PX_PER_MM)
        for x in range(x0, x1, round(2.5 * PX_PER_MM)):
            cv2.rectangle(rgb, (x, y0), (min(x1, x + round(2 * PX_PER_MM)), y1), (30, 30, 30), -1)
    if red_box is not None:
        cx, cy, r = (round(v * PX_PER_MM) for v in red_box)
        cv2.circle(rgb, (cx, cy), r, (210, 40, 40), round(1.2 * PX_PER_MM))
    return rgb


@pytest.mark.parametrize(
    ("name", "lines", "red", "two_columns", "may_start"),
    [
        ("issuer beside the motto (Decree 30)", TWO_COLUMN_HEADER, None, True, True),
        ("centred motto of an application", CENTRED_MOTTO + BODY_TEXT[3:], None, False, False),
        ("continuation page: body text", BODY_TEXT, None, False, False),
        ("form lines under a centred motto", FORM_LINES, None, False, False),
        ("centred header with a red emblem (land-use certificate)", FORM_LINES, (105, 30, 12), False, True),
        ("sideways text: no claim", SIDEWAYS, None, False, True),
        ("empty top: no claim", [], None, False, True),
    ],
)
def test_where_a_result_may_start(name, lines, red, two_columns, may_start) -> None:
    header = layout.read_header(page(lines, red), PX_PER_MM, RULES)
    assert header.two_columns is two_columns, name
    assert header.may_start_result(RULES) is may_start, name


def test_a_dark_photographic_top_claims_no_text_lines() -> None:
    rng = np.random.default_rng(1)
    photo = rng.integers(0, 255, (*(round(mm * PX_PER_MM) for mm in A4), 3), dtype=np.uint8)
    header = layout.read_header(photo, PX_PER_MM, RULES)
    assert header.text_lines == 0 and header.may_start_result(RULES)

"""Is a rendered page blank? Pixels only: OCR never decides blankness.

Fixed grey levels fail on recycled paper and under-exposed scans (NAPS2, Stirling-PDF), so
ink is measured against the page's own local paper level and noise. Specks, dust, the
scanner's edge shadow, staples and punch holes are removed by size, shape and position,
the centre weighs more than the margins, and a lone page number does not count.

A scan whose marks are all the sheet's or the scanner's (streaks of a dirty drum running along
the page, the edges of the sheet or of the pages under it, a row of punch or binding holes) is
blank when no text line is left: text is rows of glyph-sized marks side by side; those marks are
lines across the whole page, thin marks hugging an edge, or identical marks spaced along one.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import cv2
import numpy as np

NAME = "blank"
VERSION = "4"


@dataclass(frozen=True, slots=True)
class PageInk:
    """Evidence about the ink on one page."""

    blank: bool
    code: str  # BLANK_EMPTY_PAGE, BLANK_NOISE_ONLY, BLANK_PAGE_NUMBER_ONLY,
    # BLANK_SHOW_THROUGH, BLANK_SCAN_ARTEFACTS, CONTENT_INK
    ink_mm2: float  # centre-weighted ink area that counted as content
    components: int  # content components kept
    paper_level: int  # estimated paper grey level (0-255)
    contrast_threshold: float  # grey levels below the paper that made a pixel ink
    content_box_mm: tuple[float, float, float, float] | None = None  # x, y, w, h of kept ink


def ink_contrast(
    gray: np.ndarray, px_per_mm: float, scanned: bool, rules: dict[str, Any]
) -> tuple[np.ndarray, float, int, np.ndarray]:
    """Darkness below the local paper, the ink threshold, the paper level and the background."""
    h, w = gray.shape
    image = cv2.medianBlur(gray, 3) if scanned else gray
    background = paper_background(image, px_per_mm)
    diff = cv2.subtract(background, image)  # how much darker than the local paper, saturating at 0

    core = diff[h // 10 : h - h // 10 : 2, w // 10 : w - w // 10 : 2]
    paper_level = int(np.median(background))
    offset = float(np.median(core))
    sigma = 1.4826 * float(np.median(np.abs(core.astype(np.float32) - offset)))
    threshold = max(rules["min_contrast"], offset + rules["noise_sigmas"] * sigma)
    if scanned:
        threshold = max(threshold, rules["paper_fraction"] * paper_level)
    return diff, threshold, paper_level, background


def judge_page(gray: np.ndarray, px_per_mm: float, scanned: bool, rules: dict[str, Any]) -> PageInk:
    """Judge one grey page. `scanned` pages may carry paper noise and show-through."""
    h, w = gray.shape
    diff, threshold, paper_level, _ = ink_contrast(gray, px_per_mm, scanned, rules)
    kept, kept_weights = _content_components(
        diff > threshold, px_per_mm, scanned, rules, strong=diff > threshold * rules["strong_factor"]
    )
    real = _not_dust(kept, px_per_mm, rules)
    if scanned:
        real &= ~_streaks(kept, w, h, px_per_mm, rules)
    marks, weights = kept[real], kept_weights[real]
    ink_mm2 = float((marks[:, cv2.CC_STAT_AREA] * weights).sum()) / px_per_mm**2
    height_mm = h / px_per_mm

    in_band = _in_page_number_band(kept, px_per_mm, height_mm, rules)
    if in_band.any() and in_band[real].all():  # nothing outside the header/footer bands
        folio = in_band & real if (in_band & real).any() else in_band  # a lone digit has no neighbour
        box = _union_box_mm(kept[folio], px_per_mm)
        if _is_page_number(box, rules):
            return PageInk(
                True, "BLANK_PAGE_NUMBER_ONLY", round(ink_mm2, 2), len(marks), paper_level, round(threshold, 1), box
            )
    largest_mm = float(np.maximum(marks[:, 2], marks[:, 3]).max()) / px_per_mm if len(marks) else 0.0
    structured = len(marks) >= rules["min_marks"] or largest_mm >= rules["single_mark_min_extent_mm"]
    if ink_mm2 < rules["min_ink_mm2"] or not structured:
        code = "BLANK_EMPTY_PAGE" if not diff.any() else "BLANK_NOISE_ONLY"
        if scanned and code == "BLANK_NOISE_ONLY" and _has_faint_text(diff, threshold, px_per_mm, rules):
            code = "BLANK_SHOW_THROUGH"
        return PageInk(True, code, round(ink_mm2, 2), len(marks), paper_level, round(threshold, 1))
    if scanned and _only_scan_artefacts(kept, real, kept_weights, w, h, px_per_mm, rules):
        return PageInk(True, "BLANK_SCAN_ARTEFACTS", round(ink_mm2, 2), len(marks), paper_level, round(threshold, 1))
    return PageInk(
        False,
        "CONTENT_INK",
        round(ink_mm2, 2),
        len(marks),
        paper_level,
        round(threshold, 1),
        _union_box_mm(marks, px_per_mm),
    )


def _only_scan_artefacts(
    kept: np.ndarray, real: np.ndarray, weights: np.ndarray, w: int, h: int, px_per_mm: float, rules: dict[str, Any]
) -> bool:
    """Every mark that counted is the sheet's or the scanner's, and no text line is left.

    Artefacts: page-long bands of marks (a dirty drum or roller, found among all kept marks, dust
    included, since a streak is mostly dots), thin marks hugging an edge (the sheet's edge, the
    pages under it, a fold's end) and rows of identical holes along an edge. What is left must be
    text (a row of glyph-sized marks) or an object as large as a signature or a seal to be content.
    """
    if real.sum() > rules["artefact_max_marks"]:  # a page of text: nothing to explain away
        return False
    artefact = _bands(kept, w, h, px_per_mm, rules) | _edge_marks(kept, w, h, px_per_mm, rules)
    artefact |= _hole_rows(kept, w, h, px_per_mm, rules)
    left = np.flatnonzero(real & ~artefact)
    rest = np.zeros(len(kept), dtype=bool)
    rest[left[_not_dust(kept[left], px_per_mm, rules)]] = True  # a streak's neighbour alone is dust
    if _text_lines(kept[rest], px_per_mm, rules):
        return False
    marks = kept[rest]
    ink_mm2 = float((marks[:, cv2.CC_STAT_AREA] * weights[rest]).sum()) / px_per_mm**2
    largest_mm = float(np.maximum(marks[:, 2], marks[:, 3]).max()) / px_per_mm if len(marks) else 0.0
    return ink_mm2 < rules["min_ink_mm2"] or largest_mm < rules["single_mark_min_extent_mm"]


def _bands(kept: np.ndarray, w: int, h: int, px_per_mm: float, rules: dict[str, Any]) -> np.ndarray:
    """Marks on a narrow line running along the page (small skew allowed), with clean paper beside it.

    A band spans much of the page and reaches into the margin at one end at least: a line of text,
    read either way (a page scanned sideways), stops at the page's margins; a band mostly of dashes
    longer than a word need not reach an edge. Beside a column or row of letters there are more
    letters; beside a streak, clean paper. Every narrow mark centred in a band belongs to it.
    """
    n = len(kept)
    out = np.zeros(n, dtype=bool)
    if n < rules["band_min_marks"]:
        return out
    x, y, bw, bh = (kept[:, i].astype(np.float64) for i in range(4))
    cx, cy = x + bw / 2, y + bh / 2
    band = rules["band_mm"] * px_per_mm
    reach = rules["band_edge_reach_mm"] * px_per_mm
    flank = rules["band_flank_mm"] * px_per_mm
    steps = round(rules["band_max_skew_deg"] / rules["band_skew_step_deg"])
    for horizontal in (True, False):
        start, end, length = (x, x + bw, w) if horizontal else (y, y + bh, h)
        narrow = (bh if horizontal else bw) <= rules["band_max_across_mm"] * px_per_mm
        stroke = (end - start) >= rules["band_dash_min_mm"] * px_per_mm  # longer than a word, or words run together
        min_span = rules["band_min_span"][0 if horizontal else 1] * length
        for k in range(-steps, steps + 1):
            slope = np.tan(np.radians(k * rules["band_skew_step_deg"]))
            v = cy - slope * cx if horizontal else cx - slope * cy
            bins = np.floor(v / band).astype(int)
            for b in np.unique(bins[narrow]):
                members = narrow & ((bins == b) | (bins == b + 1))
                if members.sum() < rules["band_min_marks"]:
                    continue
                lo, hi = start[members].min(), end[members].max()
                stroked = (end - start)[members & stroke].sum() >= 0.5 * (hi - lo)  # dashes, not letters
                if hi - lo < min_span or (lo > reach and hi < length - reach and not stroked):
                    continue  # short, or a row of letters stopping short of both edges at the margins
                order = np.argsort(start[members])
                covered = np.maximum.accumulate(end[members][order])
                if (start[members][order][1:] - covered[:-1]).max(initial=0) > rules["band_max_gap"] * length:
                    continue
                low, high = v[members].min() - band / 2, v[members].max() + band / 2
                inside = narrow & (v >= low) & (v <= high)
                beside = ((v >= low - flank) & (v < low)) | ((v > high) & (v <= high + flank))
                if beside.sum() <= rules["band_max_flank_share"] * inside.sum():
                    out |= inside
    return out


def _edge_marks(kept: np.ndarray, w: int, h: int, px_per_mm: float, rules: dict[str, Any]) -> np.ndarray:
    """Thin marks lying along an edge, inside the edge zone: the sheet's edge, pages under it, a fold's end."""
    x, y, bw, bh = (kept[:, i].astype(np.float64) for i in range(4))
    zone, aspect = rules["edge_zone_mm"] * px_per_mm, rules["edge_min_aspect"]
    along_x = (bw >= aspect * bh) & ((y + bh <= zone) | (y >= h - zone))
    along_y = (bh >= aspect * bw) & ((x + bw <= zone) | (x >= w - zone))
    return along_x | along_y


def _hole_rows(kept: np.ndarray, w: int, h: int, px_per_mm: float, rules: dict[str, Any]) -> np.ndarray:
    """Two or more identical marks near one edge, at one distance from it, spaced far apart: punch or
    binding holes (round or oblong). Letters of a line touch their neighbours; holes do not. A
    fastener may leave two or three touching marks (a clip's jaws, a staple's ends): marks closer
    than `hole_part_gap_mm` are judged together, as one. A lone round mark close to an edge is a
    hole too: the others of its row may be lighter than the ink threshold (a ring on a shadowed
    rim) or lost in the lid's shadow."""
    out = np.zeros(len(kept), dtype=bool)
    if not len(kept):
        return out
    lo, hi = (d * px_per_mm for d in rules["hole_row_size_mm"])
    x, y, bw, bh = (kept[:, i].astype(np.float64) for i in range(4))
    to_edge = np.minimum.reduce([x, y, w - x - bw, h - y - bh])
    # parts: small marks near an edge (a sheet's edge running past a hole stays apart)
    parts = np.flatnonzero((np.maximum(bw, bh) <= hi) & (to_edge <= rules["hole_row_band_mm"] * px_per_mm))
    roots = np.arange(len(kept))
    if 1 < len(parts) <= rules["artefact_max_marks"]:
        near = _gaps(kept[parts]) <= rules["hole_part_gap_mm"] * px_per_mm
        roots[parts] = parts[_union(len(parts), *np.nonzero(np.triu(near, 1)))]
    _, member_of = np.unique(roots, return_inverse=True)
    x0, y0 = (np.full(member_of.max() + 1, np.inf) for _ in range(2))
    x1, y1 = (np.zeros(member_of.max() + 1) for _ in range(2))
    np.minimum.at(x0, member_of, kept[:, 0])
    np.minimum.at(y0, member_of, kept[:, 1])
    np.maximum.at(x1, member_of, kept[:, 0] + kept[:, 2])
    np.maximum.at(y1, member_of, kept[:, 1] + kept[:, 3])
    x, y, bw, bh = x0, y0, x1 - x0, y1 - y0
    size = np.maximum(bw, bh)
    cx, cy = x + bw / 2, y + bh / 2
    tolerance = rules["hole_row_size_tolerance"]
    in_row = np.zeros(len(x), dtype=bool)
    for depth, along in ((cy, cx), (h - cy, cx), (cx, cy), (w - cx, cy)):
        candidate = (size >= lo) & (size <= hi) & (depth <= rules["hole_row_band_mm"] * px_per_mm)
        for i in np.flatnonzero(candidate):
            same = candidate & (np.abs(bw - bw[i]) <= tolerance * bw[i]) & (np.abs(bh - bh[i]) <= tolerance * bh[i])
            skew = np.tan(np.radians(rules["band_max_skew_deg"])) * np.abs(along - along[i])  # a skewed sheet
            aligned = np.abs(depth - depth[i]) <= rules["hole_row_align_mm"] * px_per_mm + skew
            same &= aligned
            spacing = np.diff(np.sort(along[same]))
            # clean paper between the holes: two alike letters of a line have other letters between them
            between = aligned & ~same & (along > along[same].min()) & (along < along[same].max())
            if len(spacing) and spacing.min() >= rules["hole_row_min_spacing"] * size[i]:
                in_row |= same & ~(between & (size >= 0.5 * size[i])).any()
    # a lone hole, filled or a ring, with clean paper around it (a letter has neighbours)
    round_mark = (size >= lo) & (size <= hi) & (np.abs(bw - bh) <= 0.25 * size)
    round_mark &= np.minimum.reduce([cx, cy, w - cx, h - cy]) <= rules["punch_hole_band_mm"] * px_per_mm
    lone = np.flatnonzero(round_mark & ~in_row)
    if len(lone):
        in_row[lone] = _gaps(np.stack([x, y, bw, bh], axis=1), lone).min(axis=1) >= size[lone]
    out[in_row[member_of]] = True
    return out


def _text_lines(kept: np.ndarray, px_per_mm: float, rules: dict[str, Any]) -> int:
    """Rows of glyph-sized marks of similar height, overlapping vertically and side by side (a gap of at
    most about a letter's height): text lines, read horizontally or (a page scanned sideways) vertically."""
    lines = 0
    lo, hi = (d * px_per_mm for d in rules["glyph_height_mm"])
    for start_col, size_col, top_col, height_col in ((0, 2, 1, 3), (1, 3, 0, 2)):
        glyph = (kept[:, height_col] >= lo) & (kept[:, height_col] <= hi)
        if glyph.sum() < rules["line_min_marks"]:
            continue
        g = kept[glyph].astype(np.float64)
        a0, a1 = g[:, start_col], g[:, start_col] + g[:, size_col]
        c0, t = g[:, top_col], g[:, height_col]
        overlap = np.minimum(c0[:, None] + t[:, None], c0 + t) - np.maximum(c0[:, None], c0)
        small, big = np.minimum(t[:, None], t), np.maximum(t[:, None], t)
        gap = np.maximum(a0[:, None] - a1, a0 - a1[:, None])
        link = (overlap >= rules["line_min_overlap"] * small) & (big <= rules["line_max_height_ratio"] * small)
        link &= gap <= rules["line_max_gap"] * big
        roots = _union(len(g), *np.nonzero(np.triu(link, 1)))
        lines += int((np.bincount(roots) >= rules["line_min_marks"]).sum())
    return lines


def _union(n: int, left: np.ndarray, right: np.ndarray) -> np.ndarray:
    """Connected groups of n items linked pairwise: each item's group root."""
    parent = list(range(n))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for i, j in zip(left.tolist(), right.tolist(), strict=True):
        parent[root(i)] = root(j)
    return np.array([root(i) for i in range(n)], dtype=np.int64)


def _streaks(kept: np.ndarray, w: int, h: int, px_per_mm: float, rules: dict[str, Any]) -> np.ndarray:
    """Marks of a dirty drum or roller: several small marks in one narrow, isolated band along the page.

    Letters in a band of a text page have letters beside them; a streak has clean paper beside
    it, and its dots are thinner than letters; one solid line (a table rule, a drawing) is one
    mark, not a streak.
    Once a band is a streak, every small mark centred in it belongs to the streak.
    """
    streak = np.zeros(len(kept), dtype=bool)
    if len(kept) < rules["streak_min_marks"]:
        return streak
    x, y, bw, bh = (kept[:, i].astype(np.float64) for i in range(4))
    band = rules["streak_band_mm"] * px_per_mm
    blob = rules["streak_max_blob_mm"] * px_per_mm
    for centre, across, start, length, page, widest in (
        (x + bw / 2, bw, y, bh, h, rules["streak_max_width_mm"][0]),  # vertical streaks
        (y + bh / 2, bh, x, bw, w, rules["streak_max_width_mm"][1]),
    ):  # horizontal ones
        thin = across <= widest * px_per_mm
        bins = (centre // band).astype(int)
        for b in np.unique(bins[thin]):
            members = thin & ((bins == b) | (bins == b + 1))
            if members.sum() < rules["streak_min_marks"]:
                continue
            # a streak stands alone: beside it the paper is clean (beside a column of letters, more letters)
            flanks = ((bins >= b - 2) & (bins < b)) | ((bins > b + 1) & (bins <= b + 3))
            if flanks.sum() > rules["streak_max_flank_share"] * members.sum():
                continue
            span = (start[members] + length[members]).max() - start[members].min()
            if span >= rules["streak_min_span"] * page:
                lo, hi = centre[members].min() - band / 2, centre[members].max() + band / 2
                streak |= (centre >= lo) & (centre <= hi) & (np.maximum(bw, bh) <= blob)
    return streak


def _not_dust(kept: np.ndarray, px_per_mm: float, rules: dict[str, Any]) -> np.ndarray:
    """Marks that are large, or have another mark nearby. Isolated small blobs are dust."""
    n = len(kept)
    if n > 300:  # a text page: no need to look for isolation
        return np.ones(n, dtype=bool)
    near = (_gaps(kept) <= rules["neighbour_mm"] * px_per_mm).any(axis=1) if n > 1 else np.zeros(n, dtype=bool)
    large = np.maximum(kept[:, 2], kept[:, 3]) >= rules["single_mark_min_extent_mm"] * px_per_mm
    return near | large


def _gaps(kept: np.ndarray, rows: np.ndarray | None = None) -> np.ndarray:
    """Gap between the boxes of the marks `rows` (all by default) and every mark's box (0 when they
    overlap; infinite to itself): one row per mark of `rows`."""
    rows = np.arange(len(kept)) if rows is None else rows
    x0, y0 = kept[:, 0].astype(np.float64), kept[:, 1].astype(np.float64)
    x1, y1 = x0 + kept[:, 2], y0 + kept[:, 3]
    gap_x = np.maximum(0, np.maximum(x0[rows, None] - x1[None, :], x0[None, :] - x1[rows, None]))
    gap_y = np.maximum(0, np.maximum(y0[rows, None] - y1[None, :], y0[None, :] - y1[rows, None]))
    gap = np.maximum(gap_x, gap_y)
    gap[np.arange(len(rows)), rows] = np.inf
    return gap


def paper_background(image: np.ndarray, px_per_mm: float) -> np.ndarray:
    """Local paper level: the brightest values within ~6 mm, computed at 1/8 scale and smoothed.

    This follows gradients, grey paper and dark scans, where a fixed level would not.
    """
    h, w = image.shape
    factor = 8
    small = cv2.resize(image, (max(1, w // factor), max(1, h // factor)), interpolation=cv2.INTER_AREA)
    k = max(3, round(6 * px_per_mm / factor) | 1)
    kernel = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (k, k))
    local_max = cv2.dilate(small, kernel)
    smooth = cv2.blur(local_max, (k, k))
    return cv2.resize(smooth, (w, h), interpolation=cv2.INTER_LINEAR)


def _content_components(
    ink: np.ndarray, px_per_mm: float, scanned: bool, rules: dict[str, Any], strong: np.ndarray | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """Connected components that are content, with their centre weights.

    With `strong`, a component is kept only if it contains at least one strong pixel.
    """
    h, w = ink.shape
    count, labels, stats, _centroids = cv2.connectedComponentsWithStats(ink.astype(np.uint8), connectivity=8)
    if count <= 1:
        return stats[1:], np.zeros(0)
    keep = np.ones(count, dtype=bool)
    if strong is not None:
        keep[:] = False
        keep[np.unique(labels[strong & ink])] = True
    keep, stats = keep[1:], stats[1:]  # label 0 is the background
    x, y, bw, bh, area = (stats[:, i] for i in range(5))

    keep &= area >= rules["min_component_mm2"] * px_per_mm**2
    keep &= np.maximum(bw, bh) >= rules["min_extent_mm"] * px_per_mm
    mx, my = rules["margin_fraction"] * w, rules["margin_fraction"] * h
    in_margin = (x + bw <= mx) | (x >= w - mx) | (y + bh <= my) | (y >= h - my)
    keep &= ~in_margin
    if scanned:  # edge shadows, dark scanner borders and a dark sheet's rim on a white lid touch the image border
        touch = max(1, round(rules["border_touch_mm"] * px_per_mm))
        keep &= ~((x < touch) | (y < touch) | (x + bw > w - touch) | (y + bh > h - touch))
        keep &= ~_punch_holes(stats, w, h, px_per_mm, rules)

    kept = stats[keep]
    cx, cy = kept[:, 0] + kept[:, 2] / 2, kept[:, 1] + kept[:, 3] / 2
    lo, hi = (1 - rules["central_fraction"]) / 2, (1 + rules["central_fraction"]) / 2
    central = (cx >= lo * w) & (cx <= hi * w) & (cy >= lo * h) & (cy <= hi * h)
    return kept, np.where(central, 1.0, rules["outer_weight"])


def _punch_holes(stats: np.ndarray, w: int, h: int, px_per_mm: float, rules: dict[str, Any]) -> np.ndarray:
    """Round, filled components of punch-hole size close to an edge."""
    x, y, bw, bh, area = (stats[:, i].astype(np.float64) for i in range(5))
    lo, hi = (d * px_per_mm for d in rules["punch_hole_diameter_mm"])
    band = rules["punch_hole_band_mm"] * px_per_mm
    round_shape = (np.abs(bw - bh) <= 0.25 * np.maximum(bw, bh)) & (area >= 0.6 * bw * bh) & (area <= 0.92 * bw * bh)
    sized = (bw >= lo) & (bw <= hi) & (bh >= lo) & (bh <= hi)
    near_edge = (x <= band) | (y <= band) | (x + bw >= w - band) | (y + bh >= h - band)
    return round_shape & sized & near_edge


def _has_faint_text(diff: np.ndarray, threshold: float, px_per_mm: float, rules: dict[str, Any]) -> bool:
    """Many text-sized marks just below the ink threshold: show-through from the back of the sheet.

    Only names the reason; the page is blank either way.
    """
    faint = diff > max(rules["min_contrast"] * 0.5, threshold * 0.35)
    kept, weights = _content_components(faint, px_per_mm, True, rules)
    area = float((kept[:, cv2.CC_STAT_AREA] * weights).sum()) / px_per_mm**2
    return len(kept) >= rules["show_through_min_marks"] and area >= rules["show_through_min_mm2"]


def _union_box_mm(kept: np.ndarray, px_per_mm: float) -> tuple[float, float, float, float]:
    x0, y0 = kept[:, 0].min(), kept[:, 1].min()
    x1, y1 = (kept[:, 0] + kept[:, 2]).max(), (kept[:, 1] + kept[:, 3]).max()
    return tuple(round(float(v) / px_per_mm, 1) for v in (x0, y0, x1 - x0, y1 - y0))  # type: ignore[return-value]


def _in_page_number_band(kept: np.ndarray, px_per_mm: float, height_mm: float, rules: dict[str, Any]) -> np.ndarray:
    band = rules["page_number_band"] * height_mm * px_per_mm
    top, bottom = kept[:, 1], kept[:, 1] + kept[:, 3]
    return (bottom <= band) | (top >= height_mm * px_per_mm - band)


def _is_page_number(box: tuple[float, float, float, float], rules: dict[str, Any]) -> bool:
    """The ink in the header/footer band is one small cluster: a page number or folio."""
    max_w, max_h = rules["page_number_max_mm"]
    return box[2] <= max_w and box[3] <= max_h

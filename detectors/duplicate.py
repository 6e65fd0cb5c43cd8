"""Is a result attachment one of the dossier's own input files, byte for byte or re-scanned?

Stages, cheapest first: the SHA-256; a 64-bit perceptual hash of the content-cropped first
page as a prefilter (text pages of one form collide, so it only rules out); then ORB
features with a RANSAC homography, and the ink of the two pages compared after alignment.
A re-scan at another dpi, noise, JPEG quality or skew covers >0.9 of the other's ink; a
different filled-in copy of the same form does not (names, numbers and dates differ). A copy
with something added (a certification stamp, a seal) still holds all of the input's ink.
Text-only documents (DOCX, RTF) are compared by their words and numbers.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from .keywords import fold

if TYPE_CHECKING:
    import numpy as np

# numpy and OpenCV are imported where pixels are compared: a scan worker holds fingerprints
# and loads them only for a dossier whose inputs are scans (it parses nothing itself).

NAME = "duplicate"
FINGERPRINT_DPI = 100


@dataclass(frozen=True, slots=True)
class PageFingerprint:
    """What is compared: the first content page as grey pixels, and/or its words."""

    sha256: str
    gray: np.ndarray | None = None  # ~100 dpi
    words: frozenset[str] = frozenset()
    numbers: frozenset[str] = frozenset()

    @property
    def phash(self) -> np.ndarray | None:
        return perceptual_hash(self.gray) if self.gray is not None else None


@dataclass(frozen=True, slots=True)
class Match:
    how: str  # identical | rescan | same_text
    score: float  # 1.0 for identical; ink coverage or word overlap otherwise
    inliers: int = 0


_WORD = re.compile(r"\w+", re.UNICODE)


def text_fingerprint(text: str) -> tuple[frozenset[str], frozenset[str]]:
    words = _WORD.findall(fold(text))
    return frozenset(w for w in words if len(w) > 1), frozenset(w for w in words if any(c.isdigit() for c in w))


def content_crop(gray: np.ndarray) -> np.ndarray:
    import cv2
    import numpy as np

    ink = cv2.GaussianBlur(gray, (5, 5), 0) < 200
    ys, xs = np.nonzero(ink)
    if len(xs) == 0:
        return gray
    return gray[max(0, ys.min() - 5) : ys.max() + 5, max(0, xs.min() - 5) : xs.max() + 5]


def perceptual_hash(gray: np.ndarray) -> np.ndarray:
    """64-bit DCT hash of the content-cropped page."""
    import cv2
    import numpy as np

    small = cv2.resize(content_crop(gray), (32, 32), interpolation=cv2.INTER_AREA).astype(np.float32)
    low = cv2.dct(small)[:8, :8]
    return (low > np.median(low.ravel()[1:])).ravel()


def same_page(a: np.ndarray, b: np.ndarray, rules: dict[str, Any]) -> tuple[int, float, float]:
    """(RANSAC inliers, share of b's ink found in a, share of a's ink found in b) after aligning b onto a."""
    import cv2
    import numpy as np

    orb = cv2.ORB_create(rules["orb_features"])  # type: ignore[attr-defined]
    ka, da = orb.detectAndCompute(a, None)
    kb, db = orb.detectAndCompute(b, None)
    if da is None or db is None or len(ka) < 10 or len(kb) < 10:
        return 0, 0.0, 0.0
    pairs = cv2.BFMatcher(cv2.NORM_HAMMING).knnMatch(da, db, k=2)
    good = [m for m, n in (p for p in pairs if len(p) == 2) if m.distance < 0.75 * n.distance]
    if len(good) < 10:
        return len(good), 0.0, 0.0
    src = np.array([ka[m.queryIdx].pt for m in good], dtype=np.float32)
    dst = np.array([kb[m.trainIdx].pt for m in good], dtype=np.float32)
    homography, mask = cv2.findHomography(dst, src, cv2.RANSAC, 4.0)
    if homography is None:
        return 0, 0.0, 0.0
    warped = cv2.warpPerspective(b, homography, (a.shape[1], a.shape[0]), borderValue=255)
    ink_a = cv2.threshold(a, 0, 1, cv2.THRESH_BINARY_INV + cv2.THRESH_OTSU)[1].astype(np.uint8)
    ink_b = cv2.threshold(warped, 0, 1, cv2.THRESH_BINARY_INV + cv2.THRESH_OTSU)[1].astype(np.uint8)
    kernel = np.ones((5, 5), np.uint8)
    near_a, near_b = cv2.dilate(ink_a, kernel), cv2.dilate(ink_b, kernel)
    b_in_a = cv2.countNonZero(cv2.bitwise_and(ink_b, near_a)) / max(1, cv2.countNonZero(ink_b))
    a_in_b = cv2.countNonZero(cv2.bitwise_and(ink_a, near_b)) / max(1, cv2.countNonZero(ink_a))
    return int(mask.sum()), b_in_a, a_in_b


def jaccard(a: frozenset[str], b: frozenset[str]) -> float:
    return len(a & b) / len(a | b) if a or b else 0.0


def compare(result: PageFingerprint, candidate: PageFingerprint, rules: dict[str, Any]) -> Match | None:
    """Does `result` duplicate `candidate`? None when it does not."""
    if result.sha256 == candidate.sha256:
        return Match("identical", 1.0)
    if result.gray is not None and candidate.gray is not None:
        import numpy as np

        distance = int(np.count_nonzero(result.phash != candidate.phash))
        if distance > rules["phash_max_distance"]:
            return None
        # All of the input is in the result; the result may add a little (a certification
        # stamp, a seal, a handwritten note) but is mostly the input.
        inliers, input_in_result, result_in_input = same_page(result.gray, candidate.gray, rules)
        if (
            inliers >= rules["min_inliers"]
            and input_in_result >= rules["min_coverage"]
            and result_in_input >= rules["min_coverage_of_result"]
        ):
            return Match("rescan", round(input_in_result, 3), inliers)
        return None
    if len(result.words) >= rules["min_words"] and len(candidate.words) >= rules["min_words"]:
        words, numbers = jaccard(result.words, candidate.words), jaccard(result.numbers, candidate.numbers)
        if words >= rules["min_word_overlap"] and (numbers >= rules["min_word_overlap"] or not result.numbers):
            return Match("same_text", round(words, 3))
    return None

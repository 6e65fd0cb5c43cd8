"""Genuine result or input component? Evidence from text, layout, seals and signatures, combined.

Per page, cheapest text first: the text layer (PDF, DOCX/ODT, RTF), else OCR of the title
zone, and the whole page only when the title zone does not settle it. The first page with
content decides; a later page is read only when that page is not a result (merged PDFs
append inputs after the result, or the other way round).
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass, field

from .config import Config
from .detectors import drawing, ocr, seal, signature
from .detectors.keywords import KeywordEvidence, Lexicon, Zones, find_cues, zones_from_lines
from .documents import Page, meaningful_letters
from .messages import reason
from .models import Category, Reason

TITLE_ZONE = 0.42        # top share of a page that holds the header, number, date and type name
SIGNING_ZONE = 0.50      # lower share where the signing block sits
OCR_DPI = 250
SEAL_DPI = 100
MAX_CLASSIFIED_PAGES = 3
TEXT_LAYER_TRUSTED_LETTERS = 200          # a text layer this long is the page's text
TEXT_LAYER_TRUSTED_LETTERS_SCANNED = 600  # on a scan, a shorter layer is often only a signature stamp


@dataclass
class PageEvidence:
    page: int
    keywords: KeywordEvidence
    source: str                       # text_layer | document | ocr_title | ocr
    words: int = 0
    seals: tuple[seal.Seal, ...] = ()
    drawing_lines: int = 0
    rotated: int = 0
    reasons: list[Reason] = field(default_factory=list)


@dataclass
class Classification:
    category: Category
    confidence: float
    document_type: str | None
    reasons: list[Reason]


class OcrBudget:
    """Seconds of OCR left for this file (Limits.ocr_seconds_per_file)."""

    def __init__(self, seconds: float) -> None:
        self.deadline = time.monotonic() + seconds

    def left(self) -> float:
        return self.deadline - time.monotonic()


class Classifier:
    def __init__(self, config: Config, lexicon: Lexicon) -> None:
        self.config = config
        self.lexicon = lexicon
        self.decide = lexicon.decide

    def classify(self, data: bytes, fmt: str, pages: list[Page]) -> Classification:
        budget = OcrBudget(self.config.limits.ocr_seconds_per_file)
        signatures = signature.find_signatures(data) if fmt == "pdf" else ()
        seen: list[PageEvidence] = []
        for page in pages[:MAX_CLASSIFIED_PAGES]:
            evidence = self._page_evidence(page, budget)
            page.forget_pixels()
            seen.append(evidence)
            if self._leans_result(evidence) or budget.left() <= 0:
                break
        return self._decide(seen, signatures, budget)

    # ------------------------------------------------------------ evidence per page

    def _page_evidence(self, page: Page, budget: OcrBudget) -> PageEvidence:
        letters = meaningful_letters(page.text)
        trusted = TEXT_LAYER_TRUSTED_LETTERS_SCANNED if page.has_raster else TEXT_LAYER_TRUSTED_LETTERS
        if page.text_between(0, 1) is None and not page.has_raster:  # DOCX, ODT, RTF, DOC: no geometry
            zones = zones_from_lines(page.text.splitlines())
            return PageEvidence(page.number, find_cues(zones, self.lexicon), "document", words=len(page.text.split()))
        if letters >= trusted:
            zones = Zones(_lines(page.text_between(0, TITLE_ZONE)), _lines(page.text_between(SIGNING_ZONE, 1)),
                          _lines(page.text))
            evidence = PageEvidence(page.number, find_cues(zones, self.lexicon), "text_layer",
                                    words=len(page.text.split()))
        else:
            evidence = self._ocr_evidence(page, budget, extra_lines=_lines(page.text))
        self._look_for_seals(page, evidence)
        return evidence

    def _ocr_evidence(self, page: Page, budget: OcrBudget, extra_lines: tuple[str, ...]) -> PageEvidence:
        n = page.number
        if not self.config.ocr:
            return PageEvidence(n, find_cues(Zones((), (), extra_lines), self.lexicon), "ocr",
                                reasons=[reason("OCR_DISABLED", ocr.NAME, page=n)])
        limits = self.config.limits
        raw = page.gray(OCR_DPI)
        gray = ocr.clean_for_ocr(raw, OCR_DPI / 25.4)
        timeout = lambda: max(1.0, min(limits.ocr_seconds_per_page, budget.left()))  # noqa: E731
        reasons: list[Reason] = []
        try:
            title = ocr.recognise(gray[: int(gray.shape[0] * TITLE_ZONE)], lang=self.config.ocr_language,
                                  timeout=timeout())
            rotated = 0
            title_cues = find_cues(Zones(tuple(line.text for line in title.lines), (), ()), self.lexicon).hits
            landscape = gray.shape[1] > gray.shape[0] * 1.1
            if (title.confident_words < 8 or landscape or not title_cues) and budget.left() > 0:
                # OSD on the full-resolution page: at 150 dpi its confidence in sideways scans is too low
                rotated = ocr.rotation_needed(raw, timeout=timeout())
                if rotated:  # clean again: the deskew of a sideways page is meaningless
                    gray = ocr.clean_for_ocr(ocr.rotate(raw, rotated), OCR_DPI / 25.4)
                    reasons.append(reason("PAGE_ROTATED", ocr.NAME, page=n, degrees=rotated))
                    title = ocr.recognise(gray[: int(gray.shape[0] * TITLE_ZONE)],
                                          lang=self.config.ocr_language, timeout=timeout())
            title_lines = tuple(line.text for line in title.lines)
            keywords = find_cues(Zones(title_lines, (), title_lines + extra_lines), self.lexicon)
            result = title
            if not self._settled(keywords) and budget.left() > 0:
                result = ocr.recognise(gray, lang=self.config.ocr_language, timeout=timeout())
                zones = Zones(tuple(line.text for line in result.lines if line.top < TITLE_ZONE),
                              tuple(line.text for line in result.lines if line.top >= SIGNING_ZONE),
                              tuple(line.text for line in result.lines) + extra_lines)
                keywords = find_cues(zones, self.lexicon)
        except ocr.OcrUnavailable as exc:
            return PageEvidence(n, find_cues(Zones((), (), extra_lines), self.lexicon), "ocr",
                                reasons=[reason("OCR_UNAVAILABLE", ocr.NAME, page=n, detail=str(exc))])
        if title.timed_out or result.timed_out:
            reasons.append(reason("LIMIT_OCR_PAGE_TIME", ocr.NAME, page=n, limit=limits.ocr_seconds_per_page))
        source = "ocr_title" if result is title else "ocr"
        seconds = title.seconds + (0 if result is title else result.seconds)
        reasons.append(reason("OCR_USED", ocr.NAME, page=n, words=result.words, seconds=round(seconds, 1),
                              data={"zone": "title" if result is title else "page",
                                    "confident_words": result.confident_words}))
        evidence = PageEvidence(n, keywords, source, words=result.confident_words, rotated=rotated, reasons=reasons)
        if result.confident_words < self.decide["few_words"]:
            small = page.gray(100)
            evidence.drawing_lines = drawing.long_lines(small, page.px_per_mm(small), page.has_raster,
                                                        self.config.rules.section("blank"))
        return evidence

    def _look_for_seals(self, page: Page, evidence: PageEvidence) -> None:
        rgb = page.rgb(SEAL_DPI)
        evidence.seals = seal.find_seals(rgb, rgb.shape[0] / page.height_mm)

    # ------------------------------------------------------------ decision

    def _settled(self, keywords: KeywordEvidence) -> bool:
        margin = self.decide["settle_margin"]
        return max(keywords.result, keywords.against) >= margin and abs(keywords.result - keywords.against) >= margin

    def _leans_result(self, evidence: PageEvidence) -> bool:
        return self._page_margin(evidence) > 0

    def _page_margin(self, evidence: PageEvidence) -> float:
        kw = evidence.keywords
        return kw.result + self._seal_weight(evidence) - kw.against - self._drawing_weight(evidence)

    def _seal_weight(self, evidence: PageEvidence) -> float:
        return self.decide["seal_weight"] if evidence.seals else 0.0

    def _drawing_weight(self, evidence: PageEvidence) -> float:
        return self.decide["drawing_weight"] if evidence.drawing_lines >= self.decide["drawing_min_lines"] else 0.0

    def _decide(self, seen: list[PageEvidence], signatures: tuple[signature.PdfSignature, ...],
                budget: OcrBudget) -> Classification:
        reasons: list[Reason] = []
        for evidence in seen:
            reasons.extend(evidence.reasons)
        first = seen[0]
        result_page = next((e for e in seen if self._leans_result(e)), None)
        decisive = result_page or first
        kw = decisive.keywords
        signed = self.decide["signature_weight"] if signatures else 0.0
        seals = self._seal_weight(decisive)
        drawing_weight = self._drawing_weight(decisive)
        for_result = kw.result + seals + signed
        against = kw.against + drawing_weight
        margin = for_result - against
        # A header read legibly with none of an issued document's structure (number, type name,
        # signing office) is not an issued result: a list, a plan, a company letter.
        unstructured = kw.result == 0 and not signed and kw.header_read
        category = Category.RESULT if margin >= 0 and not unstructured else Category.INPUT_COMPONENT

        total = for_result + against
        k = math.log(9) / self.decide["confident_margin"]
        confidence = min(0.98, 1 / (1 + math.exp(-k * abs(margin))))
        side = "result" if category is Category.RESULT else "input"
        labels = kw.labels(("result",) if side == "result" else ("input", "process"))
        if seals and side == "result":
            labels.append("có dấu đỏ")
        if signed and side == "result":
            labels.append("có chữ ký số")
        if drawing_weight and side == "input":
            labels.append(f"bản vẽ ({decisive.drawing_lines} nét thẳng dài)")

        if unstructured and against < self.decide["thin_evidence"]:
            confidence = 0.55
            summary = reason("NO_RESULT_STRUCTURE", "classify")
        elif total < self.decide["thin_evidence"]:
            confidence = min(confidence, 0.55)
            summary = reason("THIN_EVIDENCE", "classify", found=", ".join(labels) or "không tìm thấy dấu hiệu nào")
        elif min(for_result, against) >= 0.5 * max(for_result, against) and min(for_result, against) >= 3:
            confidence = min(confidence, 0.65)
            summary = reason("CONFLICTING_EVIDENCE", "classify", result=round(for_result, 1),
                             input=round(against, 1))
        elif side == "input" and kw.scores.get("process", 0) > kw.scores.get("input", 0):
            summary = reason("PROCESS_FORM", "classify", found=", ".join(labels))
        else:
            summary = reason("RESULT_EVIDENCE" if side == "result" else "INPUT_EVIDENCE", "classify",
                             found=", ".join(labels))
        reasons.insert(0, summary)
        if result_page is not None and result_page is not first:
            reasons.insert(1, reason("MERGED_RESULT", "classify", page=result_page.page))
        for hit in kw.hits:
            reasons.append(reason("CUE", "keywords", page=decisive.page, label=hit.cue.label, text=hit.text,
                                  data={"cue": hit.cue.id, "side": hit.cue.side, "weight": hit.cue.weight,
                                        "zone": hit.zone}))
        for found in decisive.seals:
            reasons.append(reason("SEAL_FOUND", seal.NAME, page=decisive.page, diameter=round(found.diameter_mm),
                                  data={"centre_mm": list(found.centre_mm)}))
        for sig in signatures:
            reasons.append(reason("DIGITAL_SIGNATURE", signature.NAME, signer=sig.signer or "không rõ",
                                  data={"sub_filter": sig.sub_filter, "signing_time": sig.signing_time}))
        if budget.left() <= 0:
            reasons.append(reason("LIMIT_OCR_TIME", "limits", limit=self.config.limits.ocr_seconds_per_file))
            confidence = min(confidence, 0.6)
        document_type = kw.document_type(side)
        if document_type is None and drawing_weight and side == "input":
            document_type = "ban_ve"
        return Classification(category, round(confidence, 3), document_type, reasons)


def _lines(text: str | None) -> tuple[str, ...]:
    return tuple(line.strip() for line in (text or "").splitlines() if line.strip())

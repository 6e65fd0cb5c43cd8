"""Read the evidence of a file's content pages; `decide` turns it into a category.

Per page, cheapest text first: the text layer (PDF, DOCX/ODT, RTF), else OCR of the title
zone, and the whole page only when the title zone does not settle it. A page with few
words is also looked at (drawing or picture). The first page with content and any cue decides
(a cover, or a page OCR cannot read, says nothing); a later page is read only when that page is
not a result (merged PDFs append inputs after the result, or the other way round).
"""

from __future__ import annotations

import dataclasses
import time
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from . import decide
from .config import Config
from .detectors import drawing, language, layout, ocr, seal, signature
from .detectors.keywords import KeywordEvidence, Zones, find_cues, zones_from_lines
from .documents import Page, meaningful_letters
from .messages import reason
from .models import Category, Reason
from .profile import stage

ocr.set_stage_timer(stage)  # OCR, clean-up and orientation are timed where the profile records


@dataclass
class PageReading:
    page: int
    evidence: decide.Evidence
    source: str  # text_layer | document | ocr_title | ocr
    seals: tuple[seal.Seal, ...] = ()
    reasons: list[Reason] = field(default_factory=list)


@dataclass
class Classification:
    category: Category
    confidence: float
    document_type: str | None
    reasons: list[Reason]


def page_header(page: Page, config: Config) -> layout.Header:
    """The layout probe of a scanned page, from the blankness test's render (read once)."""
    if "header" not in page.memo:
        rgb = page.rgb(config.rules.section("blank")["working_dpi"])
        with stage("layout"):
            page.memo["header"] = layout.read_header(rgb, page.px_per_mm(rgb), config.rules.section("classify"))
    header: layout.Header = page.memo["header"]
    return header


class OcrBudget:
    """Seconds of OCR left for this file (Limits.ocr_seconds_per_file)."""

    def __init__(self, seconds: float) -> None:
        self.deadline = time.monotonic() + seconds

    def left(self) -> float:
        return self.deadline - time.monotonic()


class Classifier:
    def __init__(self, config: Config) -> None:
        self.config = config
        self.lexicon = config.lexicon
        self.rules = config.rules.section("classify")
        self.blank_rules = config.rules.section("blank")

    def classify(self, data: bytes, fmt: str, pages: list[Page]) -> Classification:
        budget = OcrBudget(self.config.limits.ocr_seconds_per_file)
        with stage("signature"):
            signatures = signature.find_signatures(data) if fmt == "pdf" else ()
        signers = tuple(decide.Signer(s.signer, s.organisation) for s in signatures)
        seen: list[PageReading] = []
        skipped: list[int] = []
        for page in pages[: self.rules["max_classified_pages"]]:
            if seen and self._cannot_be_merged_result(page, budget):
                page.forget_pixels()
                skipped.append(page.number)
                continue
            reading = self._read_page(page, budget, signers)
            page.forget_pixels()
            seen.append(reading)
            if decide.leans_result(reading.evidence, self.rules, first_page=not seen[:-1]) or budget.left() <= 0:
                break
        found = self._conclude(seen, signatures, budget)
        if skipped:
            found.reasons.append(reason("PAGES_NOT_READ", "classify", pages=", ".join(map(str, skipped))))
        return found

    # ------------------------------------------------------------ evidence per page

    def _cannot_be_merged_result(self, page: Page, budget: OcrBudget) -> bool:
        """A later scanned page counts only where a result starts on it (decide.leans_result:
        a result cue in its title zone). Its layout is looked at first (no OCR): upright text
        without an issuer's two-column header or red ink skips it. Otherwise a quick read of
        the title zone at reduced scale that finds no result cue at all, on text that reads
        well, skips the page's full reading."""
        rules = self.rules
        if not self.config.ocr or not page.has_raster or budget.left() <= 0:
            return False
        if meaningful_letters(page.text) >= rules["text_layer_min_letters_scanned"]:
            return False
        if not page_header(page, self.config).may_start_result(rules):
            return True
        try:
            quick = self._quick_title(page, budget, ())
        except ocr.OcrUnavailable:
            return False
        if quick is None:
            return False
        keywords, title = quick
        return title.confident_words >= rules["few_words"] and not any(h.cue.side == "result" for h in keywords.hits)

    def _quick_title(
        self, page: Page, budget: OcrBudget, extra_lines: tuple[str, ...]
    ) -> tuple[Any, ocr.OcrResult] | None:
        """The title zone read at the scale its text needs (measured text height), from a
        reduced render; None when the page is landscape or its text too small to read so."""
        if "quick_title" not in page.memo:  # the same read serves the skip test and the page's reading
            page.memo["quick_title"] = self._read_quick_title(page, budget)
        title: ocr.OcrResult | None = page.memo["quick_title"]
        if title is None:
            return None
        title_lines = tuple(line.text for line in title.lines)
        return find_cues(Zones(title_lines, (), title_lines + extra_lines), self.lexicon), title

    def _read_quick_title(self, page: Page, budget: OcrBudget) -> ocr.OcrResult | None:
        rules, limits = self.rules, self.config.limits
        dpi = rules["ocr_fast_dpi"]
        if dpi >= rules["ocr_dpi"]:
            return None
        raw = page.gray(dpi)
        if raw.shape[1] > raw.shape[0] * 1.1:  # landscape: orientation first (the full path)
            return None
        band = ocr.clean_for_ocr(raw[: int(raw.shape[0] * rules["title_zone"])], dpi / 25.4)
        height = ocr.text_height(band, dpi / 25.4)
        target = rules["ocr_text_px"]
        if height is None or height < target:
            return None
        scale = max(rules["ocr_min_dpi"] / dpi, target / height)
        if scale < 0.95:
            band = ocr.scale_binary(band, scale)

        def read(image: np.ndarray) -> ocr.OcrResult:
            timeout = max(1.0, min(limits.ocr_seconds_per_page, budget.left()))
            return ocr.recognise(image, lang=self.config.ocr_language, timeout=timeout)

        # the header and the type name first: most pages are settled there, at half the text
        cut = ocr.quiet_row(
            band, round(band.shape[0] * rules["ocr_head_zone"] / rules["title_zone"]), round(band.shape[0] * 0.05)
        )
        head = read(band[:cut])
        if head.timed_out:
            return None
        lines = tuple(line.text for line in head.lines)
        if self._settles_quickly(head, find_cues(Zones(lines, (), lines), self.lexicon)):
            return head
        title = ocr.stack(head, read(band[cut:]), cut / band.shape[0])
        return None if title.timed_out else title

    def _settles_quickly(self, title: ocr.OcrResult, keywords: KeywordEvidence) -> bool:
        """A quick read of the title zone is enough: upright text that reads well, with cues in
        the zone itself, and `keywords` (its evidence) one-sided enough to need no more."""
        title_cues = find_cues(Zones(tuple(line.text for line in title.lines), (), ()), self.lexicon).hits
        return title.confident_words >= 8 and bool(title_cues) and decide.settled(keywords, self.rules)

    def _read_page(self, page: Page, budget: OcrBudget, signers: tuple[decide.Signer, ...]) -> PageReading:
        rules = self.rules
        if page.text_between(0, 1) is None and not page.has_raster:  # DOCX, ODT, RTF, DOC: no geometry
            zones = zones_from_lines(page.text.splitlines())
            evidence = decide.Evidence(
                find_cues(zones, self.lexicon), language.analyse(page.text), signers=signers, typed=True
            )
            return PageReading(page.number, evidence, "document")
        text_language = language.analyse(page.text)
        trusted = rules["text_layer_min_letters_scanned" if page.has_raster else "text_layer_min_letters"]
        if meaningful_letters(page.text) >= trusted and not text_language.legacy_encoding:
            zones = Zones(
                _lines(page.text_between(0, rules["title_zone"])),
                _lines(page.text_between(rules["signing_zone"], 1)),
                _lines(page.text),
            )
            reading = PageReading(
                page.number,
                decide.Evidence(
                    find_cues(zones, self.lexicon), text_language, signers=signers, typed=not page.has_raster
                ),
                "text_layer",
            )
            if page.has_raster and self.config.ocr and _strength(reading) < rules["settle_margin"]:
                # a scan's text layer that says little is often an old OCR without Vietnamese
                # ("QUYETDJNH", "Ciin cu"): the pixels are read too, and the stronger reading kept
                read = self._ocr_page(page, budget, (), signers)
                reading = max((reading, read), key=_strength)
        else:  # a scan, or a text layer in a legacy font encoding that reads as garbage
            extra = () if text_language.legacy_encoding else _lines(page.text)
            reading = self._ocr_page(page, budget, extra, signers)
        rgb = page.rgb(rules["seal_dpi"])
        with stage("seal"):
            found = seal.find_seals(rgb, page.px_per_mm(rgb))
        reading.seals = found
        reading.evidence = dataclasses.replace(reading.evidence, seals=len(found))
        return reading

    def _ocr_page(
        self, page: Page, budget: OcrBudget, extra_lines: tuple[str, ...], signers: tuple[decide.Signer, ...]
    ) -> PageReading:
        n, rules = page.number, self.rules
        if not self.config.ocr:
            evidence = decide.Evidence(
                find_cues(Zones((), (), extra_lines), self.lexicon),
                language.analyse("\n".join(extra_lines)),
                signers=signers,
            )
            return PageReading(n, evidence, "ocr", reasons=[reason("OCR_DISABLED", ocr.NAME, page=n)])
        try:
            read = self._ocr(page, budget, extra_lines)
        except ocr.OcrUnavailable as exc:
            evidence = decide.Evidence(find_cues(Zones((), (), extra_lines), self.lexicon), signers=signers)
            return PageReading(
                n, evidence, "ocr", reasons=[reason("OCR_UNAVAILABLE", ocr.NAME, page=n, detail=str(exc))]
            )
        keywords, result, title, _rotated, reasons = read
        text = "\n".join(line.text for line in result.lines)
        look = None
        if result.confident_words < rules["few_words"]:
            rgb = page.rgb(rules["look_dpi"])
            with stage("look"):
                look = drawing.look(
                    rgb,
                    page.px_per_mm(rgb),
                    page.has_raster,
                    self.blank_rules,
                    rules,
                )
        evidence = decide.Evidence(keywords, language.analyse(text), signers=signers, look=look)
        return PageReading(n, evidence, "ocr_title" if result is title else "ocr", reasons=reasons)

    def _ocr(self, page: Page, budget: OcrBudget, extra_lines: tuple[str, ...]) -> Any:
        """Title zone first (turned upright when it reads as noise), the whole page only when the
        title zone does not settle the question."""
        n, rules, limits, lang = page.number, self.rules, self.config.limits, self.config.ocr_language
        dpi, title_zone = rules["ocr_dpi"], rules["title_zone"]
        quick = self._quick_title(page, budget, extra_lines)
        if quick is not None:
            # settled on upright text that reads well: what the full-resolution read would
            # conclude without orientation or full-page OCR; otherwise read again at ocr_dpi
            keywords, title = quick
            if self._settles_quickly(title, keywords):
                return (
                    keywords,
                    title,
                    title,
                    0,
                    [
                        reason(
                            "OCR_USED",
                            ocr.NAME,
                            page=n,
                            words=title.words,
                            seconds=round(title.seconds, 1),
                            data={"zone": "title", "confident_words": title.confident_words},
                        )
                    ],
                )
        raw = page.gray_once(dpi)  # the full-resolution read: nothing else uses it
        gray = ocr.clean_for_ocr(raw, dpi / 25.4)

        def timeout() -> float:
            return max(1.0, min(limits.ocr_seconds_per_page, budget.left()))

        reasons: list[Reason] = []
        title = ocr.recognise(gray[: int(gray.shape[0] * title_zone)], lang=lang, timeout=timeout())
        rotated = 0
        title_cues = find_cues(Zones(tuple(line.text for line in title.lines), (), ()), self.lexicon).hits
        landscape = gray.shape[1] > gray.shape[0] * 1.1
        if (title.confident_words < 8 or landscape or not title_cues) and budget.left() > 0:
            # OSD on the full-resolution page: at 150 dpi its confidence in sideways scans is too low
            rotated = ocr.rotation_needed(raw, timeout=timeout())
            if rotated:  # clean again: the deskew of a sideways page is meaningless
                gray = ocr.clean_for_ocr(ocr.rotate(raw, rotated), dpi / 25.4)
                title = ocr.recognise(
                    gray[: int(gray.shape[0] * title_zone)], lang=lang, timeout=timeout(), stage_name="orientation"
                )
            elif title.confident_words < rules["few_words"] and budget.left() > 0:
                # OSD is often unsure on a sparse page: an upside-down scan still reads as noise
                turned = ocr.rotate(gray, 180)
                again = ocr.recognise(
                    turned[: int(turned.shape[0] * title_zone)], lang=lang, timeout=timeout(), stage_name="orientation"
                )
                if again.confident_words >= max(rules["few_words"], 2 * title.confident_words):
                    rotated, gray, title = 180, turned, again
            if rotated:
                reasons.append(reason("PAGE_ROTATED", ocr.NAME, page=n, degrees=rotated))
        title_lines = tuple(line.text for line in title.lines)
        keywords = find_cues(Zones(title_lines, (), title_lines + extra_lines), self.lexicon)
        result = title
        if not decide.settled(keywords, rules) and budget.left() > 0:
            result = ocr.recognise(gray, lang=lang, timeout=timeout(), stage_name="ocr_rest")
            zones = Zones(
                tuple(line.text for line in result.lines if line.top < title_zone),
                tuple(line.text for line in result.lines if line.top >= rules["signing_zone"]),
                tuple(line.text for line in result.lines) + extra_lines,
            )
            keywords = find_cues(zones, self.lexicon)
        if title.timed_out or result.timed_out:
            reasons.append(reason("LIMIT_OCR_PAGE_TIME", ocr.NAME, page=n, limit=limits.ocr_seconds_per_page))
        seconds = title.seconds + (0 if result is title else result.seconds)
        reasons.append(
            reason(
                "OCR_USED",
                ocr.NAME,
                page=n,
                words=result.words,
                seconds=round(seconds, 1),
                data={"zone": "title" if result is title else "page", "confident_words": result.confident_words},
            )
        )
        return keywords, result, title, rotated, reasons

    # ------------------------------------------------------------ conclusion

    def _conclude(
        self, seen: list[PageReading], signatures: tuple[signature.PdfSignature, ...], budget: OcrBudget
    ) -> Classification:
        rules = self.rules
        first = seen[0]
        result_page = next(
            (r for i, r in enumerate(seen) if decide.leans_result(r.evidence, rules, first_page=i == 0)), None
        )
        # a cover, or a page OCR could not read, says nothing: the first page that does decides
        decisive = result_page or next((r for r in seen if _strength(r) > 0), first)
        exhausted = budget.left() <= 0
        decision = decide.decide(dataclasses.replace(decisive.evidence, ocr_exhausted=exhausted), rules)
        look = decisive.evidence.look
        data = {"look": look.to_dict()} if look is not None else None
        reasons = [reason(decision.summary, "classify", data=data, **decision.summary_fields)]
        if result_page is not None and result_page is not first and decision.category is Category.RESULT:
            reasons.append(reason("MERGED_RESULT", "classify", page=result_page.page))
        for reading in seen:
            reasons.extend(reading.reasons)
        for hit in decisive.evidence.keywords.hits:
            reasons.append(
                reason(
                    "CUE",
                    "keywords",
                    page=decisive.page,
                    label=hit.cue.label,
                    text=hit.text,
                    data={"cue": hit.cue.id, "side": hit.cue.side, "weight": hit.cue.weight, "zone": hit.zone},
                )
            )
        for found in decisive.seals:
            reasons.append(
                reason(
                    "SEAL_FOUND",
                    seal.NAME,
                    page=decisive.page,
                    diameter=round(found.diameter_mm),
                    data={"centre_mm": list(found.centre_mm)},
                )
            )
        for sig in signatures:
            code = "DIGITAL_SIGNATURE_ORGANISATION" if sig.organisation else "DIGITAL_SIGNATURE"
            reasons.append(
                reason(
                    code,
                    signature.NAME,
                    signer=sig.signer or "không rõ",
                    data={"sub_filter": sig.sub_filter, "signing_time": sig.signing_time},
                )
            )
        if exhausted:
            reasons.append(reason("LIMIT_OCR_TIME", "limits", limit=self.config.limits.ocr_seconds_per_file))
        return Classification(decision.category, decision.confidence, decision.document_type, reasons)


def _lines(text: str | None) -> tuple[str, ...]:
    return tuple(line.strip() for line in (text or "").splitlines() if line.strip())


def _strength(reading: PageReading) -> float:
    kw = reading.evidence.keywords
    return kw.result + kw.against + kw.score("normative") + kw.score("internal")

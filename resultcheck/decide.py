"""The decision: typed evidence about a file's content → category, confidence, summary reason.

Pure functions, no I/O: every threshold comes from the versioned `[classify]` section of
rules.toml, so a change of policy changes the rules version stamped into verdicts.

Order of the questions, most specific first:
  1. a one-stop process form                      → input_component (PROCESS_FORM)
     a document marked "DỰ THẢO" (a draft)         → input_component (DRAFT_DOCUMENT)
  2. a normative legal text (Luật, Nghị định…)    → other (NORMATIVE_DOCUMENT)
  3. a state body's management of its own work   → other (INTERNAL_DOCUMENT)
  4. a private company's letter                    → other (PRIVATE_ISSUER), unless it is an input
  5. result evidence against input evidence        → result / input_component, confidence from the margin;
     a confident result needs a cue saying what it is (a type name, an issuing number),
     at least two signs of an issued document, and is addressed to the applicant: addressed to a
     state body it is a letter between offices → other, or a submission → input_component (both unsure);
     a notice inviting everyone who wishes is written to the public → other (unsure); a page naming
     an input's type (TỜ TRÌNH, BIÊN BẢN) in an office's layout → input_component (unsure); typed text
     whose number and date of issue are both blank was not issued (a draft, a template) → unsure
  6. nothing either way: a picture, a foreign or unrelated text → other; a Vietnamese
     administrative paper that says too little → the likelier side, below 0.7 (a person looks)
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, replace
from typing import Any

from .detectors.drawing import PageLook
from .detectors.keywords import KeywordEvidence
from .detectors.language import LanguageEvidence
from .models import Category


@dataclass(frozen=True, slots=True)
class Signer:
    """An embedded PDF signature: who signed, and whether the certificate names an organisation."""

    name: str | None
    organisation: bool


NO_WORDS = LanguageEvidence(0, 0.0, False)


@dataclass(frozen=True, slots=True)
class Evidence:
    """What the detectors found on the decisive page of a file (and file-wide signatures)."""

    keywords: KeywordEvidence
    language: LanguageEvidence = NO_WORDS
    seals: int = 0
    signers: tuple[Signer, ...] = ()
    look: PageLook | None = None  # only for pages with too few words to read
    typed: bool = False  # the words were typed (a text layer, a document), not read by OCR: a blank is blank
    ocr_exhausted: bool = False  # the file's OCR time ran out


@dataclass(frozen=True, slots=True)
class Decision:
    category: Category
    confidence: float
    summary: str  # a reason code of messages.MESSAGES
    summary_fields: dict[str, Any] = field(default_factory=dict)
    document_type: str | None = None
    labels: tuple[str, ...] = ()  # what was seen, for the summary message


@dataclass(frozen=True, slots=True)
class Weights:
    """The result and input scores of one page, with the non-keyword evidence folded in."""

    for_result: float
    against: float
    seal: float
    signature: float
    drawing: float

    @property
    def margin(self) -> float:
        return self.for_result - self.against


def weigh(evidence: Evidence, rules: dict[str, Any]) -> Weights:
    """Keyword scores plus seals, signatures and drawing structure.

    A seal or an organisation's signature only supports an issued document's structure; a
    person's signature proves nothing (citizens sign online applications too).
    """
    kw = evidence.keywords
    structured = kw.result > 0
    seal = rules["seal_weight"] if evidence.seals and structured else 0.0
    signature = 0.0
    if any(s.organisation for s in evidence.signers) and structured:
        signature = rules["organisation_signature_weight"]
    drawing = rules["drawing_weight"] if evidence.look is not None and evidence.look.is_drawing(rules) else 0.0
    return Weights(kw.result + seal + signature, kw.against + drawing, seal, signature, drawing)


def confidence_from_margin(margin: float, rules: dict[str, Any]) -> float:
    """Logistic in the margin: 0.5 at 0, 0.9 at `confident_margin`, never above `max_confidence`."""
    k = math.log(9) / rules["confident_margin"]
    return min(rules["max_confidence"], 1 / (1 + math.exp(-k * abs(margin))))


def settled(keywords: KeywordEvidence, rules: dict[str, Any]) -> bool:
    """Title-zone evidence this one-sided needs no full-page OCR."""
    margin = rules["settle_margin"]
    strongest = max(keywords.result, keywords.against, keywords.score("normative"))
    return strongest >= margin and abs(keywords.result - keywords.against) >= margin


def leans_result(evidence: Evidence, rules: dict[str, Any], *, first_page: bool = True) -> bool:
    """This page is (probably) the result: later pages of a merged file need not be read.

    A later page counts only where a document starts on it (a type name, an issuing number,
    an issuer in its title zone): the last page of a submission carries "Nơi nhận" too."""
    kw = evidence.keywords
    if not first_page and not any(h.cue.side == "result" and h.cue.zone in ("head", "title") for h in kw.hits):
        return False
    return weigh(evidence, rules).margin > 0 and not _normative(kw, rules) and kw.score("draft") == 0


def _normative(kw: KeywordEvidence, rules: dict[str, Any]) -> bool:
    """Published law: strong normative cues, not outweighed by a result's type name or by an
    input's evidence (blank forms cite the circular that issued them)."""
    strength = kw.score("normative")
    return strength >= rules["normative_min"] and strength >= kw.result_type_weight and strength > kw.against


def _internal(kw: KeywordEvidence, rules: dict[str, Any]) -> bool:
    """An issued paper in form whose summary or Article 1 manages the body's own work (duties and
    targets of its units and staff, working groups, a meeting's conclusions): not outweighed by an
    applicant's evidence."""
    strength = kw.score("internal")
    return strength >= rules["internal_min"] and strength > kw.against


def administrative(evidence: Evidence, rules: dict[str, Any]) -> bool:
    """Recognisably a Vietnamese administrative paper: its header, administrative vocabulary,
    or any cue of either side."""
    kw = evidence.keywords
    return (
        kw.header_read
        or kw.result > 0
        or kw.against > 0
        or kw.score("private") > 0
        or any(h.cue.side == "admin" for h in kw.hits)
    )


def decide(evidence: Evidence, rules: dict[str, Any]) -> Decision:
    w = weigh(evidence, rules)
    decision = _category(evidence, w, rules)
    if evidence.ocr_exhausted:
        decision = _capped(decision, rules["ocr_exhausted_cap"])
    return decision


def _category(evidence: Evidence, w: Weights, rules: dict[str, Any]) -> Decision:
    kw = evidence.keywords
    process, inputs = kw.score("process"), kw.score("input")
    if process > 0 and process >= inputs and w.against > w.for_result:
        return _side(Category.INPUT_COMPONENT, "PROCESS_FORM", w, kw, rules)
    if kw.score("draft") > 0 and kw.result > 0:  # numbered and signed only when issued
        return Decision(
            Category.INPUT_COMPONENT,
            rules["draft_confidence"],
            "DRAFT_DOCUMENT",
            {"found": ", ".join(kw.labels(("result",)))},
            "du_thao",
            tuple(kw.labels(("draft",))),
        )
    if _normative(kw, rules):
        sure = kw.score("normative") >= rules["normative_sure"]
        confidence = rules["normative_confidence"] if sure else rules["cap_unsure"]
        return _other_by(kw, "normative", "NORMATIVE_DOCUMENT", confidence, kw.document_type("normative"))
    if _internal(kw, rules):
        sure = kw.score("internal") >= rules["internal_sure"]
        confidence = rules["internal_confidence"] if sure else rules["cap_unsure"]
        return _other_by(kw, "internal", "INTERNAL_DOCUMENT", confidence, "van_ban_dieu_hanh_noi_bo")
    if kw.score("private") > 0 and w.against < rules["thin_evidence"]:
        return _other_by(kw, "private", "PRIVATE_ISSUER", rules["private_confidence"])
    total = w.for_result + w.against
    if total >= rules["thin_evidence"]:
        return _weighed(evidence, w, rules)
    return _little_evidence(evidence, w, rules)


def _other_by(
    kw: KeywordEvidence, side: str, code: str, confidence: float, document_type: str | None = None
) -> Decision:
    """`other`, for what the cues of `side` show (a law, a body's own management, a company's letter)."""
    labels = tuple(kw.labels((side,)))
    return Decision(Category.OTHER, confidence, code, {"found": ", ".join(labels)}, document_type, labels)


def _weighed(evidence: Evidence, w: Weights, rules: dict[str, Any]) -> Decision:
    kw = evidence.keywords
    category = Category.RESULT if w.margin >= 0 else Category.INPUT_COMPONENT
    if kw.names_an_input_only and w.margin >= 0:
        # a TỜ TRÌNH, a BIÊN BẢN in an office's layout: the type name says what it is, the layout only
        # who wrote it. An office's own paper is a step of this dossier or tied to none (a report on
        # many associations, internal minutes): a person looks
        labels = tuple(kw.labels(("input",)))
        fields = {"named": ", ".join(labels), "found": ", ".join(kw.labels(("result",)))}
        document_type = kw.document_type("input")
        return Decision(
            Category.INPUT_COMPONENT, rules["cap_unsure"], "INPUT_TYPE_NAMED", fields, document_type, labels
        )
    weaker, stronger = sorted((w.for_result, w.against))
    if weaker >= rules["conflict_share"] * stronger and weaker >= rules["conflict_min"]:
        decision = _side(category, "CONFLICTING_EVIDENCE", w, kw, rules)
        return _capped(decision, rules["cap_conflicting"])
    if category is Category.RESULT and not kw.identified:
        # an issuer, a seal and "Nơi nhận" are on every paper a state body writes (internal
        # letters, transfer slips): without a type name or a number it is not known what this is
        return _capped(_side(category, "RESULT_UNIDENTIFIED", w, kw, rules), rules["cap_unsure"])
    signs = kw.result_signs + bool(w.seal) + bool(w.signature)
    if category is Category.RESULT and signs < rules["min_result_signs"]:
        # an issued document shows its issuer, number, signing block or seal around its title:
        # one sign alone is a cover page, a placeholder or a crop
        return _capped(_side(category, "RESULT_ONE_SIGN", w, kw, rules), rules["cap_unsure"])
    if category is Category.RESULT and (addressee := kw.agency_addressee):
        return _agency_letter(kw, addressee, rules)
    if category is Category.RESULT and (invitation := kw.public_invitation):
        # an answer is written to its applicant; a notice inviting everyone who wishes (an auction,
        # a tender, a recruitment) is written to the public, before any dossier exists
        labels = tuple(kw.labels(("result",)))
        fields = {"found": ", ".join(labels), "invitation": invitation}
        return Decision(Category.OTHER, rules["cap_unsure"], "PUBLIC_NOTICE", fields, "thong_bao_chung", labels)
    if category is Category.RESULT and evidence.typed and kw.unfilled and not evidence.signers:
        # a number and a date are written in when a document is issued (signing software stamps them):
        # typed text that leaves both blank is a draft, a template, or the Word file of a result whose
        # issued copy is elsewhere; which one, a person sees
        return _capped(_side(category, "UNISSUED_DOCUMENT", w, kw, rules), rules["cap_unsure"])
    return _side(category, "RESULT_EVIDENCE" if category is Category.RESULT else "INPUT_EVIDENCE", w, kw, rules)


def _agency_letter(kw: KeywordEvidence, addressee: str, rules: dict[str, Any]) -> Decision:
    """A paper in issued form addressed to a state body is one office writing to another, since a
    procedure's answer goes to the applicant: a submission of a dossier ("V/v trình…") is a step
    of its processing; any other letter (a view asked or given, a circular) belongs to no one
    dossier. A state unit may be an applicant too, so a person looks."""
    labels = tuple(kw.labels(("result",)))
    fields = {"found": ", ".join(labels), "to": addressee}
    if kw.submission:
        return Decision(
            Category.INPUT_COMPONENT, rules["cap_unsure"], "AGENCY_SUBMISSION", fields, "cong_van_trinh", labels
        )
    return Decision(Category.OTHER, rules["cap_unsure"], "AGENCY_LETTER", fields, kw.document_type("result"), labels)


def _little_evidence(evidence: Evidence, w: Weights, rules: dict[str, Any]) -> Decision:
    """Too little to weigh: a picture, a foreign or unrelated text, or a paper that says too little."""
    kw, language, look = evidence.keywords, evidence.language, evidence.look
    if administrative(evidence, rules):
        if kw.header_read and kw.result == 0 and w.against == 0:
            # a legible national motto with no issued document's structure: a list, a plan…
            return Decision(Category.INPUT_COMPONENT, rules["cap_thin"], "NO_RESULT_STRUCTURE")
        category = Category.RESULT if w.margin >= 0 else Category.INPUT_COMPONENT
        return _capped(_side(category, "THIN_EVIDENCE", w, kw, rules), rules["cap_thin"])
    if look is not None and look.is_picture(rules):  # looked at only when few words were read
        sure = look.paper_share < rules["picture_sure_paper_share"]
        return Decision(
            Category.OTHER,
            rules["picture_confidence"] if sure else rules["cap_unsure"],
            "PICTURE",
            {"paper": round(100 * look.paper_share), "colour": round(look.colourfulness)},
            "hinh_anh",
        )
    if language.words >= rules["foreign_min_words"] and language.vietnamese < rules["vietnamese_min_share"]:
        sure = language.words >= rules["foreign_sure_words"]
        return Decision(
            Category.OTHER,
            rules["foreign_confidence"] if sure else rules["cap_unsure"],
            "FOREIGN_DOCUMENT",
            {"words": language.words, "share": round(100 * language.vietnamese)},
        )
    return Decision(Category.OTHER, rules["cap_thin"], "NO_DOSSIER_EVIDENCE", {"words": language.words})


def _side(category: Category, code: str, w: Weights, kw: KeywordEvidence, rules: dict[str, Any]) -> Decision:
    side = "result" if category is Category.RESULT else "input"
    labels = kw.labels(("result",) if side == "result" else ("input", "process"))
    if side == "result":
        labels += ["có dấu đỏ"] * bool(w.seal) + ["có chữ ký số của cơ quan, tổ chức"] * bool(w.signature)
    elif w.drawing:
        labels.append("bản vẽ kỹ thuật (khung, nét thẳng dài trên nền giấy)")
    fields: dict[str, Any] = {"found": ", ".join(labels) or "không tìm thấy dấu hiệu nào"}
    if code == "CONFLICTING_EVIDENCE":
        fields = {"result": round(w.for_result, 1), "input": round(w.against, 1)}
    document_type = kw.document_type(side)
    if document_type is None and w.drawing and side == "input":
        document_type = "ban_ve"
    return Decision(
        category, round(confidence_from_margin(w.margin, rules), 3), code, fields, document_type, tuple(labels)
    )


def _capped(decision: Decision, cap: float) -> Decision:
    return replace(decision, confidence=min(decision.confidence, cap))

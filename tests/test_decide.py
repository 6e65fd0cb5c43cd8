"""The decision over typed evidence, one row per rule and threshold edge (no I/O, milliseconds)."""

from __future__ import annotations

import pytest
from resultcheck.detectors.drawing import PageLook
from resultcheck.detectors.keywords import Cue, Hit, KeywordEvidence
from resultcheck.detectors.language import LanguageEvidence

from resultcheck import Config
from resultcheck.decide import Evidence, Signer, confidence_from_margin, decide, leans_result, settled
from resultcheck.models import Category

RULES = Config().rules.section("classify")
VIETNAMESE = LanguageEvidence(80, 0.8, False)
ENGLISH = LanguageEvidence(80, 0.0, False)
PAPER_DRAWING = PageLook(0.95, 2.0, 0.05, 5, 5)
PHOTO = PageLook(0.1, 70.0, 0.6, 1, 0)
GREY_PHOTO = PageLook(0.5, 0.0, 0.5, 3, 2)


def keywords(
    *,
    result: float = 0,
    input: float = 0,
    process: float = 0,
    normative: float = 0,
    internal: float = 0,
    private: float = 0,
    draft: float = 0,
    header: bool = False,
    addressee: str | None = None,
    submission: bool = False,
    invitation: str | None = None,
    unfilled: tuple[str, ...] = (),
    result_signs: int = 2,
    identified: bool = True,
    result_type: float = 0,
    types: dict[str, str] | None = None,
) -> KeywordEvidence:
    """Keyword evidence with these side scores (one synthetic cue per side)."""
    hits = []
    for side, weight in {
        "result": result,
        "input": input,
        "process": process,
        "normative": normative,
        "internal": internal,
        "private": private,
        "draft": draft,
    }.items():
        if weight:
            typed = (types or {}).get(side)
            hits.append(
                Hit(
                    Cue(
                        f"C_{side}",
                        side,
                        "title" if typed else "any",
                        weight,
                        f"cue {side}",
                        type=typed,
                        identifies=identified and side == "result",
                    ),
                    side,
                    "title",
                )
            )
    if result and result_signs > 1:  # the result score read from more than one sign (issuer, number…)
        hits.append(Hit(Cue("C_result_2", "result", "any", 0.0, "cue result 2"), "result", "body"))
    if result_type:
        hits.append(Hit(Cue("QUYET_DINH", "result", "title", result_type, "tiêu đề", type="quyet_dinh"), "QĐ", "title"))
    scores = {
        "result": result + result_type,
        "input": input,
        "process": process,
        "normative": normative,
        "internal": internal,
        "private": private,
        "draft": draft,
    }
    if header:
        hits.append(Hit(Cue("NATIONAL_MOTTO", "layout", "title", 0.0, "quốc hiệu"), "motto", "title"))
    if addressee:
        hits.append(Hit(Cue("AGENCY_ADDRESSEE", "addressee", "title", 0.0, "gửi cơ quan"), addressee, "title"))
    if submission:
        hits.append(Hit(Cue("SUBMISSION_SUBJECT", "submission", "title", 0.0, "V/v trình"), "V/v trình", "title"))
    if invitation:
        hits.append(Hit(Cue("PUBLIC_INVITATION", "public", "any", 0.0, "lời mời chung"), invitation, "body"))
    for cue_id in unfilled:  # UNFILLED_NUMBER, UNFILLED_DATE
        hits.append(Hit(Cue(cue_id, "unfilled", "title", 0.0, "để trống"), "Số: /UBND", "title"))
    return KeywordEvidence(tuple(hits), scores)


BOTH_BLANK = ("UNFILLED_NUMBER", "UNFILLED_DATE")

CASES = [
    # (name, evidence, category, summary code, confidence bounds)
    (
        "decision with structure",
        Evidence(keywords(result=6, result_type=4), VIETNAMESE),
        Category.RESULT,
        "RESULT_EVIDENCE",
        (0.95, 0.98),
    ),
    ("application", Evidence(keywords(input=7), VIETNAMESE), Category.INPUT_COMPONENT, "INPUT_EVIDENCE", (0.95, 0.98)),
    (
        "receipt slip is a process form",
        Evidence(keywords(process=6, result=2), VIETNAMESE),
        Category.INPUT_COMPONENT,
        "PROCESS_FORM",
        (0.7, 0.98),
    ),
    (
        "issuer, seal and 'Nơi nhận' without a type name or number: a person looks",
        Evidence(keywords(result=5.5, identified=False), VIETNAMESE, seals=1),
        Category.RESULT,
        "RESULT_UNIDENTIFIED",
        (RULES["cap_unsure"], RULES["cap_unsure"]),
    ),
    (
        "a type name alone (a cover, a placeholder 'GIẤY PHÉP XÂY DỰNG / File mẫu') goes to a person",
        Evidence(keywords(result_type=4.5), VIETNAMESE),
        Category.RESULT,
        "RESULT_ONE_SIGN",
        (RULES["cap_unsure"], RULES["cap_unsure"]),
    ),
    (
        "a type name with a seal is two signs",
        Evidence(keywords(result_type=4.5), VIETNAMESE, seals=1),
        Category.RESULT,
        "RESULT_EVIDENCE",
        (0.95, 0.98),
    ),
    (
        "a numbered letter to a state body (Kính gửi: Cục Hải quan) is between offices: a person looks",
        Evidence(keywords(result=5.5, addressee="Kính gửi: Cục Hải quan"), VIETNAMESE, seals=1),
        Category.OTHER,
        "AGENCY_LETTER",
        (RULES["cap_unsure"], RULES["cap_unsure"]),
    ),
    (
        "a letter submitting a dossier to the body that decides (V/v trình…) is a step of its processing",
        Evidence(keywords(result=5.5, addressee="Kính gửi: UBND tỉnh", submission=True), VIETNAMESE, seals=1),
        Category.INPUT_COMPONENT,
        "AGENCY_SUBMISSION",
        (RULES["cap_unsure"], RULES["cap_unsure"]),
    ),
    (
        "a letter to a state body stays a letter between offices, numbered or not",
        Evidence(
            keywords(result=5.5, addressee="Kính gửi: Công an các tỉnh", unfilled=BOTH_BLANK), VIETNAMESE, typed=True
        ),
        Category.OTHER,
        "AGENCY_LETTER",
        (RULES["cap_unsure"], RULES["cap_unsure"]),
    ),
    (
        "a TỜ TRÌNH in an office's layout, sealed, is an office's paper of an input's type: a person looks",
        Evidence(keywords(result=5.5, identified=False, input=6.5, types={"input": "to_trinh"}), VIETNAMESE, seals=1),
        Category.INPUT_COMPONENT,
        "INPUT_TYPE_NAMED",
        (RULES["cap_unsure"], RULES["cap_unsure"]),
    ),
    (
        "a page naming a result's type too is weighed whole",
        Evidence(
            keywords(result=5.5, identified=False, result_type=4, input=6.5, types={"input": "to_trinh"}),
            VIETNAMESE,
            seals=1,
        ),
        Category.RESULT,
        "CONFLICTING_EVIDENCE",
        (0.5, RULES["cap_conflicting"]),
    ),
    (
        "a notice inviting everyone who wishes (a tender, an auction) is written to the public",
        Evidence(keywords(result=5.5, invitation="Đề nghị các đơn vị có nhu cầu"), VIETNAMESE, seals=1),
        Category.OTHER,
        "PUBLIC_NOTICE",
        (RULES["cap_unsure"], RULES["cap_unsure"]),
    ),
    (
        "'V/v trình…' in a letter to the applicant is no submission",
        Evidence(keywords(result=5.5, submission=True), VIETNAMESE, seals=1),
        Category.RESULT,
        "RESULT_EVIDENCE",
        (0.9, 0.98),
    ),
    (
        "a state body addressed by an applicant's form stays the applicant's",
        Evidence(keywords(input=7, result=1, addressee="Kính gửi: Ủy ban nhân dân xã"), VIETNAMESE),
        Category.INPUT_COMPONENT,
        "INPUT_EVIDENCE",
        (0.9, 0.98),
    ),
    (
        "a general decision (QUYẾT ĐỊNH / Ban hành quy chế…) outweighing its type name is other",
        Evidence(keywords(result=4, result_type=4, normative=5.5), VIETNAMESE),
        Category.OTHER,
        "NORMATIVE_DOCUMENT",
        (RULES["cap_unsure"], RULES["cap_unsure"]),
    ),
    (
        "a decision giving work to the body's own units, by summary and Article 1, is other",
        Evidence(keywords(result=12, result_type=4, internal=RULES["internal_sure"]), VIETNAMESE, seals=1),
        Category.OTHER,
        "INTERNAL_DOCUMENT",
        (RULES["internal_confidence"], RULES["internal_confidence"]),
    ),
    (
        "only its summary line says so (Article 1 unread): other, a person looks",
        Evidence(keywords(result=8, result_type=4, internal=RULES["internal_min"]), VIETNAMESE),
        Category.OTHER,
        "INTERNAL_DOCUMENT",
        (RULES["cap_unsure"], RULES["cap_unsure"]),
    ),
    (
        "an applicant's evidence outweighs management words",
        Evidence(keywords(input=9, internal=RULES["internal_min"]), VIETNAMESE),
        Category.INPUT_COMPONENT,
        "INPUT_EVIDENCE",
        (0.9, 0.98),
    ),
    (
        "a decision marked DỰ THẢO is a processing document",
        Evidence(keywords(result=6, result_type=4, draft=4), VIETNAMESE),
        Category.INPUT_COMPONENT,
        "DRAFT_DOCUMENT",
        (RULES["draft_confidence"], RULES["draft_confidence"]),
    ),
    (
        "typed text whose number and date of issue are blank was not issued: a person looks",
        Evidence(keywords(result=6, result_type=4, unfilled=BOTH_BLANK), VIETNAMESE, typed=True),
        Category.RESULT,
        "UNISSUED_DOCUMENT",
        (RULES["cap_unsure"], RULES["cap_unsure"]),
    ),
    (
        "OCR loses a handwritten number: a scan's blanks prove nothing",
        Evidence(keywords(result=6, result_type=4, unfilled=BOTH_BLANK), VIETNAMESE, typed=False),
        Category.RESULT,
        "RESULT_EVIDENCE",
        (0.9, 0.98),
    ),
    (
        "a blank number alone (the date written) is no draft",
        Evidence(keywords(result=6, result_type=4, unfilled=("UNFILLED_NUMBER",)), VIETNAMESE, typed=True),
        Category.RESULT,
        "RESULT_EVIDENCE",
        (0.9, 0.98),
    ),
    (
        "signing software writes the number in when it signs: a signed file is issued",
        Evidence(
            keywords(result=6, result_type=4, unfilled=BOTH_BLANK),
            VIETNAMESE,
            typed=True,
            signers=(Signer("UBND TỈNH", True),),
        ),
        Category.RESULT,
        "RESULT_EVIDENCE",
        (0.9, 0.98),
    ),
    (
        "a draft mark without an issued document's structure decides nothing",
        Evidence(keywords(input=7, draft=4), VIETNAMESE),
        Category.INPUT_COMPONENT,
        "INPUT_EVIDENCE",
        (0.95, 0.98),
    ),
    (
        "margin exactly confident",
        Evidence(keywords(result=3 + RULES["thin_evidence"], input=RULES["thin_evidence"])),
        Category.RESULT,
        "RESULT_EVIDENCE",
        (0.89, 0.91),
    ),
    (
        "conflict: both sides strong",
        Evidence(keywords(result=5, input=4)),
        Category.RESULT,
        "CONFLICTING_EVIDENCE",
        (0.5, RULES["cap_conflicting"]),
    ),
    (
        "conflict needs the weaker side above conflict_min",
        Evidence(keywords(result=5, input=2.5)),
        Category.RESULT,
        "RESULT_EVIDENCE",
        (0.7, 0.98),
    ),
    (
        "tie goes to result but says conflict",
        Evidence(keywords(result=4, input=4)),
        Category.RESULT,
        "CONFLICTING_EVIDENCE",
        (0.5, 0.5),
    ),
    (
        "thin Vietnamese paper keeps its likelier side, low",
        Evidence(keywords(result=1.5), VIETNAMESE),
        Category.RESULT,
        "THIN_EVIDENCE",
        (0.5, RULES["cap_thin"]),
    ),
    (
        "motto but no structure leans input",
        Evidence(keywords(header=True), VIETNAMESE),
        Category.INPUT_COMPONENT,
        "NO_RESULT_STRUCTURE",
        (RULES["cap_thin"], RULES["cap_thin"]),
    ),
    (
        "decree is normative: other",
        Evidence(keywords(normative=RULES["normative_sure"], result=6), VIETNAMESE),
        Category.OTHER,
        "NORMATIVE_DOCUMENT",
        (RULES["normative_confidence"], RULES["normative_confidence"]),
    ),
    (
        "normative QĐ (year in number + promulgation)",
        Evidence(keywords(normative=4.5, result=5, result_type=4)),
        Category.OTHER,
        "NORMATIVE_DOCUMENT",
        (0.6, 0.7),
    ),
    (
        "a year-number alone is not normative (certificates and permits may carry one)",
        Evidence(keywords(normative=3, result=5, result_type=4)),
        Category.RESULT,
        "RESULT_EVIDENCE",
        (0.9, 0.98),
    ),
    (
        "a strong result title outweighs a weak normative cue",
        Evidence(keywords(normative=4, result=4, result_type=4.5)),
        Category.RESULT,
        "RESULT_EVIDENCE",
        (0.9, 0.98),
    ),
    (
        "company notice is other",
        Evidence(keywords(private=3, result=5, result_type=3)),
        Category.OTHER,
        "PRIVATE_ISSUER",
        (RULES["private_confidence"], RULES["private_confidence"]),
    ),
    (
        "company contract stays an input",
        Evidence(keywords(private=3, input=6.5)),
        Category.INPUT_COMPONENT,
        "INPUT_EVIDENCE",
        (0.9, 0.98),
    ),
    (
        "photo with no words",
        Evidence(keywords(), LanguageEvidence(2, 0.0, False), look=PHOTO),
        Category.OTHER,
        "PICTURE",
        (RULES["picture_confidence"], RULES["picture_confidence"]),
    ),
    (
        "grey photo, less sure",
        Evidence(keywords(), LanguageEvidence(0, 0.0, False), look=GREY_PHOTO),
        Category.OTHER,
        "PICTURE",
        (RULES["cap_unsure"], RULES["cap_unsure"]),
    ),
    (
        "drawing on paper is an input",
        Evidence(keywords(), LanguageEvidence(3, 0.3, False), look=PAPER_DRAWING),
        Category.INPUT_COMPONENT,
        "INPUT_EVIDENCE",
        (0.85, 0.98),
    ),
    (
        "a photo's edges are not a drawing",
        Evidence(keywords(), look=PageLook(0.3, 60.0, 0.5, 9, 9)),
        Category.OTHER,
        "PICTURE",
        (0.8, 0.9),
    ),
    (
        "filled areas on white (a dithered photo) are not a drawing",
        Evidence(keywords(), look=PageLook(0.7, 0.0, 0.6, 4, 4)),
        Category.OTHER,
        "NO_DOSSIER_EVIDENCE",
        (0.5, 0.55),
    ),
    (
        "colourful shapes on white are not a drawing",
        Evidence(keywords(), look=PageLook(0.7, 45.0, 0.5, 4, 4)),
        Category.OTHER,
        "NO_DOSSIER_EVIDENCE",
        (0.5, 0.55),
    ),
    (
        "one-way strokes (a barcode) are not a drawing",
        Evidence(keywords(), look=PageLook(0.9, 0.0, 0.0, 0, 30)),
        Category.OTHER,
        "NO_DOSSIER_EVIDENCE",
        (RULES["cap_thin"], RULES["cap_thin"]),
    ),
    (
        "English page",
        Evidence(keywords(), ENGLISH),
        Category.OTHER,
        "FOREIGN_DOCUMENT",
        (RULES["foreign_confidence"], RULES["foreign_confidence"]),
    ),
    (
        "short English text, less sure",
        Evidence(keywords(), LanguageEvidence(20, 0.0, False)),
        Category.OTHER,
        "FOREIGN_DOCUMENT",
        (RULES["cap_unsure"], RULES["cap_unsure"]),
    ),
    (
        "too few foreign words to say",
        Evidence(keywords(), LanguageEvidence(RULES["foreign_min_words"] - 1, 0.0, False)),
        Category.OTHER,
        "NO_DOSSIER_EVIDENCE",
        (RULES["cap_thin"], RULES["cap_thin"]),
    ),
    (
        "Vietnamese text with no cue at all",
        Evidence(keywords(), VIETNAMESE),
        Category.OTHER,
        "NO_DOSSIER_EVIDENCE",
        (RULES["cap_thin"], RULES["cap_thin"]),
    ),
    (
        "organisation signature supports structure",
        Evidence(keywords(result=1.5), signers=(Signer("UBND", True),)),
        Category.RESULT,
        "RESULT_EVIDENCE",
        (0.9, 0.98),
    ),
    (
        "organisation signature alone is not a result",
        Evidence(keywords(), signers=(Signer("UBND", True),)),
        Category.OTHER,
        "NO_DOSSIER_EVIDENCE",
        (0.5, RULES["cap_thin"]),
    ),
    (
        "person signature adds nothing",
        Evidence(keywords(result=1.5), signers=(Signer("An", False),)),
        Category.RESULT,
        "THIN_EVIDENCE",
        (0.5, RULES["cap_thin"]),
    ),
    (
        "a seal alone is not a result",
        Evidence(keywords(), seals=1),
        Category.OTHER,
        "NO_DOSSIER_EVIDENCE",
        (0.5, RULES["cap_thin"]),
    ),
    (
        "a seal supports structure",
        Evidence(keywords(result=1.5), seals=1),
        Category.RESULT,
        "RESULT_EVIDENCE",
        (0.8, 0.9),
    ),
    (
        "OCR time ran out caps the confidence",
        Evidence(keywords(result=8, result_type=4), ocr_exhausted=True),
        Category.RESULT,
        "RESULT_EVIDENCE",
        (RULES["ocr_exhausted_cap"], RULES["ocr_exhausted_cap"]),
    ),
]


@pytest.mark.parametrize(("name", "evidence", "category", "code", "bounds"), CASES, ids=[c[0] for c in CASES])
def test_decision_table(name, evidence, category, code, bounds) -> None:
    decision = decide(evidence, RULES)
    assert (decision.category, decision.summary) == (category, code)
    assert bounds[0] <= decision.confidence <= bounds[1], decision


def test_confidence_rises_with_the_margin_and_is_capped() -> None:
    values = [confidence_from_margin(m, RULES) for m in (0, 1, 3, 6, 50)]
    assert values[0] == 0.5 and values == sorted(values)
    assert abs(values[2] - 0.9) < 1e-9 and values[-1] == RULES["max_confidence"]


def test_settled_needs_a_one_sided_margin() -> None:
    margin = RULES["settle_margin"]
    assert settled(keywords(result=margin), RULES)
    assert not settled(keywords(result=margin - 0.5), RULES)
    assert not settled(keywords(result=margin + 1, input=2), RULES)
    assert settled(keywords(input=margin + 1), RULES)


def test_a_normative_page_does_not_lean_result() -> None:
    assert leans_result(Evidence(keywords(result=6, result_type=4)), RULES)
    assert not leans_result(Evidence(keywords(normative=7.5, result=6)), RULES)
    assert not leans_result(Evidence(keywords(result=6, result_type=4, draft=4)), RULES)


def test_process_form_document_type_and_labels() -> None:
    decision = decide(Evidence(keywords(process=6, types={"process": "giay_tiep_nhan_hen_tra"})), RULES)
    assert decision.document_type == "giay_tiep_nhan_hen_tra" and "cue process" in decision.labels


def test_a_later_page_is_a_merged_result_only_where_a_document_starts() -> None:
    closing = KeywordEvidence(
        (Hit(Cue("NOI_NHAN", "result", "any", 2.0, "nơi nhận"), "Nơi nhận:", "title"),), {"result": 2.0}
    )
    assert leans_result(Evidence(closing), RULES)
    assert not leans_result(Evidence(closing), RULES, first_page=False)
    assert leans_result(Evidence(keywords(result=2, result_type=4)), RULES, first_page=False)


def test_administrative_vocabulary_keeps_a_thin_paper_out_of_other() -> None:
    admin = Hit(Cue("ADMIN_VOCABULARY", "admin", "any", 0.0, "từ ngữ hành chính"), "Kính gửi", "body")
    decision = decide(Evidence(KeywordEvidence((admin,), {}), VIETNAMESE), RULES)
    assert (decision.category, decision.summary) == (Category.RESULT, "THIN_EVIDENCE")
    assert decision.confidence <= RULES["cap_thin"]

"""Genuine result or input component, end to end through the checker, with named evidence."""

from __future__ import annotations

import random

import pytest

from fixtures import containers as C
from fixtures.generate import Generator
from fixtures.layout import pdf_pages
from fixtures.scan import encode, encode_pages
from fixtures.texts import DOCUMENTS
from resultcheck import Category, profile

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def gen() -> Generator:
    return Generator(seed=777)


def test_text_layer_decision_is_a_result_and_says_why(checker, gen) -> None:
    _spec, page = gen.document("decision")
    verdict = checker.check_file(pdf_pages([page]), "qd.pdf")
    assert verdict.category is Category.RESULT and verdict.confidence >= 0.9
    assert verdict.document_type == "quyet_dinh"
    summary = verdict.reasons[0]
    assert summary.code == "RESULT_EVIDENCE" and "QUYẾT ĐỊNH" in summary.message and "/QĐ-" in summary.message
    assert "OCR_USED" not in verdict.codes  # the text layer sufficed


@pytest.mark.parametrize("kind", [k for k in DOCUMENTS if k != "receipt-slip"])
def test_scanned_documents_of_every_kind(checker, gen, kind) -> None:
    spec, page = gen.document(kind)
    data = encode(gen.scan(page, 200), "jpeg", 200, quality=60)
    verdict = checker.check_file(data, f"{kind}.jpg")
    assert verdict.category == spec.category, verdict.reasons[0].message
    assert "OCR_USED" in verdict.codes


def test_one_stop_receipt_is_a_process_form(checker, gen) -> None:
    _spec, page = gen.document("receipt-slip")
    verdict = checker.check_file(pdf_pages([page]), "phieu.pdf")
    assert verdict.category is Category.INPUT_COMPONENT and verdict.codes[0] == "PROCESS_FORM"


def test_merged_pdf_with_the_result_after_the_inputs(checker, gen) -> None:
    _, application = gen.document("application")
    _, decision = gen.document("decision")
    merged = encode_pages([gen.scan(application, 150), gen.scan(decision, 150)], "pdf", 150, quality=60)
    verdict = checker.check_file(merged, "ghep.pdf")
    assert verdict.category is Category.RESULT and "MERGED_RESULT" in verdict.codes


def test_a_scan_whose_first_page_decides_reads_no_other_page(checker, gen) -> None:
    """Input pages after an input page show no issuer's header: their OCR is skipped."""
    pages = [gen.scan(gen.document(k)[1], 200) for k in ("application", "declaration", "power-of-attorney")]
    with profile.recording() as recorder:
        verdict = checker.check_file(encode_pages(pages, "pdf", 200, quality=60), "dau-vao-scan.pdf")
    assert verdict.category is Category.INPUT_COMPONENT
    assert [r.page for r in verdict.reasons if r.code == "OCR_USED"] == [1]
    assert recorder.calls["layout"] == 2 and recorder.calls["ocr_title"] == 1  # one title read: page 1's
    # text lines at their tops: pages 2 and 3 are not blank, and need no ink test
    assert [r.page for r in verdict.reasons if r.code == "CONTENT_TEXT_LINES"] == [2, 3]
    assert next(r for r in verdict.reasons if r.code == "PAGES_NOT_READ").message.startswith("Không đọc kỹ trang 2, 3:")


def test_all_pages_inputs_is_an_input(checker, gen) -> None:
    pages = [gen.document(k)[1] for k in ("application", "contract", "declaration")]
    verdict = checker.check_file(pdf_pages(pages), "dau-vao.pdf")
    assert verdict.category is Category.INPUT_COMPONENT


def test_rotated_scan_is_turned_upright(checker, gen) -> None:
    _, page = gen.document("declaration")
    data = encode(gen.scan(page, 200).rotate(90, expand=True), "jpeg", 200, quality=70)
    verdict = checker.check_file(data, "xoay.jpg")
    assert verdict.category is Category.INPUT_COMPONENT and "PAGE_ROTATED" in verdict.codes


def test_id_card_copy(checker, gen) -> None:
    fixtures = list(gen.id_cards(0))
    verdict = checker.check_file(fixtures[0].data, "cccd.pdf")
    assert verdict.category is Category.INPUT_COMPONENT and verdict.document_type == "cccd"


def test_drawing_is_an_input(checker, gen) -> None:
    for fixture in gen.drawings(0):
        assert checker.check_file(fixture.data, fixture.path).category is Category.INPUT_COMPONENT


def test_office_documents_and_rtf(checker) -> None:
    rng = random.Random(5)
    decision = [line.text for line in DOCUMENTS["decision"](rng).lines]
    application = [line.text for line in DOCUMENTS["application"](rng).lines]
    for build in (C.docx_bytes, C.odt_bytes, C.rtf_bytes):
        assert checker.check_file(build(decision), "kq").category is Category.RESULT, build
        assert checker.check_file(build(application), "don").category is Category.INPUT_COMPONENT, build


def test_content_without_dossier_evidence_is_other_with_low_confidence(checker) -> None:
    verdict = checker.check_file(C.docx_bytes(["Danh sách cán bộ tham gia tập huấn năm 2024."]), "ds.docx")
    assert verdict.category is Category.OTHER and verdict.codes[0] == "NO_DOSSIER_EVIDENCE"
    assert verdict.confidence <= 0.55  # a person looks


def test_a_scan_whose_text_layer_is_only_a_signature_stamp_is_still_read(checker, gen) -> None:
    """Signing software adds a short text layer to scanned PDFs; it must not replace OCR."""
    import io

    from reportlab.lib.units import mm
    from reportlab.lib.utils import ImageReader
    from reportlab.pdfgen import canvas

    _, page = gen.document("application")
    image = gen.scan(page, 200)
    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=(210 * mm, 297 * mm))
    c.drawImage(ImageReader(image), 0, 0, 210 * mm, 297 * mm)
    c.setFont("Helvetica", 7)
    c.drawString(140 * mm, 285 * mm, "Ky boi: So Tu phap")
    c.drawString(140 * mm, 281 * mm, "Thoi gian ky: 05.03.2025 10:15:22 +07:00")
    c.showPage()
    c.save()
    verdict = checker.check_file(buf.getvalue(), "stamp.pdf")
    assert "OCR_USED" in verdict.codes and verdict.category is Category.INPUT_COMPONENT


def test_a_scan_whose_text_layer_is_an_old_ocr_without_vietnamese_is_read_again(checker, gen) -> None:
    """An old OCR layer ("QUYETDJNH", "Ciin cu lu(,1") is long but says nothing: the pixels are read."""
    import io

    from reportlab.lib.units import mm
    from reportlab.lib.utils import ImageReader
    from reportlab.pdfgen import canvas

    _, page = gen.document("decision")
    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=(210 * mm, 297 * mm))
    c.drawImage(ImageReader(gen.scan(page, 200)), 0, 0, 210 * mm, 297 * mm)
    text = c.beginText(20 * mm, 280 * mm)
    text.setTextRenderMode(3)  # invisible, as OCR layers are
    text.setFont("Helvetica", 9)
    for _ in range(14):
        text.textLine("Ciin cu lu(,1 T6 chiir chi11h qu)ldn t'lja phuung ngay /9 thong OZ 11am 1025 Dqc 1,p T\\I' do")
    c.drawText(text)
    c.showPage()
    c.save()
    verdict = checker.check_file(buf.getvalue(), "qd.pdf")
    assert "OCR_USED" in verdict.codes
    assert verdict.category is Category.RESULT and verdict.confidence >= 0.7


@pytest.mark.parametrize(
    "name, category, code",
    [
        (
            "input_component/don-khieu-nai.pdf",
            Category.INPUT_COMPONENT,
            "INPUT_EVIDENCE",
        ),  # cites a decision it disputes
        ("input_component/danh-sach-thanh-vien.pdf", Category.INPUT_COMPONENT, "NO_RESULT_STRUCTURE"),
        ("result/ly-lich-tu-phap.pdf", Category.RESULT, "RESULT_EVIDENCE"),
        ("result/giay-phep-kinh-doanh-ruou.pdf", Category.RESULT, "RESULT_EVIDENCE"),  # "có giá trị đến" is no ID card
    ],
)
def test_documents_written_apart_from_the_generator(checker, name, category, code) -> None:
    from fixtures import wording

    data = next(f.data for f in wording.fixtures(scans=False) if f.path == name)
    verdict = checker.check_file(data, name)
    assert (verdict.category, verdict.reasons[0].code) == (category, code), verdict.reasons[0].message

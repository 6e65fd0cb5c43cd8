"""Blank detection, both directions: hard blanks must be blank, hard non-blanks must not be."""

from __future__ import annotations

import numpy as np
import pytest
from resultcheck.detectors.blank import judge_page

from fixtures.layout import Line, Mark, PageLayout, draw_page, layout_lines, pdf_pages
from fixtures.scan import ScanStyle, encode, encode_pages, scanify
from resultcheck import Category

DPI = 200


def scan(page: PageLayout, seed: int, dpi: int = DPI, **style) -> np.ndarray:
    img = scanify(draw_page(page, dpi), dpi, ScanStyle(**style), np.random.default_rng(seed))
    return np.asarray(img.convert("L"))


def empty(family: str = "liberation-serif") -> PageLayout:
    return PageLayout(family)


def one_line(text: str, top_mm: float, size: float = 13) -> PageLayout:
    page = empty()
    page.runs.extend(layout_lines([Line(text, "center", size)], page.family, margins=(top_mm, 15, 20, 30)).runs)
    return page


def judge(gray: np.ndarray, rules, scanned: bool = True, dpi: int = DPI):
    return judge_page(gray, dpi / 25.4, scanned, rules)


@pytest.fixture(scope="module")
def rules(checker):
    return checker.config.rules.section("blank")


@pytest.fixture(scope="module")
def decision_page(generator):
    return generator.document("decision")[1]


# ------------------------------------------------------------------ hard blanks


@pytest.mark.parametrize(
    "style",
    [
        {"paper": 255, "noise_sigma": 0},  # pure white
        {"paper": 246, "noise_sigma": 6, "specks": 3000, "dust": 40},  # specks and dust
        {"paper": 222, "tint": (1.0, 0.96, 0.88), "noise_sigma": 12},  # grey recycled paper
        {"paper": 140, "noise_sigma": 8, "gradient": 0.15},  # dark, under-exposed
        {"paper": 244, "shadow": "left", "holes": True},  # edge shadow + punch holes
        {"paper": 244, "shadow": "bottom", "gradient": 0.1},
    ],
    ids=["white", "specks", "grey", "dark", "shadow-holes", "shadow-bottom"],
)
def test_hard_blank_scans_are_blank(rules, style) -> None:
    ink = judge(scan(empty(), seed=1, **style), rules)
    assert ink.blank, ink


def test_faint_mirrored_show_through_is_blank(rules, decision_page) -> None:
    back = draw_page(decision_page, DPI)
    ink = judge(scan(empty(), seed=2, paper=245, bleed=back, bleed_contrast=28), rules)
    assert ink.blank and ink.code == "BLANK_SHOW_THROUGH"


@pytest.mark.parametrize("text, top", [("- 2 -", 283), ("Trang 3", 283), ("5", 12)])
def test_page_number_alone_is_blank(rules, text, top) -> None:
    ink = judge(scan(one_line(text, top, size=11), seed=3), rules)
    assert ink.blank and ink.code == "BLANK_PAGE_NUMBER_ONLY", ink


def test_ocr_is_never_asked_about_blankness(checker, monkeypatch) -> None:
    import pytesseract

    def forbidden(*args, **kwargs):
        raise AssertionError("OCR must not decide blankness")

    for name in ("image_to_string", "image_to_data", "image_to_osd"):
        monkeypatch.setattr(pytesseract, name, forbidden)
    monkeypatch.setattr(pytesseract.pytesseract, "run_tesseract", forbidden)
    from resultcheck.detectors import ocr

    monkeypatch.setattr(ocr, "warm_engine", forbidden)
    img = scanify(draw_page(empty(), 150), 150, ScanStyle(paper=225, noise_sigma=12), np.random.default_rng(4))
    assert checker.check_file(encode(img, "jpeg", 150, quality=50), "grey.jpg").category is Category.BLANK


# ------------------------------------------------------------------ hard non-blanks


def test_a_single_short_line_is_not_blank(rules) -> None:
    ink = judge(scan(one_line("Đã nhận đủ hồ sơ.", 140), seed=5), rules)
    assert not ink.blank and ink.code == "CONTENT_INK"


@pytest.mark.parametrize("top", [6, 14])
def test_a_line_close_to_the_edge_is_not_holes(rules, top) -> None:
    """Round letters near an edge, even spaced out, have neighbours; a punch hole has clean paper around it."""
    ink = judge(scan(one_line("H Ồ   S Ơ   Đ Ấ T   Đ A I", top, size=14), seed=5), rules)
    assert not ink.blank and ink.code == "CONTENT_INK", ink


def test_a_signature_alone_is_not_blank(rules) -> None:
    page = empty()
    page.marks.append(Mark("signature", 120, 200, 45, 14, (25, 45, 160), seed=3))
    assert not judge(scan(page, seed=6), rules).blank


def test_a_seal_alone_is_not_blank_even_in_grey(rules) -> None:
    page = empty()
    page.marks.append(Mark("seal", 110, 190, 36, 36, (205, 35, 40)))
    assert not judge(scan(page, seed=7, paper=230, noise_sigma=8), rules).blank


def test_text_on_dark_grey_and_bleeding_paper_is_not_blank(rules, decision_page) -> None:
    for style in (
        {"paper": 135, "noise_sigma": 8},
        {"paper": 215, "noise_sigma": 12},
        {"paper": 245, "bleed": draw_page(decision_page, DPI), "bleed_contrast": 25},
    ):
        assert not judge(scan(decision_page, seed=8, **style), rules).blank, style


def test_a_dark_grey_sheet_on_a_white_lid_is_blank_not_a_picture(checker) -> None:
    """The white a skewed scan leaves around a dark sheet is not the sheet: the sheet is the paper."""
    import io

    from PIL import Image

    rng = np.random.default_rng(9)
    sheet = np.clip(rng.normal(102, 3, (1754, 1240)), 0, 255).astype(np.uint8)
    image = Image.fromarray(sheet).rotate(2.5, expand=True, fillcolor=255)
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=85, dpi=(150, 150))
    verdict = checker.check_file(buffer.getvalue(), "trang-xam.jpg")
    assert verdict.category is Category.BLANK, verdict


def test_punch_holes_of_a_skewed_grey_sheet_on_a_white_lid_are_blank(rules) -> None:
    """The sheet's rim against the lid, where it meets the image's border, is no ink; two holes at
    different depths are still a row."""
    from PIL import Image, ImageDraw

    dpi = 150
    mm = lambda v: round(v * dpi / 25.4)  # noqa: E731
    sheet = Image.new("L", (mm(210), mm(297)), 136)
    draw = ImageDraw.Draw(sheet)
    for y in (100, 207):
        draw.ellipse([mm(8), mm(y - 5), mm(18), mm(y + 5)], fill=95, outline=40, width=3)
    scan = sheet.rotate(2.0, fillcolor=250)  # the lid shows in the corners
    ink = judge(np.asarray(scan), rules, dpi=dpi)
    assert ink.blank and ink.code == "BLANK_SCAN_ARTEFACTS", ink


def test_vector_drawing_without_text_is_not_blank(checker, generator) -> None:
    """Stirling-PDF drops such pages: no text, no image. We render and see the lines."""
    verdict = checker.check_file(pdf_pages([generator.floor_plan()]), "ban-ve.pdf")
    assert verdict.category is not Category.BLANK
    assert "CONTENT_INK" in verdict.codes


def test_text_layer_page_needs_no_rendering(checker, decision_page) -> None:
    verdict = checker.check_file(pdf_pages([decision_page]), "qd.pdf")
    assert verdict.category is not Category.BLANK and "CONTENT_TEXT_LAYER" in verdict.codes


# ------------------------------------------------------------------ files: every page or none


def test_file_is_blank_only_if_every_page_is(checker, decision_page) -> None:
    trailing = checker.check_file(pdf_pages([decision_page, empty()]), "kq.pdf")
    assert trailing.category is not Category.BLANK and "BLANK_SOME_PAGES" in trailing.codes
    pages = [
        scanify(draw_page(empty(), 150), 150, ScanStyle(noise_sigma=5, specks=300), np.random.default_rng(i))
        for i in range(3)
    ]
    all_blank = checker.check_file(encode_pages(pages, "tiff", 150), "trang.tiff")
    assert all_blank.category is Category.BLANK and all_blank.pages == 3
    assert all_blank.codes[0] == "BLANK_FILE"


def test_bitonal_group4_tiff(checker, decision_page) -> None:
    def g4(page: PageLayout) -> bytes:
        img = scanify(draw_page(page, 300), 300, ScanStyle(specks=800, noise_sigma=3), np.random.default_rng(9))
        return encode(img, "tiff", 300, bitonal=True)

    assert checker.check_file(g4(empty()), "b.tiff").category is Category.BLANK
    assert checker.check_file(g4(decision_page), "d.tiff").category is not Category.BLANK


def test_empty_and_whitespace_docx_is_blank(checker) -> None:
    from fixtures.containers import docx_bytes, odt_bytes

    assert checker.check_file(docx_bytes(["", "  "]), "a.docx").codes == ("BLANK_DOCUMENT",)
    assert checker.check_file(odt_bytes([""]), "a.odt").category is Category.BLANK
    assert checker.check_file(docx_bytes(["Đơn đề nghị"]), "b.docx").category is not Category.BLANK


# ------------------------------------------------------------------ the sheet's and the scanner's marks


def _streak(draw, rng, mm, vertical: bool, at_mm: float, skew: float) -> None:
    """A dirty drum's streak: fuzzy dots and smudges along the whole page, slightly skewed."""
    for t in np.arange(8, 289 if vertical else 202, 1.2):
        if rng.random() < 0.35:
            continue
        across = at_mm + skew * t + rng.normal(0, 0.6)
        r = rng.uniform(0.3, 1.4) if rng.random() < 0.8 else rng.uniform(1.5, 2.5)
        x, y = (across, t) if vertical else (t, across)
        draw.ellipse([mm(x - r), mm(y - r), mm(x + r), mm(y + r)], fill=(int(rng.integers(40, 110)),) * 3)


def _sheet_edges(draw, rng, mm) -> None:
    """The edges of the pages under the sheet (PageBorder) and a lid-white wedge of a rotated sheet."""
    draw.line([mm(9), mm(60), mm(10), mm(240)], fill=(60, 60, 60), width=2)
    draw.line([mm(30), mm(289), mm(180), mm(291)], fill=(50, 50, 50), width=3)


def _binding_holes(draw, rng, mm) -> None:
    for x in (45, 100, 155):
        draw.rectangle([mm(x), mm(6), mm(x + 12), mm(12)], outline=(30, 30, 30), width=3)


def _clip_marks(draw, rng, mm) -> None:
    """A fastener leaves two touching marks (a clip's jaws), three fasteners along the top."""
    for x in (45, 100, 155):
        for part in (0.0, 7.1):
            draw.rectangle([mm(x + part), mm(7), mm(x + part + 6.5), mm(10.4)], fill=(35, 35, 35))


def _comb_slots(draw, rng, mm) -> None:
    """A comb binding's wide slots along the top, a slot's width of clean paper between two."""
    for x in range(17, 190, 32):
        draw.rectangle([mm(x), mm(4), mm(x + 14), mm(11)], fill=(40, 40, 40))


def _lone_ring(draw, rng, mm) -> None:
    """One punch hole's rim, in two pieces; the row's other holes too light to count as ink."""
    draw.arc([mm(10), mm(142), mm(20), mm(152)], 200, 160, fill=(45, 45, 45), width=mm(0.8))
    for y in (62, 222):
        draw.ellipse([mm(10), mm(y), mm(20), mm(y + 10)], outline=(205, 205, 205), width=mm(0.5))


def _drum_dashes(draw, rng, mm) -> None:
    """A streak whose dots ran into long dashes, starting and ending far from the edges."""
    y = 50.0
    while y < 250:
        length = rng.uniform(35, 60)
        draw.line([mm(130), mm(y), mm(130.3), mm(min(y + length, 250))], fill=(50, 50, 50), width=mm(1.2))
        y += length + rng.uniform(3, 6)


ARTEFACTS = {
    "drum-vertical": lambda d, r, mm: (_streak(d, r, mm, True, 70, 0.02), _streak(d, r, mm, True, 150, 0.02)),
    "drum-horizontal": lambda d, r, mm: (_streak(d, r, mm, False, 120, -0.01), _streak(d, r, mm, False, 200, 0.0)),
    "drum-dashes": _drum_dashes,
    "sheet-edges": _sheet_edges,
    "binding-holes": _binding_holes,
    "clip-marks": _clip_marks,
    "comb-slots": _comb_slots,
    "lone-ring": _lone_ring,
}


def _with(page: PageLayout, artefact: str, seed: int, dpi: int = 150) -> np.ndarray:
    from PIL import ImageDraw

    img = draw_page(page, dpi)
    rng = np.random.default_rng(seed)
    ARTEFACTS[artefact](ImageDraw.Draw(img), rng, lambda v: round(v * dpi / 25.4))
    return np.asarray(scanify(img, dpi, ScanStyle(paper=232, noise_sigma=5), rng).convert("L"))


@pytest.mark.parametrize("artefact", list(ARTEFACTS))
def test_only_the_sheets_and_the_scanners_marks_is_blank(rules, artefact) -> None:
    plain = judge(_with(empty(), artefact, seed=11), rules, dpi=150)
    assert plain.blank and plain.code == "BLANK_SCAN_ARTEFACTS", plain


def _signature() -> PageLayout:
    page = empty()
    page.marks.append(Mark("signature", 120, 200, 45, 14, (25, 45, 160), seed=3))
    return page


def _seal() -> PageLayout:
    page = empty()
    page.marks.append(Mark("seal", 110, 150, 36, 36, (205, 35, 40)))
    return page


@pytest.mark.parametrize("artefact", list(ARTEFACTS))
@pytest.mark.parametrize(
    "content",
    [
        lambda: one_line("Đã nhận đủ hồ sơ.", 140),
        lambda: one_line("Số: 125/QĐ-UBND", 30, size=12),
        _signature,
        _seal,
    ],
    ids=["short-line", "number-line", "signature", "seal"],
)
def test_content_beside_the_scanners_marks_is_not_blank(rules, artefact, content) -> None:
    ink = judge(_with(content(), artefact, seed=12), rules, dpi=150)
    assert not ink.blank and ink.code == "CONTENT_INK", ink


def test_a_text_page_with_drum_streaks_is_not_blank(rules, decision_page) -> None:
    for artefact in ("drum-vertical", "drum-horizontal"):
        assert not judge(_with(decision_page, artefact, seed=13), rules, dpi=150).blank, artefact


@pytest.mark.parametrize("seed, angle", [(1, 90), (2, 270), (5, 270)])
def test_a_page_scanned_sideways_is_not_streaks(rules, seed, angle) -> None:
    """Its text lines run down the page, as drum streaks do; but they stop at the page's margins."""
    from fixtures.generate import Generator

    g = Generator(seed)
    img = g.scan(g.document("receipt-slip")[1], 150).rotate(angle, expand=True)
    assert not judge(np.asarray(img.convert("L")), rules, dpi=150).blank

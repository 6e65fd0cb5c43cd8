"""Tesseract OCR: Vietnamese text, orientation, bounded time; and its absence handled."""

from __future__ import annotations

import numpy as np
import pytest
from resultcheck.detectors import ocr

from fixtures.layout import Line, PageLayout, draw_page, layout_lines
from fixtures.scan import ScanStyle, encode, scanify
from resultcheck import Category, Checker, Config

pytestmark = pytest.mark.slow


def title_page() -> PageLayout:
    return layout_lines(
        [
            Line("QUYẾT ĐỊNH", "center", 16, 1),
            Line("Về việc cấp giấy phép xây dựng", "center", 14),
            Line("Căn cứ Luật Tổ chức chính quyền địa phương ngày 19 tháng 6 năm 2015;", size=13),
        ],
        "liberation-serif",
    )


def gray(page: PageLayout, dpi: int = 200) -> np.ndarray:
    return np.asarray(draw_page(page, dpi).convert("L"))


def test_recognises_vietnamese_with_diacritics() -> None:
    result = ocr.recognise(ocr.clean_for_ocr(gray(title_page())[:800], 200 / 25.4), lang="vie", timeout=30)
    text = "\n".join(line.text for line in result.lines)
    assert "QUYẾT ĐỊNH" in text and "giấy phép xây dựng" in text
    assert result.confident_words >= 8 and not result.timed_out
    assert [line.top for line in result.lines] == sorted(line.top for line in result.lines)


def test_finds_the_rotation_of_a_sideways_page() -> None:
    page = layout_lines(
        [
            Line("Ủy ban nhân dân huyện thông báo kết quả giải quyết hồ sơ cho công dân. " * 3, size=13)
            for _ in range(12)
        ],
        "dejavu-serif",
    )
    upright = gray(page, 150)
    assert ocr.rotation_needed(ocr.rotate(upright, 270), timeout=30) == 90
    assert ocr.rotation_needed(upright, timeout=30) == 0


@pytest.mark.parametrize("engine", ["warm", "cli"])
def test_ocr_is_bounded_in_time(engine, monkeypatch) -> None:
    monkeypatch.setenv("RESULTCHECK_OCR_ENGINE", engine)
    page = layout_lines(
        [Line("Căn cứ Nghị định số 30/2020/NĐ-CP ngày 05 tháng 3 năm 2020 của Chính phủ; " * 2) for _ in range(40)],
        "dejavu-serif",
    )
    big = np.tile(gray(page, 300), (2, 2))
    result = ocr.recognise(big, lang="vie", timeout=1)
    assert result.timed_out and result.lines == ()


def test_the_warm_engine_reads_as_the_command_line_does(monkeypatch) -> None:
    if ocr.warm_engine("vie") is None:
        pytest.skip("libtesseract cannot be loaded")
    page = layout_lines(
        [Line("QUYẾT ĐỊNH", size=15, style=1)]
        + [Line("Về việc cấp giấy phép xây dựng cho hộ gia đình ông Nguyễn Văn An", size=13) for _ in range(4)],
        "dejavu-serif",
    )
    image = ocr.clean_for_ocr(gray(page, 200), 200 / 25.4)
    warm = ocr.recognise(image, lang="vie", timeout=30)
    monkeypatch.setenv("RESULTCHECK_OCR_ENGINE", "cli")
    cli = ocr.recognise(image, lang="vie", timeout=30)
    assert [line.text for line in warm.lines] == [line.text for line in cli.lines]
    assert [round(line.top, 3) for line in warm.lines] == [round(line.top, 3) for line in cli.lines]
    assert warm.confident_words >= 20 and not warm.timed_out


def test_a_library_of_another_version_than_the_stamped_one_is_not_used(monkeypatch) -> None:
    """Verdicts stamp the command line's version: a libtesseract of another version on the
    library path would read differently, so the command line reads instead."""
    from resultcheck.detectors import libtesseract

    monkeypatch.setattr(libtesseract, "cli_version", lambda: "9.9.9")
    assert ocr.warm_engine("vie") is None


def test_missing_tesseract_is_a_reason_not_a_crash(monkeypatch) -> None:
    import pytesseract

    monkeypatch.setenv("RESULTCHECK_OCR_ENGINE", "cli")  # the warm engine does not need the binary
    monkeypatch.setattr(pytesseract.pytesseract, "tesseract_cmd", "/nonexistent/tesseract")
    img = scanify(draw_page(title_page(), 200), 200, ScanStyle(), np.random.default_rng(1))
    verdict = Checker(Config(), isolate=False).check_file(encode(img, "png", 200), "scan.png")
    assert "OCR_UNAVAILABLE" in verdict.codes and verdict.confidence <= 0.55


def test_no_ocr_mode_never_calls_tesseract(monkeypatch) -> None:
    import pytesseract

    def forbidden(*args, **kwargs):
        raise AssertionError("OCR was disabled")

    monkeypatch.setattr(pytesseract.pytesseract, "run_tesseract", forbidden)
    monkeypatch.setattr(ocr, "warm_engine", forbidden)
    img = scanify(draw_page(title_page(), 200), 200, ScanStyle(), np.random.default_rng(1))
    verdict = Checker(Config(ocr=False), isolate=False).check_file(encode(img, "png", 200), "scan.png")
    assert "OCR_DISABLED" in verdict.codes and verdict.category is not Category.BLANK


def test_the_title_zone_is_cut_between_text_lines() -> None:
    binary = np.full((100, 50), 255, np.uint8)
    binary[10:30] = 0  # a line of text...
    binary[40:60] = 0  # ...and the next one: the quiet rows are 30-39
    assert 30 <= ocr.quiet_row(binary, near=28, reach=5) <= 33  # never inside a line
    assert 36 <= ocr.quiet_row(binary, near=41, reach=5) <= 39
    assert ocr.quiet_row(binary, near=5, reach=0) == 5  # nowhere to look: the cut stays put


def test_two_reads_of_one_image_stack_into_one() -> None:
    upper = ocr.OcrResult((ocr.OcrLine("ỦY BAN NHÂN DÂN", 0.5, 90.0),), 3, 3, 0.1)
    lower = ocr.OcrResult((ocr.OcrLine("Căn cứ Luật", 0.5, 80.0),), 3, 2, 0.2, timed_out=True)
    both = ocr.stack(upper, lower, 0.6)
    assert [(line.text, round(line.top, 2)) for line in both.lines] == [("ỦY BAN NHÂN DÂN", 0.3), ("Căn cứ Luật", 0.8)]
    assert (both.words, both.confident_words, round(both.seconds, 1), both.timed_out) == (6, 5, 0.3, True)


def test_a_decision_is_settled_by_its_header_alone(checker, monkeypatch) -> None:
    """The quick read takes the header and type name first (the top quarter of an A4 page,
    width:height about 1:0.35); a decision needs nothing more (the title zone is 1:0.59)."""
    from fixtures.generate import Generator

    shapes = []
    recognise = ocr.recognise

    def spy(image, **kwargs):
        shapes.append(image.shape)
        return recognise(image, **kwargs)

    monkeypatch.setattr(ocr, "recognise", spy)
    gen = Generator(seed=31)
    _, page = gen.document("decision")
    verdict = checker.check_file(encode(gen.scan(page, 200), "pdf", 200, quality=70), "qd.pdf")
    assert verdict.category is Category.RESULT and verdict.confidence >= 0.9
    assert len(shapes) == 1 and shapes[0][0] / shapes[0][1] < 0.45


def test_leptonica_complaints_do_not_reach_the_callers_stderr(capfd) -> None:
    """Leptonica prints "Error in …" for boxes Tesseract clips anyway; a library user's
    terminal or log should not fill with them."""
    import ctypes

    from resultcheck.detectors import libtesseract

    try:
        lept = ctypes.CDLL("liblept.so.5")
    except OSError:
        pytest.skip("Leptonica 1.x is not installed under this name")
    clip = lept.boxClipToRectangle
    clip.restype, clip.argtypes = ctypes.c_void_p, [ctypes.c_void_p, ctypes.c_int, ctypes.c_int]
    assert libtesseract.quiet_leptonica()
    clip(None, 10, 10)  # "Error in boxClipToRectangle: box not defined" while Leptonica may speak
    assert "Error in" not in capfd.readouterr().err

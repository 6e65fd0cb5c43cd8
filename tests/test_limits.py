"""Every named limit, lowered until it fires: a verdict with a LIMIT_* reason, never an exception.

Also the isolation of parsing: a hang, a crash or runaway memory kills only that attempt.
"""

from __future__ import annotations

import os
import signal
import threading
import time
from pathlib import Path

import pytest

from fixtures import containers as C
from fixtures.generate import Generator
from fixtures.layout import Line, layout_lines
from fixtures.scan import encode
from resultcheck import Category, Checker, Config
from tests.conftest import slow_scan as dense_scan

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def gen() -> Generator:
    return Generator(seed=31)


@pytest.fixture(scope="module")
def slow_scan(gen) -> bytes:
    return dense_scan(gen)


def limited(**limits) -> Checker:
    return Checker(Config().with_limits(**limits), isolate=False)


def test_limit_ocr_seconds_per_page(gen) -> None:
    page = layout_lines(
        [Line("Căn cứ Nghị định số 30/2020/NĐ-CP ngày 05 tháng 3 năm 2020 của Chính phủ; " * 3) for _ in range(45)],
        "dejavu-serif",
    )
    data = encode(gen.scan(page, 300, noise_sigma=20), "png", 300, gray=True)
    verdict = limited(ocr_seconds_per_page=1).check_file(data, "day.png")
    assert "LIMIT_OCR_PAGE_TIME" in verdict.codes and verdict.confidence <= 0.6


def test_limit_ocr_seconds_per_file(slow_scan) -> None:
    verdict = limited(ocr_seconds_per_file=0.5).check_file(slow_scan, "3-trang.pdf")
    assert "LIMIT_OCR_TIME" in verdict.codes and verdict.confidence <= 0.6


def test_limit_archive_declared_size() -> None:
    verdict = limited(max_archive_declared_bytes=1000).check_file(C.zip_bytes({"a.pdf": b"x" * 5000}), "a.zip")
    assert verdict.category is Category.ARCHIVE and "LIMIT_ARCHIVE_SIZE" in verdict.codes


def test_limit_seconds_per_file_stops_the_parser_and_recovers(slow_scan) -> None:
    checker = Checker(Config().with_limits(seconds_per_file=1))
    try:
        started = time.monotonic()
        verdict = checker.check_file(slow_scan, "cham.pdf")
        assert time.monotonic() - started < 10
        assert verdict.category is Category.UNREADABLE and verdict.codes == ("LIMIT_FILE_TIME",)
        assert checker.check_file(b"", "next").category is Category.BLANK  # a fresh parser process
    finally:
        checker.close()


def test_a_crashing_parser_kills_only_that_attempt(slow_scan) -> None:
    checker = Checker(Config())
    try:
        checker.check_file(b"", "warm")
        result: dict = {}
        worker = threading.Thread(target=lambda: result.setdefault("v", checker.check_file(slow_scan, "x.pdf")))
        worker.start()
        time.sleep(1.0)
        os.kill(checker.files._process.pid, signal.SIGSEGV)  # as if PDFium had crashed
        worker.join(60)
        verdict = result["v"]
        assert verdict.category is Category.UNREADABLE and verdict.codes == ("PARSER_CRASHED",)
        assert "SIGSEGV" in verdict.reasons[0].message
        assert checker.check_file(b"", "next").category is Category.BLANK
    finally:
        checker.close()


def test_limit_memory(gen) -> None:
    import io

    from PIL import Image

    probe = Checker(Config())
    probe.check_file(b"", "warm")
    baseline = (
        int(
            next(
                line.split()[1]
                for line in Path(f"/proc/{probe.files._process.pid}/status").read_text().splitlines()
                if line.startswith("VmSize:")
            )
        )
        * 1024
    )
    probe.close()
    buf = io.BytesIO()
    Image.new("L", (12000, 12000), 255).save(buf, "PNG")  # 144 MP: ~0.6 GB once decoded to RGB
    checker = Checker(Config().with_limits(max_memory_bytes=baseline + 300 * 1024**2, max_page_megapixels=500))
    try:
        verdict = checker.check_file(buf.getvalue(), "lon.png")
        assert verdict.category is Category.UNREADABLE and verdict.codes == ("LIMIT_MEMORY",)
        assert checker.check_file(b"", "next").category is Category.BLANK
    finally:
        checker.close()

"""Every reason code the package can emit is asserted by a test; this file holds the file-level
ones that no other test names, one small input each (milliseconds, in-process)."""

from __future__ import annotations

import io
import pathlib
import subprocess

import numpy as np
import pytest
from PIL import Image

from fixtures import containers as C
from fixtures.layout import Line, layout_lines, pdf_pages
from fixtures.scan import ScanStyle, encode, scanify
from resultcheck.messages import MESSAGES

TESTS = pathlib.Path(__file__).resolve().parent


def _pdf() -> bytes:
    return pdf_pages([layout_lines([Line("QUYẾT ĐỊNH", size=16)], "dejavu-serif")])


def _png_header_then_junk() -> bytes:
    return b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + bytes(range(200))


def _truncated_jpeg() -> bytes:
    buf = io.BytesIO()
    Image.fromarray(np.random.default_rng(1).integers(0, 255, (400, 300, 3), dtype=np.uint8)).save(buf, "JPEG")
    return buf.getvalue()[: len(buf.getvalue()) // 2]


def _specks_only() -> bytes:
    page = Image.new("RGB", (1240, 1754), "white")
    return encode(scanify(page, 150, ScanStyle(paper=235, specks=400), np.random.default_rng(4)), "jpeg", 150)


def _no_pages_pdf() -> bytes:
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [] /Count 0 >>"]
    out = bytearray(b"%PDF-1.7\n")
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 3\n0000000000 65535 f \n" + b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size 3 /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % xref
    return bytes(out)


CASES = [
    ("EMPTY_FILE", lambda: b"", "x.pdf"),
    ("ARCHIVE", lambda: C.zip_bytes({"kq.pdf": b"%PDF-1.4"}), "kq.zip"),
    ("ARCHIVE_ENCRYPTED", lambda: C.encrypted_zip("kq.pdf", b"%PDF-1.4 secret"), "kq.zip"),
    ("ARCHIVE_POLYGLOT", lambda: _truncated_jpeg() + C.zip_bytes({"kq.pdf": b"x"}), "kq.jpg"),
    ("ARCHIVE_UNLISTABLE", lambda: C.seven_zip_bytes({"a": b"b"})[:40], "kq.7z"),
    ("UNSUPPORTED_TYPE", lambda: C.html_page("Kết quả"), "kq.html"),
    ("UNSUPPORTED_LEGACY_WORD", lambda: C.ole_word_like(), "kq.doc"),
    ("UNSUPPORTED_OFFICE_TYPE", lambda: C.xlsx_like(["a"]), "kq.xlsx"),
    ("PDF_CORRUPT", C.corrupt_pdf, "kq.pdf"),
    ("PDF_TRUNCATED", lambda: C.truncated(_pdf()), "kq.pdf"),
    ("PDF_ENCRYPTED", lambda: C.encrypted_pdf(_pdf()), "kq.pdf"),
    ("PDF_NO_PAGES", _no_pages_pdf, "kq.pdf"),
    ("PDF_HEADER_LATE", lambda: bytes(2000) + _pdf(), "kq.pdf"),
    ("IMAGE_CORRUPT", _png_header_then_junk, "kq.png"),
    ("IMAGE_TRUNCATED", _truncated_jpeg, "kq.jpg"),
    ("OFFICE_ENCRYPTED", lambda: C.ole_file({"EncryptionInfo": bytes(64), "EncryptedPackage": bytes(64)}), "kq.docx"),
    ("BLANK_NOISE_ONLY", _specks_only, "trang.jpg"),
    ("CONTENT_DOCUMENT", lambda: C.docx_bytes(["QUYẾT ĐỊNH", "Điều 1. Cấp giấy phép."]), "kq.docx"),
    ("CUE", lambda: C.docx_bytes(["QUYẾT ĐỊNH"]), "kq.docx"),
]


@pytest.mark.parametrize(("code", "build", "name"), CASES, ids=[c[0] for c in CASES])
def test_each_file_code_has_an_input_that_emits_it(checker, code: str, build, name: str) -> None:
    verdict = checker.check_file(build(), name)
    assert code in verdict.codes, verdict.codes


def test_a_legacy_word_converter_that_hangs_is_a_time_limit(checker, monkeypatch) -> None:
    def hang(*args, **kwargs):
        raise subprocess.TimeoutExpired("catdoc", 1)

    monkeypatch.setattr("resultcheck.documents.subprocess.run", hang)
    verdict = checker.check_file(C.rtf_bytes(["Quyết định"]), "kq.rtf")
    assert "LIMIT_TIME" in verdict.codes


def test_every_reason_code_is_asserted_by_some_test() -> None:
    """A code that no test names is a behaviour nobody checks."""
    sources = "\n".join(p.read_text(encoding="utf-8") for p in TESTS.glob("test_*.py"))
    missing = [code for code in MESSAGES if f'"{code}"' not in sources and f"'{code}'" not in sources]
    assert not missing, f"reason codes no test asserts: {missing}"


def test_a_red_seal_is_named(checker) -> None:
    sample = pathlib.Path(__file__).resolve().parent.parent / "fixtures" / "samples" / "not_blank" / "seal-only.jpg"
    assert "SEAL_FOUND" in checker.check_file(sample).codes


def test_a_detector_bug_is_an_internal_error_verdict(checker, monkeypatch) -> None:
    def broken(*args, **kwargs):
        raise ZeroDivisionError("bug")

    monkeypatch.setattr("resultcheck.pipeline.blank.judge_page", broken)
    verdict = checker.check_file(_specks_only(), "trang.jpg")
    assert verdict.category == "unreadable" and verdict.codes == ("INTERNAL_ERROR",)


def test_a_certified_copy_is_the_result_where_the_procedure_says_so() -> None:
    from resultcheck.judge import certified_copy_as_result
    from resultcheck.messages import reason
    from resultcheck.models import Category, FileVerdict

    cue = reason(
        "CUE",
        "keywords",
        label="lời chứng thực",
        text="Chứng thực bản sao đúng với bản chính",
        data={"cue": "CHUNG_THUC", "side": "certified", "weight": 4.0, "zone": "body"},
    )
    copy = FileVerdict("bs.jpg", "0" * 64, 10, "image/jpeg", Category.INPUT_COMPONENT, 0.9, (cue,), {})
    verdict = certified_copy_as_result(copy)
    assert verdict.category is Category.RESULT and verdict.codes[0] == "CERTIFIED_COPY_IS_RESULT"
    uncertified = FileVerdict("don.jpg", "0" * 64, 10, "image/jpeg", Category.INPUT_COMPONENT, 0.9, (), {})
    assert certified_copy_as_result(uncertified) is uncertified

"""The pipeline on a freshly generated labelled corpus, plus limits and the never-modify rule."""

from __future__ import annotations

import hashlib
import os

import pytest

from fixtures import containers as C
from fixtures.layout import PageLayout, pdf_pages
from resultcheck import Category, Checker, Config, InputError, check_file
from tests.conftest import matches


@pytest.mark.slow  # OCR of a whole generated corpus (about 50 s on 2 cores)
def test_every_generated_fixture_gets_its_category_and_reason(checker, corpus) -> None:
    root, rows = corpus
    failures = []
    for row in rows:
        verdict = checker.check_file(root / row["path"])
        if not matches(row["category"], verdict.category) or not set(row["codes"]) <= set(verdict.codes):
            failures.append((row["path"], row["category"], str(verdict.category), verdict.codes))
    assert not failures, failures
    assert len(rows) >= 60


def test_every_verdict_is_stamped_with_versions(checker) -> None:
    v = checker.check_file(b"", "x")
    assert {"resultcheck", "rules", "tesseract", "libmagic", "pdfium"} <= set(v.versions)
    assert v.versions["rules"] == checker.config.rules.version


def test_bytes_and_paths_give_the_same_verdict(checker, tmp_path) -> None:
    data = C.zip_bytes({"a.pdf": b"x"})
    path = tmp_path / "a.zip"
    path.write_bytes(data)
    by_path, by_bytes = checker.check_file(path), checker.check_file(data, "a.zip")
    assert (by_path.category, by_path.sha256, by_path.size) == (by_bytes.category, by_bytes.sha256, by_bytes.size)
    assert by_path.sha256 == hashlib.sha256(data).hexdigest()
    assert check_file(path).category is Category.ARCHIVE


def test_the_users_file_is_never_modified(checker, tmp_path, generator) -> None:
    path = tmp_path / "kq.pdf"
    path.write_bytes(pdf_pages([generator.document("decision")[1]]))
    before = (path.read_bytes(), os.stat(path).st_mtime_ns)
    checker.check_file(path)
    assert (path.read_bytes(), os.stat(path).st_mtime_ns) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["kq.pdf"]


def test_misuse_raises_but_bad_files_do_not(checker, tmp_path) -> None:
    with pytest.raises(InputError):
        checker.check_file(tmp_path / "missing.pdf")
    with pytest.raises(InputError):
        checker.check_file(12345)  # type: ignore[arg-type]
    for junk in (b"%PDF-", b"\x00" * 10, b"PK\x03\x04", b"\xff\xd8\xff" + b"\x00" * 50, b"II*\x00" + b"\xff" * 40):
        assert checker.check_file(junk, "junk").category in (
            Category.UNREADABLE,
            Category.UNSUPPORTED,
            Category.ARCHIVE,
        )


def test_limit_file_size_fires() -> None:
    small = Checker(Config().with_limits(max_file_bytes=100))
    verdict = small.check_file(b"%PDF-1.4" + bytes(200), "big.pdf")
    assert verdict.category is Category.UNREADABLE and verdict.codes == ("LIMIT_FILE_SIZE",)
    assert verdict.size == 208


def test_limit_pages_fires(generator) -> None:
    few = Checker(Config().with_limits(max_pages=2))
    page = generator.document("decision")[1]
    verdict = few.check_file(pdf_pages([PageLayout(page.family)] * 2 + [page]), "kq.pdf")
    assert "LIMIT_PAGES" in verdict.codes and verdict.pages == 3


def test_limit_archive_members_fires() -> None:
    few = Checker(Config().with_limits(max_archive_members=3))
    verdict = few.check_file(C.zip_bytes({f"{i}.pdf": b"" for i in range(10)}), "a.zip")
    assert verdict.category is Category.ARCHIVE and "LIMIT_ARCHIVE_MEMBERS" in verdict.codes
    assert len(verdict.members) == 3


def test_limit_pixels_fires() -> None:
    import io

    from PIL import Image

    buf = io.BytesIO()
    Image.new("L", (4000, 4000), 255).save(buf, "PNG")
    tiny = Checker(Config().with_limits(max_page_megapixels=1.0))
    verdict = tiny.check_file(buf.getvalue(), "huge.png")
    assert verdict.category is Category.UNREADABLE and verdict.codes == ("LIMIT_PIXELS",)


def test_docx_with_a_corrupt_deflate_stream_is_unreadable(checker) -> None:
    """Found by tests/fuzz.py: zlib.error escaped the office reader as INTERNAL_ERROR."""
    import io
    import zipfile

    docx = bytearray(C.docx_bytes(["Quyết định số 125/QĐ-UBND"] * 40))
    info = zipfile.ZipFile(io.BytesIO(bytes(docx))).getinfo("word/document.xml")
    start = info.header_offset + 30 + len(info.filename.encode()) + len(info.extra)
    for i in range(start + 10, start + min(info.compress_size, 60)):
        docx[i] ^= 0x5A
    verdict = checker.check_file(bytes(docx), "hong.docx")
    assert verdict.category is Category.UNREADABLE and verdict.codes == ("OFFICE_CORRUPT",)


def test_a_pdf_page_for_ocr_is_rendered_grey_and_not_kept(generator) -> None:
    """The full-resolution OCR read gets its grey page straight from PDFium (no RGB render kept)."""
    import numpy as np

    from fixtures.scan import encode
    from resultcheck.documents import open_pdf
    from resultcheck.limits import Limits

    _, page_layout = generator.document("decision")
    data = encode(generator.scan(page_layout, 200), "pdf", 200, quality=70)
    page = next(open_pdf(data, Limits()).pages)
    once = page.gray_once(250)
    assert not page._cache  # nothing kept
    assert once.ndim == 2 and once.shape == page.gray(250).shape
    assert np.abs(once.astype(int) - page.gray(250)).mean() < 0.5  # the same page, to a grey level

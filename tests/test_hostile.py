"""Hostile and broken inputs, generated here (nothing large is committed).

Each must give a verdict within its limits, never an exception, never a hang, and the
isolated parser's peak memory must stay under 1 GB.
"""

from __future__ import annotations

import io
import os
import struct
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest
from PIL import Image

from fixtures import containers as C
from resultcheck import Category, Checker, Config

pytestmark = pytest.mark.slow
PEAK_LIMIT_MB = 1024


@pytest.fixture(scope="module")
def isolated():
    checker = Checker(Config())
    yield checker
    checker.close()


def peak_mb(checker: Checker) -> float:
    status = Path(f"/proc/{checker.files._process.pid}/status").read_text()
    return int(next(line.split()[1] for line in status.splitlines() if line.startswith("VmHWM:"))) / 1024


def judged(checker: Checker, data: bytes, name: str, seconds: float = 60):
    started = time.monotonic()
    verdict = checker.check_file(data, name)
    assert time.monotonic() - started < seconds, f"{name} took too long"
    assert verdict.reasons and all(r.message for r in verdict.reasons)
    peak = peak_mb(checker)
    print(f"hostile {name}: {time.monotonic() - started:.2f} s, parser peak {peak:.0f} MB")  # shown with -s
    assert peak < PEAK_LIMIT_MB, f"{name}: parser peak {peak:.0f} MB"
    return verdict


# ------------------------------------------------------------------ archives


def zip_with_declared_sizes(count: int, declared: int) -> bytes:
    data = bytearray(C.zip_bytes({f"f{i}.pdf": b"%PDF-1.4" for i in range(count)}))
    at = 0
    while (at := data.find(b"PK\x01\x02", at)) >= 0:  # central directory entries: uncompressed size at +24
        data[at + 24 : at + 28] = struct.pack("<I", declared)
        at += 4
    return bytes(data)


def test_zip_bomb_by_declared_size(isolated) -> None:
    verdict = judged(isolated, zip_with_declared_sizes(5, 0xFFFFFFF0), "bom.zip")
    assert verdict.category is Category.ARCHIVE and "LIMIT_ARCHIVE_SIZE" in verdict.codes


def test_ten_thousand_tiny_members(isolated) -> None:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_STORED) as zf:
        for i in range(10_000):
            zf.writestr(f"{i:05d}.txt", b"")
    verdict = judged(isolated, buf.getvalue(), "nhieu.zip", seconds=20)
    assert verdict.category is Category.ARCHIVE and "LIMIT_ARCHIVE_MEMBERS" in verdict.codes
    assert len(verdict.members) == Config().limits.max_archive_members


def test_nested_zips_are_listed_not_opened(isolated) -> None:
    inner = C.zip_bytes({"kq.pdf": b"%PDF-1.4"})
    for depth in range(8):
        inner = C.zip_bytes({f"lop{depth}.zip": inner})
    verdict = judged(isolated, inner, "long.zip")
    assert verdict.category is Category.ARCHIVE and "ARCHIVE_NESTED" in verdict.codes
    assert verdict.members == ("lop7.zip",)


def test_overlapping_zip_entries(isolated) -> None:
    one = C.zip_bytes({"a.pdf": b"%PDF-1.4 a"})
    central = one.index(b"PK\x01\x02")
    eocd = one.index(b"PK\x05\x06")
    entry = one[central:eocd]
    doubled = one[:central] + entry + entry.replace(b"a.pdf", b"b.pdf")
    end = bytearray(one[eocd:])
    struct.pack_into("<HHI", end, 8, 2, 2, len(entry) * 2)
    verdict = judged(isolated, doubled + bytes(end), "chong.zip")
    assert verdict.category is Category.ARCHIVE and set(verdict.members) == {"a.pdf", "b.pdf"}


# ------------------------------------------------------------------ images


def test_decompression_bomb_png_and_tiff(isolated) -> None:
    for fmt in ("PNG", "TIFF"):
        buf = io.BytesIO()
        Image.new("1", (40_000, 40_000), 1).save(buf, fmt, **({"compression": "group4"} if fmt == "TIFF" else {}))
        verdict = judged(isolated, buf.getvalue(), f"bom.{fmt.lower()}")
        assert verdict.category is Category.UNREADABLE and verdict.codes == ("LIMIT_PIXELS",), fmt


def test_tiff_with_a_thousand_pages(isolated) -> None:
    buf = io.BytesIO()
    frames = [Image.new("L", (40, 56), 255) for _ in range(1000)]
    frames[0].save(buf, "TIFF", save_all=True, append_images=frames[1:])
    verdict = judged(isolated, buf.getvalue(), "1000.tiff")
    assert "LIMIT_PAGES" in verdict.codes and verdict.pages == 1000


# ------------------------------------------------------------------ PDFs


def minimal_pdf(objects: list[bytes], root: int = 1, broken_xref: bool = False) -> bytes:
    out = bytearray(b"%PDF-1.7\n")
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    for offset in offsets:
        out += b"%010d 00000 n \n" % (offset + (977 if broken_xref else 0))
    out += b"trailer\n<< /Size %d /Root %d 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, root, xref)
    return bytes(out)


def test_pdf_with_ten_thousand_pages(isolated) -> None:
    count = 10_000
    kids = b" ".join(b"%d 0 R" % (3 + i) for i in range(count))
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [%s] /Count %d >>" % (kids, count)]
    objects += [b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>"] * count
    verdict = judged(isolated, minimal_pdf(objects), "10000.pdf")
    assert "LIMIT_PAGES" in verdict.codes and verdict.pages == count


def test_cyclic_and_deep_pdf_object_trees(isolated) -> None:
    cyclic = minimal_pdf(
        [
            b"<< /Type /Catalog /Pages 2 0 R >>",
            b"<< /Type /Pages /Kids [2 0 R 3 0 R] /Count 2 >>",
            b"<< /Type /Pages /Parent 2 0 R /Kids [2 0 R] /Count 1 >>",
        ]
    )
    assert judged(isolated, cyclic, "vong.pdf").category in (Category.UNREADABLE, Category.BLANK)
    deep = b"[" * 50_000 + b"]" * 50_000
    nested = minimal_pdf(
        [
            b"<< /Type /Catalog /Pages 2 0 R /Deep %s /ByteRange [0 1 2 3] >>" % deep,
            b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>",
        ]
    )
    assert judged(isolated, nested, "sau.pdf").category in (Category.UNREADABLE, Category.BLANK)


def test_broken_xref_is_repaired(isolated) -> None:
    page = (
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>"
    )
    stream = b"BT /F1 24 Tf 72 700 Td (QUYET DINH cap giay phep xay dung so 125) Tj ET"
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        page,
        b"<< /Length %d >>\nstream\n%s\nendstream" % (len(stream), stream),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    verdict = judged(isolated, minimal_pdf(objects, broken_xref=True), "xref.pdf")
    assert verdict.category is not Category.UNREADABLE and "CONTENT_TEXT_LAYER" in verdict.codes
    # read through repair: said so, and never confident (a person looks)
    assert verdict.codes[0] == "PDF_DAMAGED" and verdict.confidence < 0.7
    assert "PDF_DAMAGED" not in judged(isolated, minimal_pdf(objects), "ok.pdf").codes


def test_an_xref_table_numbered_from_one_is_a_producer_quirk_not_damage() -> None:
    """Many producers number the table from 1; every reader reads the same pages from it."""
    import re

    from pypdf import PdfWriter

    from resultcheck.documents import pdf_damage

    writer, buf = PdfWriter(), io.BytesIO()
    writer.add_blank_page(200, 200)
    writer.write(buf)
    data = buf.getvalue()
    at = data.index(b"\nxref\n") + 1
    table = re.match(rb"xref\n0 (\d+)\n0000000000 65535 f \r?\n", data[at:])
    assert table is not None
    from_one = data[:at] + b"xref\n1 %d\n" % (int(table.group(1)) - 1) + data[at + table.end() :]
    assert pdf_damage(from_one, 1) is None
    assert pdf_damage(from_one, 2) is not None  # a count the readers disagree on still is


def test_a_key_written_twice_is_a_scanners_slip_not_damage() -> None:
    """Office scanners write the trailer's /Info twice; every reader reads the file alike."""
    from resultcheck.documents import pdf_damage

    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>",
        b"<< /Producer (HP Scan) >>",
    ]
    twice = minimal_pdf(objects).replace(b"/Root 1 0 R >>", b"/Root 1 0 R /Info 4 0 R /Info 4 0 R >>")
    assert pdf_damage(twice, 1) is None
    assert pdf_damage(twice, 2) is not None  # its pages are still counted by a second reader
    broken = minimal_pdf(objects, broken_xref=True).replace(
        b"/Root 1 0 R >>", b"/Root 1 0 R /Info 4 0 R /Info 4 0 R >>"
    )
    assert pdf_damage(broken, 1) is not None  # and its cross-references still watched


def test_a_page_tree_other_readers_see_as_empty_is_damaged(isolated) -> None:
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /MediaBox [0 0 595 842] >>",
    ]  # no /Parent, odd but readable
    assert "PDF_DAMAGED" not in judged(isolated, minimal_pdf(objects), "ok.pdf").codes
    lying = minimal_pdf(
        [
            b"<< /Type /Catalog /Pages 2 0 R >>",
            b"<< /Type /Pages /Kids [] /Count 3 >>",
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>",
        ]
    )
    verdict = judged(isolated, lying, "lying.pdf")
    assert verdict.category is Category.UNREADABLE or ("PDF_DAMAGED" in verdict.codes and verdict.confidence < 0.7), (
        verdict.codes
    )


def test_javascript_and_launch_actions_are_never_run(isolated, tmp_path) -> None:
    marker = tmp_path / "launched"
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R /OpenAction 4 0 R /AA << /WC 5 0 R >> >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>",
        b"<< /S /JavaScript /JS (app.alert('x'); this.exportDataObject({cName: 'a'});) >>",
        b"<< /S /Launch /F (/usr/bin/touch) /Win << /F (cmd.exe) /P (" + str(marker).encode() + b") >> >>",
    ]
    verdict = judged(isolated, minimal_pdf(objects), "js.pdf")
    assert verdict.category is Category.BLANK and not marker.exists()


# ------------------------------------------------------------------ names


def test_odd_unicode_file_names_through_the_cli(tmp_path) -> None:
    names = ["kết quả\u202egnp.pdf", "quye\u0301t-đi\u0323nh.pdf", "📄 hồ sơ.pdf", "tab\tand newline.pdf", "-kq.pdf"]
    paths = []
    for name in names:
        path = tmp_path / name
        path.write_bytes(b"")
        paths.append(str(path))
    exe = Path(sys.executable).with_name("resultcheck")
    done = subprocess.run(
        [str(exe), "check", "--json", "--", *paths],
        capture_output=True,
        timeout=120,
        env={**os.environ, "OMP_THREAD_LIMIT": "1"},
    )
    assert done.returncode == 0, done.stderr
    lines = done.stdout.decode("utf-8").splitlines()
    assert len(lines) == len(names) and all('"blank"' in line for line in lines)

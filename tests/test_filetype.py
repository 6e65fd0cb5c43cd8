"""Layered type sniffing: content decides, never the name; libmagic is only the first guess."""

from __future__ import annotations

import pytest
from resultcheck.detectors.filetype import Kind, sniff

from fixtures import containers as C
from fixtures.layout import Line, layout_lines, pdf_pages

INNER = {"ket-qua.pdf": b"%PDF-1.4 not really", "ghi-chu.txt": "Kết quả".encode()}


@pytest.fixture(scope="module")
def pdf() -> bytes:
    return pdf_pages([layout_lines([Line("QUYẾT ĐỊNH", "center", 14, 1)], "dejavu-serif")])


@pytest.fixture(scope="module")
def docx() -> bytes:
    return C.docx_bytes(["Đơn đề nghị cấp giấy phép xây dựng"])


@pytest.mark.parametrize(
    "builder, fmt",
    [
        (lambda: C.zip_bytes(INNER), "zip"),
        (lambda: C.encrypted_zip("kq.pdf", b"x" * 100), "zip"),
        (lambda: C.rar4_bytes(INNER), "rar"),
        (lambda: C.rar5_bytes(INNER), "rar5"),
        (lambda: C.seven_zip_bytes(INNER), "7z"),
        (lambda: C.seven_zip_bytes(INNER, password="pw"), "7z"),
        (lambda: C.tar_bytes(INNER), "tar"),
        (lambda: C.gzip_bytes(C.tar_bytes(INNER)), "gz"),
        (lambda: C.gzip_bytes(b"%PDF-1.4"), "gz"),
        (lambda: C.bz2_bytes(b"%PDF-1.4" * 50), "bz2"),
        (lambda: C.xz_bytes(b"%PDF-1.4"), "xz"),
        (lambda: C.zstd_bytes(b"%PDF-1.4"), "zst"),
        (lambda: C.cab_bytes(INNER), "cab"),
    ],
)
def test_archives_are_detected_from_content(builder, fmt) -> None:
    kind = sniff(builder())
    assert (kind.kind, kind.format) == (Kind.ARCHIVE, fmt)


def test_docx_in_any_member_order_is_a_document_not_an_archive(docx: bytes) -> None:
    assert sniff(docx).kind is Kind.DOCUMENT
    reordered = C.libreoffice_order_docx(docx)
    assert "wordprocessingml" not in sniff(reordered).libmagic_mime  # libmagic alone gets this wrong
    assert (sniff(reordered).kind, sniff(reordered).format) == (Kind.DOCUMENT, "docx")


def test_odt_is_a_document_and_spreadsheets_are_unsupported() -> None:
    assert (sniff(C.odt_bytes(["Quyết định"])).kind, sniff(C.odt_bytes(["x"])).format) == (Kind.DOCUMENT, "odt")
    assert (sniff(C.xlsx_like(["a"])).kind, sniff(C.xlsx_like(["a"])).format) == (Kind.UNSUPPORTED, "xlsx")


def test_a_zip_holding_a_docx_is_an_archive(docx: bytes) -> None:
    assert sniff(C.zip_bytes({"quyet-dinh.docx": docx})).kind is Kind.ARCHIVE


def test_polyglots_report_the_archive(pdf: bytes) -> None:
    jpeg = b"\xff\xd8\xff\xe0" + b"\x00" * 200 + b"\xff\xd9"
    for lead, name in ((jpeg, "jpeg"), (pdf, "pdf")):
        kind = sniff(lead + C.zip_bytes(INNER))
        assert kind.kind is Kind.ARCHIVE and kind.note == f"appended to {name}"


def test_pdf_header_anywhere_in_the_first_1024_bytes(pdf: bytes) -> None:
    assert sniff(pdf).kind is Kind.PDF
    junk = bytes(range(200))
    assert sniff(junk + pdf).kind is Kind.PDF
    assert sniff(b"\r\n" * 400 + pdf).kind is Kind.PDF
    late = sniff(bytes(2000) + pdf)
    assert late.kind is Kind.UNREADABLE and late.format == "pdf"


@pytest.mark.parametrize(
    "head, fmt",
    [
        (b"\xff\xd8\xff\xe0", "jpeg"),
        (b"\x89PNG\r\n\x1a\n", "png"),
        (b"II*\x00", "tiff"),
        (b"MM\x00*", "tiff"),
        (b"GIF89a", "gif"),
        (b"BM", "bmp"),
        (b"RIFF\x00\x00\x00\x00WEBPVP8 ", "webp"),
    ],
)
def test_image_signatures(head: bytes, fmt: str) -> None:
    kind = sniff(head + b"\x00" * 64)
    assert (kind.kind, kind.format) == (Kind.IMAGE, fmt)


def test_empty_text_html_audio_and_legacy_office() -> None:
    assert sniff(b"").kind is Kind.EMPTY
    assert sniff("Kết quả giải quyết\n".encode()).kind is Kind.UNSUPPORTED
    assert sniff(C.html_page("x")).mime == "text/html"
    assert sniff(C.mp3_like()).kind is Kind.UNSUPPORTED
    assert (sniff(C.ole_word_like()).kind, sniff(C.ole_word_like()).format) == (Kind.DOCUMENT, "doc")
    encrypted_ooxml = C.ole_file({"EncryptionInfo": bytes(64), "EncryptedPackage": bytes(100)})
    assert (sniff(encrypted_ooxml).kind, sniff(encrypted_ooxml).format) == (Kind.UNREADABLE, "ooxml-encrypted")


def test_a_doc_holding_an_ooxml_package_is_a_document_not_an_archive() -> None:
    """Modern Word saves drawing shapes of a .doc as an OOXML package inside the compound file."""
    doc = C.ole_word_like({"1Table": bytes(64), "ObjectPool": C.docx_bytes(["Hình vẽ"])})
    assert (sniff(doc).kind, sniff(doc).format) == (Kind.DOCUMENT, "doc")


def test_legacy_office_kinds_and_damage() -> None:
    import struct

    fib = bytearray(b"\xec\xa5\xc1\x00" + bytes(508))
    struct.pack_into("<H", fib, 10, 0x0100)  # fEncrypted
    assert (sniff(C.ole_file({"WordDocument": bytes(fib)})).format) == "doc-encrypted"
    assert sniff(C.ole_file({"WordDocument": bytes(fib)})).kind is Kind.UNREADABLE
    assert (sniff(C.ole_file({"Workbook": b"x"})).kind, sniff(C.ole_file({"Workbook": b"x"})).format) == (
        Kind.UNSUPPORTED,
        "xls",
    )
    assert sniff(C.ole_file({"PowerPoint Document": b"x"})).format == "ppt"
    assert (sniff(C.ole_word_like()[:1000]).kind, sniff(C.ole_word_like()[:1000]).format) == (
        Kind.UNREADABLE,
        "ole-damaged",
    )


def test_zip_based_documents_by_mimetype_or_manifest() -> None:
    manifest = (
        b'<?xml version="1.0"?><manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:'
        b'manifest:1.0"><manifest:file-entry manifest:full-path="/" manifest:media-type='
        b'"application/vnd.oasis.opendocument.text"/></manifest:manifest>'
    )
    odt_without_mimetype = C.zip_bytes({"META-INF/manifest.xml": manifest, "content.xml": b"<x/>"})
    assert (sniff(odt_without_mimetype).kind, sniff(odt_without_mimetype).format) == (Kind.DOCUMENT, "odt")
    for mimetype, fmt in ((b"application/epub+zip", "epub"), (b"application/hwp+zip", "hwpx")):
        book = C.zip_bytes({"mimetype": mimetype, "content.opf": b"<x/>"})
        assert (sniff(book).kind, sniff(book).format) == (Kind.UNSUPPORTED, fmt)


@pytest.mark.parametrize(
    ("data", "fmt"),
    [
        (b"RE~^" + bytes(60), "rar1"),
        (b"xar!\x00\x1c\x00\x01" + bytes(60), "xar"),
        (b"\x60\xea" + bytes(60), "arj"),
        (bytes(7) + b"**ACE**" + bytes(60), "ace"),
        (b"\x1f\x00-lh5-" + bytes(60), "lzh"),
    ],
)
def test_more_archive_signatures(data: bytes, fmt: str) -> None:
    assert (sniff(data).kind, sniff(data).format) == (Kind.ARCHIVE, fmt)


def test_self_extracting_executables_are_archives() -> None:
    stub = b"MZ" + bytes(4000)
    rar_sfx = sniff(stub + C.rar5_bytes({"kq.pdf": b"%PDF-1.4"}))
    assert (rar_sfx.kind, rar_sfx.format) == (Kind.ARCHIVE, "rar5") or (rar_sfx.kind, rar_sfx.format) == (
        Kind.ARCHIVE,
        "rar",
    )
    assert sniff(stub + C.seven_zip_bytes({"kq.pdf": b"%PDF-1.4"})).note.startswith("sfx")
    zip_sfx = sniff(stub + C.zip_bytes(INNER))
    assert (zip_sfx.kind, zip_sfx.note) == (Kind.ARCHIVE, "sfx")


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("ho-so.7z.002", ("7z", 2)),
        ("ho-so.zip.001", ("zip", 1)),
        ("ho-so.part3.rar", ("rar", 3)),
        ("ho-so.z01", ("zip", 1)),
        ("ho-so.r00", ("rar", 2)),
        ("ho-so.pdf", None),
        ("ket-qua-2.pdf", None),
    ],
)
def test_split_volume_names(name: str, expected) -> None:
    from resultcheck.detectors.filetype import split_volume

    assert split_volume(name) == expected


def test_name_is_never_consulted(pdf: bytes) -> None:
    # sniff takes only bytes: a zip named .pdf is a zip, a PDF named .zip is a PDF
    assert sniff(C.zip_bytes(INNER)).kind is Kind.ARCHIVE
    assert sniff(pdf).kind is Kind.PDF

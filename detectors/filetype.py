"""Layered type sniffing: libmagic's first guess, then the file's own structure decides.

libmagic alone calls a LibreOffice-ordered DOCX "application/zip", misses a PDF behind a
binary prefix, and says "image/jpeg" for a JPEG with a ZIP appended. So signatures and
directories (OLE2 compound directory, zip central directory, ODF mimetype or manifest, PDF
header within 1024 bytes) decide, and libmagic only names what nothing else recognised.
An OLE2 file (.doc/.xls/.ppt) is parsed first: a modern Word stores drawing shapes as an
OOXML package inside the compound file, which a ZIP scan would take for an appended archive.
"""

from __future__ import annotations

import io
import re
import threading
import zipfile
import zlib
from dataclasses import dataclass
from enum import StrEnum
from xml.etree import ElementTree

import magic
import olefile

NAME = "filetype"

_magic_lock = threading.Lock()  # python-magic's Magic object is not thread-safe
_magic = magic.Magic(mime=True)


class Kind(StrEnum):
    EMPTY = "empty"
    ARCHIVE = "archive"
    PDF = "pdf"
    IMAGE = "image"
    DOCUMENT = "document"  # DOCX / ODT text documents; legacy Word .doc and RTF
    UNSUPPORTED = "unsupported"
    UNREADABLE = "unreadable"


@dataclass(frozen=True, slots=True)
class FileType:
    """Evidence of what a file is. `format` is short and stable: zip, rar5, pdf, jpeg, docx…"""

    kind: Kind
    format: str
    mime: str
    libmagic_mime: str
    note: str | None = None  # English detail for logs and messages (polyglot lead, OLE flavour)


# Archive signatures at offset 0: (prefix, format).
_ARCHIVE_SIGNATURES: tuple[tuple[bytes, str], ...] = (
    (b"Rar!\x1a\x07\x01\x00", "rar5"),
    (b"Rar!\x1a\x07\x00", "rar"),
    (b"7z\xbc\xaf\x27\x1c", "7z"),
    (b"\x1f\x8b", "gz"),
    (b"\xfd7zXZ\x00", "xz"),
    (b"\x28\xb5\x2f\xfd", "zst"),
    (b"MSCF\x00\x00\x00\x00", "cab"),
    (b"RE~^", "rar1"),
    (b"xar!", "xar"),
    (b"\x60\xea", "arj"),
    (b"\x89LZO\x00\r\n\x1a\n", "lzo"),
)
# Archives whose signature is not at offset 0: (offset, bytes, format).
_ARCHIVE_SIGNATURES_AT: tuple[tuple[int, bytes, str], ...] = ((7, b"**ACE**", "ace"),)
_LZH = re.compile(rb"^..-l[hz][0-9a-z]-", re.S)
# Self-extracting executables carry the archive after the program.
_SFX_MARKERS: tuple[tuple[bytes, str], ...] = ((b"Rar!\x1a\x07", "rar"), (b"7z\xbc\xaf\x27\x1c", "7z"))
SFX_SCAN_BYTES = 8 << 20
ARCHIVE_MIMES = {
    "zip": "application/zip",
    "rar": "application/vnd.rar",
    "rar5": "application/vnd.rar",
    "7z": "application/x-7z-compressed",
    "gz": "application/gzip",
    "bz2": "application/x-bzip2",
    "xz": "application/x-xz",
    "zst": "application/zstd",
    "cab": "application/vnd.ms-cab-compressed",
    "tar": "application/x-tar",
    "rar1": "application/vnd.rar",
    "xar": "application/x-xar",
    "arj": "application/x-arj",
    "ace": "application/x-ace-compressed",
    "lzh": "application/x-lzh-compressed",
    "lzo": "application/x-lzop",
}
# Containers libmagic knows that we do not list, but that are archives all the same.
_OTHER_ARCHIVE_MIMES = {
    "application/x-arj",
    "application/x-lzh-compressed",
    "application/x-iso9660-image",
    "application/x-compress",
    "application/x-lzip",
    "application/x-lzma",
    "application/x-cpio",
    "application/x-archive",
    "application/x-ace-compressed",
    "application/x-stuffit",
    "application/x-lz4",
    "application/x-lzop",
    "application/java-archive",
    "application/x-rpm",
    "application/vnd.debian.binary-package",
    "application/x-xar",
    "application/vnd.ms-cab-compressed",
}
_IMAGE_SIGNATURES: tuple[tuple[bytes, str, str], ...] = (
    (b"\xff\xd8\xff", "jpeg", "image/jpeg"),
    (b"\x89PNG\r\n\x1a\n", "png", "image/png"),
    (b"II*\x00", "tiff", "image/tiff"),
    (b"MM\x00*", "tiff", "image/tiff"),
    (b"GIF87a", "gif", "image/gif"),
    (b"GIF89a", "gif", "image/gif"),
    (b"BM", "bmp", "image/bmp"),
)
OOXML_MIMES = {
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
}
ODT_MIME = "application/vnd.oasis.opendocument.text"
PDF_HEADER_WINDOW = 1024  # readers accept "%PDF-" anywhere in the first 1024 bytes
PDF_LATE_HEADER_WINDOW = 65536  # further than that, we say so instead of guessing


def libmagic_mime(data: bytes) -> str:
    with _magic_lock:
        try:
            return _magic.from_buffer(data[:65536])
        except magic.MagicException:
            return "application/octet-stream"


def libmagic_version() -> str:
    try:
        v = magic.version()  # type: ignore[no-untyped-call]
        return f"{v // 100}.{v % 100:02d}"
    except (AttributeError, NotImplementedError):
        return "unknown"


def sniff(data: bytes) -> FileType:
    """Decide what kind of file `data` is, from its content only (never its name)."""
    if not data:
        return FileType(Kind.EMPTY, "empty", "inode/x-empty", "inode/x-empty")
    guess = libmagic_mime(data)
    if data.startswith(OLE2_SIGNATURE):
        return _sniff_ole2(data, guess)

    for prefix, fmt in _ARCHIVE_SIGNATURES:
        if data.startswith(prefix):
            return FileType(Kind.ARCHIVE, fmt, ARCHIVE_MIMES[fmt], guess)
    for offset, marker, fmt in _ARCHIVE_SIGNATURES_AT:
        if data[offset : offset + len(marker)] == marker:
            return FileType(Kind.ARCHIVE, fmt, ARCHIVE_MIMES[fmt], guess)
    if _LZH.match(data[:8]):
        return FileType(Kind.ARCHIVE, "lzh", ARCHIVE_MIMES["lzh"], guess)
    if data[:3] == b"BZh" and data[3:4].isdigit() and data[4:10] in (b"1AY&SY", b"\x17rE8P\x90"):
        return FileType(Kind.ARCHIVE, "bz2", ARCHIVE_MIMES["bz2"], guess)
    if (len(data) >= 262 and data[257:262] == b"ustar") or guess == "application/x-tar":
        return FileType(Kind.ARCHIVE, "tar", ARCHIVE_MIMES["tar"], guess)

    zip_type = _sniff_zip(data, guess)
    if zip_type is not None:
        return zip_type

    pdf_at = data.find(b"%PDF-", 0, PDF_LATE_HEADER_WINDOW)
    if 0 <= pdf_at < PDF_HEADER_WINDOW:
        return FileType(
            Kind.PDF, "pdf", "application/pdf", guess, note=f"header at offset {pdf_at}" if pdf_at else None
        )

    for prefix, fmt, mime in _IMAGE_SIGNATURES:
        if data.startswith(prefix):
            return FileType(Kind.IMAGE, fmt, mime, guess)
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return FileType(Kind.IMAGE, "webp", "image/webp", guess)

    if not guess.startswith(("text/", "audio/", "video/")):
        embedded = _sniff_sfx(data, guess)  # a self-extractor, or an archive behind a stub
        if embedded is not None:
            return embedded
    if pdf_at >= PDF_HEADER_WINDOW:
        return FileType(Kind.UNREADABLE, "pdf", "application/pdf", guess, note=f"late header at offset {pdf_at}")
    if guess in _OTHER_ARCHIVE_MIMES:
        return FileType(Kind.ARCHIVE, guess.rsplit("/", 1)[-1].removeprefix("x-"), guess, guess)
    if data.lstrip()[:5] == b"{\\rtf":
        return FileType(Kind.DOCUMENT, "rtf", "text/rtf", guess)
    return FileType(Kind.UNSUPPORTED, _format_from_mime(guess), guess, guess)


def _sniff_zip(data: bytes, guess: str) -> FileType | None:
    """ZIP at offset 0, or a ZIP appended to another file (polyglot). Office files are documents."""
    at_start = data.startswith((b"PK\x03\x04", b"PK\x05\x06", b"PK\x07\x08"))
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            names = zf.namelist()
            odf_mimetype = _read_small_member(zf, "mimetype") if "mimetype" in names else b""
            if not odf_mimetype and "META-INF/manifest.xml" in names:
                odf_mimetype = _manifest_mimetype(_read_small_member(zf, "META-INF/manifest.xml", 65536))
    except (zipfile.BadZipFile, OSError, ValueError, EOFError, NotImplementedError, RuntimeError):
        if at_start:  # a zip signature whose directory is broken is still an archive
            return FileType(Kind.ARCHIVE, "zip", ARCHIVE_MIMES["zip"], guess, note="damaged")
        return None
    if not at_start and not names:
        return None
    lead = None if at_start else _lead_format(data)
    if lead is None:
        office = _office_format(names, odf_mimetype)
        if office == "docx":
            return FileType(Kind.DOCUMENT, "docx", OOXML_MIMES["docx"], guess)
        if office == "odt":
            return FileType(Kind.DOCUMENT, "odt", ODT_MIME, guess)
        if office is not None:
            mime = OOXML_MIMES.get(office) or odf_mimetype.decode("ascii", "replace") or guess
            return FileType(Kind.UNSUPPORTED, office, mime, guess)
    if lead == "exe":
        return FileType(Kind.ARCHIVE, "zip", ARCHIVE_MIMES["zip"], guess, note="sfx")
    return FileType(Kind.ARCHIVE, "zip", ARCHIVE_MIMES["zip"], guess, note=f"appended to {lead}" if lead else None)


def _read_small_member(zf: zipfile.ZipFile, name: str, limit: int = 200) -> bytes:
    try:
        with zf.open(name) as fh:
            return fh.read(limit).strip()
    except (zipfile.BadZipFile, zlib.error, OSError, RuntimeError, NotImplementedError, ValueError, EOFError):
        return b""


def _office_format(names: list[str], odf_mimetype: bytes) -> str | None:
    """OOXML: [Content_Types].xml + word/|xl/|ppt/ in any order. ODF: a mimetype member."""
    if "[Content_Types].xml" in names:
        for prefix, fmt in (("word/", "docx"), ("xl/", "xlsx"), ("ppt/", "pptx")):
            if any(n.startswith(prefix) for n in names):
                return fmt
    if odf_mimetype.startswith(b"application/vnd.oasis.opendocument."):
        kind = odf_mimetype.removeprefix(b"application/vnd.oasis.opendocument.").decode("ascii", "replace")
        return "odt" if kind == "text" else f"odf-{kind}"
    # zip-based documents that are no dossier documents: e-books, Hangul word processor
    return _ZIP_DOCUMENTS.get(odf_mimetype.decode("ascii", "replace"))


_ZIP_DOCUMENTS = {
    "application/epub+zip": "epub",
    "application/hwp+zip": "hwpx",
    "application/vnd.sun.xml.writer": "sxw",
    "application/x-ibooks+zip": "ibooks",
}


def _manifest_mimetype(xml: bytes) -> bytes:
    """The media type an ODF manifest gives the package root ("/"), when `mimetype` is missing."""
    try:
        root = ElementTree.fromstring(xml)
    except ElementTree.ParseError:
        return b""
    for entry in root.iter():
        attributes = {k.rsplit("}", 1)[-1]: v for k, v in entry.attrib.items()}
        if attributes.get("full-path") == "/":
            return attributes.get("media-type", "").encode("ascii", "replace")
    return b""


def _lead_format(data: bytes) -> str:
    """Name of whatever precedes an appended ZIP (the polyglot's disguise)."""
    if data.find(b"%PDF-", 0, PDF_HEADER_WINDOW) >= 0:
        return "pdf"
    if data.startswith((b"MZ", b"\x7fELF")):
        return "exe"
    for prefix, fmt, _ in _IMAGE_SIGNATURES:
        if data.startswith(prefix):
            return fmt
    return "data"


OLE2_SIGNATURE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_OLE_FORMATS = (
    ("worddocument", "doc", "application/msword"),
    ("workbook", "xls", "application/vnd.ms-excel"),
    ("book", "xls", "application/vnd.ms-excel"),
    ("powerpoint document", "ppt", "application/vnd.ms-powerpoint"),
)


def _sniff_ole2(data: bytes, guess: str) -> FileType:
    """OLE2 compound files, read through their directory: Word/Excel/PowerPoint 97-2003, or an
    encrypted OOXML package (Office stores password-protected .docx this way)."""
    ole_mime = "application/x-ole-storage"
    try:
        with olefile.OleFileIO(io.BytesIO(data)) as ole:
            streams = {"/".join(entry).lower() for entry in ole.listdir(streams=True, storages=True)}
            fib = ole.openstream("WordDocument").read(12) if "worddocument" in streams else b""
    except (OSError, ValueError, IndexError, KeyError, RecursionError) as exc:
        return FileType(Kind.UNREADABLE, "ole-damaged", ole_mime, guess, note=f"compound file unreadable: {exc}")
    if "encryptedpackage" in streams:
        return FileType(Kind.UNREADABLE, "ooxml-encrypted", ole_mime, guess, note="password-protected office document")
    for stream, fmt, mime in _OLE_FORMATS:
        if stream in streams:
            if _word_encrypted(fib) if fmt == "doc" else _ole_encrypted(data):
                return FileType(
                    Kind.UNREADABLE, f"{fmt}-encrypted", mime, guess, note="password-protected office document"
                )
            return FileType(Kind.DOCUMENT if fmt == "doc" else Kind.UNSUPPORTED, fmt, mime, guess)
    return FileType(Kind.UNSUPPORTED, _format_from_mime(guess), guess, guess)


def _word_encrypted(fib: bytes) -> bool:
    """The fEncrypted bit of a Word 97-2003 FIB (flags at offset 10, bit 8)."""
    return len(fib) >= 12 and fib[:2] == b"\xec\xa5" and bool(int.from_bytes(fib[10:12], "little") & 0x0100)


def _ole_encrypted(data: bytes) -> bool:
    """Whether a legacy Office file is password-protected (msoffcrypto reads the FIB/FilePass flags)."""
    import msoffcrypto

    try:
        return bool(msoffcrypto.OfficeFile(io.BytesIO(data)).is_encrypted())
    except Exception:  # an unusual or damaged stream: the opener will say so if it matters
        return False


def _sniff_sfx(data: bytes, guess: str) -> FileType | None:
    """A self-extracting executable: a RAR or 7-Zip archive after the program (ZIP SFX are found
    through their central directory, like any appended ZIP)."""
    head = data[:SFX_SCAN_BYTES]
    for marker, fmt in _SFX_MARKERS:
        at = head.find(marker, 1)
        if at > 0:
            return FileType(Kind.ARCHIVE, fmt, ARCHIVE_MIMES[fmt], guess, note=f"sfx at {at}")
    return None


_VOLUME = re.compile(r"\.(?:(7z|zip|rar)\.0*(\d{1,3})|part0*(\d{1,3})\.(rar)|z0*(\d{1,2})|r0*(\d{1,2}))$", re.I)


def split_volume(name: str) -> tuple[str, int] | None:
    """(format, part number) when a file name says it is a volume of a split archive.

    Continuation volumes carry no signature of their own, so only the name can tell; it is
    used only for content nothing else recognised."""
    found = _VOLUME.search(name)
    if not found:
        return None
    fmt_a, part_a, part_b, _rar, part_z, part_r = found.groups()
    if fmt_a:
        return fmt_a.lower(), int(part_a)
    if part_b:
        return "rar", int(part_b)
    if part_z:
        return "zip", int(part_z)  # name.z01 is the first part, name.zip the last
    return "rar", int(part_r) + 2  # name.rar, then name.r00, name.r01…


def _format_from_mime(mime: str) -> str:
    sub = mime.rsplit("/", 1)[-1]
    return sub.removeprefix("x-").removeprefix("vnd.") or "unknown"

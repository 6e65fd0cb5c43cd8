"""List the members of an archive from its directory, bounded, never extracting anything."""

from __future__ import annotations

import bz2
import io
import lzma
import struct
import tarfile
import zipfile
import zlib
from dataclasses import dataclass

NAME = "archive"
NOT_LISTED = "listing not supported for this format"

ARCHIVE_EXTENSIONS = (
    ".zip",
    ".rar",
    ".7z",
    ".tar",
    ".gz",
    ".tgz",
    ".bz2",
    ".xz",
    ".zst",
    ".cab",
    ".xar",
    ".lzh",
    ".arj",
    ".ace",
)


@dataclass(frozen=True, slots=True)
class ArchiveListing:
    """What an archive declares it holds."""

    format: str
    members: tuple[str, ...] = ()
    member_count: int | None = None  # None when the directory could not be read
    truncated: bool = False  # more members than the listing limit
    encrypted: bool = False
    problem: str | None = None  # why the listing is incomplete, in English, for the log
    declared_bytes: int | None = None  # sum of the declared uncompressed sizes

    @property
    def nested_archives(self) -> tuple[str, ...]:
        return tuple(m for m in self.members if m.lower().endswith(ARCHIVE_EXTENSIONS))


def list_zip(data: bytes, max_members: int) -> ArchiveListing:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            infos = zf.infolist()
    except (zipfile.BadZipFile, OSError, ValueError, EOFError, NotImplementedError) as exc:
        return ArchiveListing("zip", problem=f"central directory unreadable: {exc}")
    names = tuple(i.filename for i in infos[:max_members])
    return ArchiveListing(
        "zip",
        names,
        len(infos),
        truncated=len(infos) > max_members,
        encrypted=any(i.flag_bits & 0x1 for i in infos),
        declared_bytes=sum(i.file_size for i in infos),
    )


def list_rar(data: bytes, max_members: int) -> ArchiveListing:
    import rarfile  # headers are parsed in Python; the unrar tool is only needed to extract

    fmt = "rar5" if data.startswith(b"Rar!\x1a\x07\x01\x00") else "rar"
    try:
        with rarfile.RarFile(io.BytesIO(data)) as rf:
            infos = rf.infolist()
            encrypted = rf.needs_password()
    except rarfile.PasswordRequired:
        return ArchiveListing(fmt, encrypted=True, problem="encrypted headers")
    except (rarfile.Error, OSError, ValueError, EOFError, struct.error, IndexError) as exc:
        return ArchiveListing(fmt, problem=f"headers unreadable: {exc}")
    if not infos:  # rarfile stops quietly at a truncated header
        return ArchiveListing(fmt, encrypted=encrypted, problem="no file headers found (damaged or truncated)")
    names = tuple(i.filename for i in infos[:max_members])
    return ArchiveListing(
        fmt, names, len(infos), len(infos) > max_members, encrypted, declared_bytes=sum(i.file_size or 0 for i in infos)
    )


def list_7z(data: bytes, max_members: int) -> ArchiveListing:
    import py7zr

    try:
        with py7zr.SevenZipFile(io.BytesIO(data), mode="r") as sz:
            infos = sz.list()
            encrypted = sz.needs_password()
    except py7zr.PasswordRequired:
        return ArchiveListing("7z", encrypted=True, problem="encrypted headers")
    except Exception as exc:  # py7zr raises many unrelated types on damaged headers
        return ArchiveListing("7z", problem=f"headers unreadable: {type(exc).__name__}: {exc}")
    names = tuple(i.filename for i in infos[:max_members])
    return ArchiveListing(
        "7z",
        names,
        len(infos),
        len(infos) > max_members,
        encrypted,
        declared_bytes=sum(i.uncompressed or 0 for i in infos),
    )


def list_tar(data: bytes, max_members: int) -> ArchiveListing:
    names: list[str] = []
    count = 0
    try:
        with tarfile.open(fileobj=io.BytesIO(data), mode="r:") as tf:
            for info in tf:  # iterating reads headers one by one; stops at the limit
                count += 1
                if len(names) < max_members:
                    names.append(info.name)
                else:
                    return ArchiveListing("tar", tuple(names), None, truncated=True)
    except (tarfile.TarError, OSError, EOFError, ValueError) as exc:
        if not names:
            return ArchiveListing("tar", problem=f"headers unreadable: {exc}")
    return ArchiveListing("tar", tuple(names), count)


def _peek(fmt: str, data: bytes, limit: int) -> bytes:
    """Decompress at most `limit` bytes from the start of a single-stream compressed file."""
    if fmt == "gz":
        return zlib.decompressobj(16 + zlib.MAX_WBITS).decompress(data, limit)
    if fmt == "bz2":
        return bz2.BZ2Decompressor().decompress(data, max_length=limit)
    if fmt == "xz":
        return lzma.LZMADecompressor().decompress(data, max_length=limit)
    if fmt == "zst":
        return _zstd_raw_peek(data, limit)
    return b""


def _zstd_raw_peek(data: bytes, limit: int) -> bytes:
    """Read the first raw/RLE block of a zstd frame (compressed blocks are not decoded)."""
    if len(data) < 6:
        return b""
    fhd = data[4]
    single_segment = bool(fhd & 0x20)
    fcs_size = {0: 1 if single_segment else 0, 1: 2, 2: 4, 3: 8}[fhd >> 6]
    pos = 5 + (0 if single_segment else 1) + (0, 1, 2, 4)[fhd & 3] + fcs_size
    if pos + 3 > len(data):
        return b""
    header = int.from_bytes(data[pos : pos + 3], "little")
    block_type, size = (header >> 1) & 3, header >> 3
    if block_type == 0:  # raw
        return data[pos + 3 : pos + 3 + min(size, limit)]
    if block_type == 1 and pos + 3 < len(data):  # run-length
        return data[pos + 3 : pos + 4] * min(size, limit)
    return b""


def _gzip_original_name(data: bytes) -> str | None:
    """The FNAME field of a gzip header, when the compressor stored one."""
    if len(data) < 10 or not data[3] & 0x08:
        return None
    pos = 10
    if data[3] & 0x04:  # FEXTRA
        if len(data) < 12:
            return None
        pos += 2 + int.from_bytes(data[10:12], "little")
    end = data.find(b"\x00", pos, pos + 1024)
    return data[pos:end].decode("latin-1") if end > pos else None


def list_stream(fmt: str, data: bytes, max_members: int, peek_bytes: int, name: str) -> ArchiveListing:
    """gz/bz2/xz/zst compress one stream: report the inner name, and the tar inside if any."""
    try:
        head = _peek(fmt, data, peek_bytes)
    except (zlib.error, OSError, EOFError, lzma.LZMAError, ValueError) as exc:
        return ArchiveListing(fmt, problem=f"stream unreadable: {exc}")
    if len(head) >= 512 and head[257:262] == b"ustar":
        inner = _tar_names_from_head(head, max_members)
        return ArchiveListing(
            f"tar.{fmt}",
            inner,
            None,
            truncated=True,
            problem="only the first members are visible without decompressing",
        )
    inner_name = (_gzip_original_name(data) if fmt == "gz" else None) or _strip_suffix(name)
    return ArchiveListing(fmt, (inner_name,) if inner_name else (), 1)


def _tar_names_from_head(head: bytes, max_members: int) -> tuple[str, ...]:
    names: list[str] = []
    pos = 0
    while pos + 512 <= len(head) and len(names) < max_members:
        block = head[pos : pos + 512]
        if block[257:262] != b"ustar":
            break
        names.append(block[:100].split(b"\x00", 1)[0].decode("utf-8", "replace"))
        size = int(block[124:136].split(b"\x00", 1)[0].strip() or b"0", 8)
        pos += 512 + (size + 511) // 512 * 512
    return tuple(names)


def _strip_suffix(name: str) -> str | None:
    base = name.rsplit("/", 1)[-1]
    for suffix in (".gz", ".bz2", ".xz", ".zst"):
        if base.lower().endswith(suffix) and len(base) > len(suffix):
            return base[: -len(suffix)]
    return None


def list_cab(data: bytes, max_members: int) -> ArchiveListing:
    """Microsoft Cabinet: CFHEADER then CFFILE entries with NUL-terminated names."""
    try:
        _cabinet_size, coff_files = struct.unpack_from("<I4xI", data, 8)
        c_files, _flags = struct.unpack_from("<2xHH", data, 26)
        names: list[str] = []
        pos = coff_files
        for _ in range(min(c_files, max_members)):
            end = data.index(b"\x00", pos + 16, pos + 16 + 512)
            names.append(data[pos + 16 : end].decode("utf-8" if data[pos + 14] & 0x80 else "latin-1", "replace"))
            pos = end + 1
    except (struct.error, ValueError) as exc:
        return ArchiveListing("cab", problem=f"header unreadable: {exc}")
    return ArchiveListing("cab", tuple(names), c_files, c_files > max_members)


def list_archive(fmt: str, data: bytes, *, max_members: int, peek_bytes: int, name: str = "") -> ArchiveListing:
    """Dispatch on the format found by the file-type detector."""
    if fmt == "zip":
        return list_zip(data, max_members)
    if fmt in ("rar", "rar5"):
        return list_rar(data, max_members)
    if fmt == "7z":
        return list_7z(data, max_members)
    if fmt == "tar":
        return list_tar(data, max_members)
    if fmt in ("gz", "bz2", "xz", "zst"):
        return list_stream(fmt, data, max_members, peek_bytes, name)
    if fmt == "cab":
        return list_cab(data, max_members)
    return ArchiveListing(fmt, problem=NOT_LISTED)

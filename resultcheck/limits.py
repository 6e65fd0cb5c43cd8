"""Bounds on the work done for one file (a leaf module: documents and config both use it)."""

from __future__ import annotations

from dataclasses import dataclass

from .errors import ConfigError


@dataclass(frozen=True, slots=True)
class Limits:
    """Bounds on the work done for one file. Exceeding one yields a verdict, never a hang.

    Documented in README "Security and limits".
    """

    max_file_bytes: int = 200 * 1024 * 1024  # larger files are not read at all
    max_pages: int = 50  # pages examined per file (the rest are skipped)
    max_page_megapixels: float = 40.0  # rendered or decoded page size (Pillow bomb guard; A4 at 600 dpi is 35)
    max_archive_members: int = 2000  # member names listed from an archive
    max_archive_declared_bytes: int = 4 * 1024**3  # declared uncompressed total: above it, a zip bomb is named
    max_sniff_decompress_bytes: int = 64 * 1024  # peek into gz/bz2/xz/zstd streams, never more
    ocr_seconds_per_page: float = 30.0
    ocr_seconds_per_file: float = 120.0
    seconds_per_file: float = 180.0  # wall clock for one file, enforced by the isolated parser process
    max_memory_bytes: int = 2 * 1024**3  # address space (not RSS) of the isolated parser and its tesseract

    def __post_init__(self) -> None:
        for name in self.__dataclass_fields__:
            if getattr(self, name) <= 0:
                raise ConfigError(f"limit {name} must be positive, got {getattr(self, name)!r}")

    @property
    def max_page_pixels(self) -> int:
        return int(self.max_page_megapixels * 1_000_000)

"""Named limits and versioned rules: everything a deployment may tune, in one place."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field, replace
from importlib import resources
from pathlib import Path
from typing import Any

from .detectors.keywords import Lexicon
from .errors import ConfigError
from .procedures import Profiles


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


@dataclass(frozen=True, slots=True)
class Rules:
    """Thresholds and lexicons loaded from a versioned TOML file."""

    version: str
    data: dict[str, Any]

    def section(self, name: str) -> dict[str, Any]:
        try:
            return self.data[name]
        except KeyError:
            raise ConfigError(f"rules {self.version}: missing section [{name}]") from None

    @classmethod
    def load(cls, path: str | Path | None = None) -> Rules:
        if path is None:
            raw = resources.files("resultcheck").joinpath("rules/rules.toml").read_bytes()
            source = "built-in rules"
        else:
            raw = Path(path).read_bytes()
            source = str(path)
        try:
            data = tomllib.loads(raw.decode("utf-8"))
        except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
            raise ConfigError(f"{source}: not valid TOML: {exc}") from exc
        if "version" not in data:
            raise ConfigError(f"{source}: no 'version' key")
        return cls(version=str(data["version"]), data=data)


@dataclass(frozen=True, slots=True)
class Config:
    """Everything a Checker needs; build once, reuse for many files."""

    limits: Limits = field(default_factory=Limits)
    rules: Rules = field(default_factory=Rules.load)
    lexicon: Lexicon = field(default_factory=Lexicon.load)
    profiles: Profiles = field(default_factory=Profiles.load)
    ocr: bool = True  # False: never call tesseract (text layers only)
    ocr_language: str = "vie"
    isolate: bool = True  # parse and OCR in a child process bounded in time and memory

    def with_limits(self, **changes: Any) -> Config:
        unknown = sorted(set(changes) - set(Limits.__dataclass_fields__))
        if unknown:
            raise ConfigError(f"unknown limit(s) {', '.join(unknown)}; known: {', '.join(Limits.__dataclass_fields__)}")
        return replace(self, limits=replace(self.limits, **changes))

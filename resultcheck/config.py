"""Named limits and versioned rules: everything a deployment may tune, in one place."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field, replace
from importlib import resources
from pathlib import Path
from typing import Any

from .detectors.keywords import Lexicon
from .errors import ConfigError
from .limits import Limits
from .procedures import Profiles


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

"""Named limits and versioned rules: everything a deployment may tune, in one place."""

from __future__ import annotations

import hashlib
import os
import re
import tomllib
from dataclasses import dataclass, field, replace
from importlib import resources
from pathlib import Path
from typing import Any

from .detectors.keywords import Lexicon
from .errors import ConfigError, bilingual
from .limits import Limits
from .procedures import Profiles

KINDS = {"rules": "rules.toml", "lexicon": "lexicon.toml", "procedures": "procedures.toml"}


def load_toml(kind: str, path: str | Path | None = None) -> tuple[dict[str, Any], str]:
    """One of the versioned rule files, parsed, and the version to stamp into verdicts.

    The built-in file's version is its declared `version`. A deployment's own file also gets
    the first 8 hex digits of its SHA-256, so that editing it without bumping `version` still
    changes the stamp, and no cached verdict made under other rules is reused.
    """
    if path is None:
        raw = resources.files("resultcheck").joinpath(f"rules/{KINDS[kind]}").read_bytes()
        source = f"built-in {kind}"
    else:
        if not os.path.isfile(path):
            raise ConfigError(bilingual(f"không tìm thấy tệp quy tắc {path}", f"no such {kind} file: {path}"))
        try:
            raw = Path(path).read_bytes()
        except OSError as exc:
            raise ConfigError(
                bilingual(f"không đọc được tệp quy tắc {path}", f"cannot read {kind} file {path}")
                + f" ({exc.strerror})"
            ) from None
        source = str(path)
    try:
        data = tomllib.loads(raw.decode("utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{source}: not valid TOML: {exc}") from exc
    if not isinstance(data.get("version"), str) or not data["version"]:
        raise ConfigError(f"{source}: no 'version' key (a string, e.g. \"2026.11.1-province\")")
    version = data["version"] if path is None else f"{data['version']}+{hashlib.sha256(raw).hexdigest()[:8]}"
    return data, version


def kind_of(data: dict[str, Any]) -> str:
    """Which rule file a parsed TOML is, by what it holds (for `--rules FILE`, given several times)."""
    if "cues" in data:
        return "lexicon"
    if "profiles" in data:
        return "procedures"
    return "rules"


def check_against(data: dict[str, Any], builtin: dict[str, Any], source: str, where: str = "") -> None:
    """A deployment's rules may change values, never invent keys or change a value's type."""
    for key, value in data.items():
        name = f"{where}.{key}" if where else key
        if key not in builtin:
            known = ", ".join(sorted(builtin))
            raise ConfigError(f"{source}: unknown key '{name}' (known here: {known})")
        expected = builtin[key]
        if isinstance(expected, dict):
            if not isinstance(value, dict):
                raise ConfigError(f"{source}: '{name}' must be a table [{name}]")
            check_against(value, expected, source, name)
        elif not _same_type(value, expected):
            raise ConfigError(
                f"{source}: '{name}' must be {_type_name(expected)} (like the built-in {expected!r}), got {value!r}"
            )


def _same_type(value: Any, expected: Any) -> bool:
    if isinstance(expected, bool) or isinstance(value, bool):
        return isinstance(value, bool) and isinstance(expected, bool)
    if isinstance(expected, (int, float)):
        return isinstance(value, (int, float))
    if isinstance(expected, list):
        return isinstance(value, list) and (not expected or all(_same_type(v, expected[0]) for v in value))
    return isinstance(value, type(expected))


def _type_name(value: Any) -> str:
    if isinstance(value, bool):
        return "true or false"
    if isinstance(value, (int, float)):
        return "a number"
    if isinstance(value, list):
        return "a list"
    return "a string" if isinstance(value, str) else type(value).__name__


@dataclass(frozen=True, slots=True)
class Rules:
    """Thresholds, weights and caps (rules.toml): the built-in file, or a deployment's overrides.

    A deployment's file names only what it changes; its other values are the built-in ones.
    """

    version: str
    data: dict[str, Any]

    def section(self, name: str) -> dict[str, Any]:
        try:
            return self.data[name]
        except KeyError:
            raise ConfigError(f"rules {self.version}: missing section [{name}]") from None

    @classmethod
    def load(cls, path: str | Path | None = None) -> Rules:
        builtin, version = load_toml("rules", None)
        if path is None:
            return cls(version, builtin)
        data, version = load_toml("rules", path)
        check_against(data, builtin, str(path))
        return cls(version, _overlay(builtin, data))


def _overlay(base: dict[str, Any], changes: dict[str, Any]) -> dict[str, Any]:
    merged = dict(base)
    for key, value in changes.items():
        merged[key] = _overlay(base[key], value) if isinstance(value, dict) else value
    return merged


def load_lexicon(path: str | Path | None = None) -> Lexicon:
    data, version = load_toml("lexicon", path)
    try:
        return Lexicon.from_data(data, version)
    except (KeyError, TypeError, ValueError, re.error) as exc:
        raise ConfigError(f"{path or 'built-in lexicon'}: {type(exc).__name__}: {exc}") from None


def load_profiles(path: str | Path | None = None) -> Profiles:
    data, version = load_toml("procedures", path)
    try:
        return Profiles.from_data(data, version)
    except (KeyError, TypeError, ValueError) as exc:
        raise ConfigError(f"{path or 'built-in procedures'}: {type(exc).__name__}: {exc}") from None


@dataclass(frozen=True, slots=True)
class Config:
    """Everything a Checker needs; build once, reuse for many files."""

    limits: Limits = field(default_factory=Limits)
    rules: Rules = field(default_factory=Rules.load)
    lexicon: Lexicon = field(default_factory=load_lexicon)
    profiles: Profiles = field(default_factory=load_profiles)
    ocr: bool = True  # False: never call tesseract (text layers only)
    ocr_language: str = "vie"
    isolate: bool = True  # parse and OCR in a child process bounded in time and memory

    def with_limits(self, **changes: Any) -> Config:
        unknown = sorted(set(changes) - set(Limits.__dataclass_fields__))
        if unknown:
            raise ConfigError(f"unknown limit(s) {', '.join(unknown)}; known: {', '.join(Limits.__dataclass_fields__)}")
        return replace(self, limits=replace(self.limits, **changes))

    @classmethod
    def from_files(cls, paths: list[str] | tuple[str, ...] = (), **options: Any) -> Config:
        """The built-in rules, with each given file (rules, lexicon or procedures, told by content) in its place."""
        chosen: dict[str, str] = {}
        for path in paths:
            kind = kind_of(load_toml("rules", path)[0])
            if kind in chosen:
                raise ConfigError(f"two {kind} files given: {chosen[kind]} and {path}")
            chosen[kind] = path
        return cls(
            rules=Rules.load(chosen.get("rules")),
            lexicon=load_lexicon(chosen.get("lexicon")),
            profiles=load_profiles(chosen.get("procedures")),
            **options,
        )

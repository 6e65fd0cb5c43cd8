"""Exceptions are for misuse and configuration; a bad attachment becomes a verdict instead."""

from __future__ import annotations


class ResultcheckError(Exception):
    """Root of every error resultcheck raises on purpose."""


class ConfigError(ResultcheckError):
    """A limit, rule file or option is invalid."""


class MissingDependencyError(ResultcheckError):
    """A required system program or library (tesseract, libmagic) is absent."""


class InputError(ResultcheckError):
    """The caller passed something that is not a file to check (missing path, wrong type)."""

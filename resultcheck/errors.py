"""Exceptions are for misuse and configuration; a bad attachment becomes a verdict instead."""

from __future__ import annotations

import signal


class ResultcheckError(Exception):
    """Root of every error resultcheck raises on purpose."""


class ConfigError(ResultcheckError):
    """A limit, rule file or option is invalid."""


class MissingDependencyError(ResultcheckError):
    """A required system program or library (tesseract, libmagic) is absent."""


class InputError(ResultcheckError):
    """The caller passed something that is not a file to check (missing path, wrong type)."""


class MissingFileError(InputError):
    """A path given to check does not exist (a dossier turns this into FILE_MISSING)."""


def bilingual(vi: str, en: str) -> str:
    """One line for people: Vietnamese first (the users' language), then English."""
    return f"{vi} / {en}"


class UnavailableError(ResultcheckError):
    """A service resultcheck needs cannot be reached (the broker of a distributed scan)."""


class ScanInterrupted(ResultcheckError):
    """SIGINT or SIGTERM: the outputs are flushed and consistent; --resume continues."""

    def __init__(self, signum: int = signal.SIGINT, done: int = 0) -> None:
        self.signum, self.done = int(signum), done
        name = signal.Signals(self.signum).name
        super().__init__(
            bilingual(
                f"đã dừng quét ({name}) sau {done} hồ sơ; chạy lại lệnh với --resume để tiếp tục",
                f"scan stopped ({name}) after {done} dossiers; run the same command with --resume to continue",
            )
        )

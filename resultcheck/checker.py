"""The public checker: one `FileChecker` interface, run in process or in a bounded child.

    Checker(config)             -> files checked by an IsolatedChecker (the default)
    Checker(config, isolate=False) -> files checked by the Pipeline in this process

Both implement FileChecker; the Checker adds dossiers (judge.DossierChecker) on top.
"""

from __future__ import annotations

from pathlib import Path
from typing import Protocol

from .config import Config
from .dossier import Dossier, DossierVerdict
from .isolation import IsolatedChecker
from .judge import CheckAttachment, DossierChecker
from .models import FileVerdict
from .versions import versions_for


class FileChecker(Protocol):
    """Checks one file. A bad file never raises: it becomes a verdict."""

    versions: dict[str, str]

    def check_file(self, source: str | Path | bytes, name: str | None = None) -> FileVerdict: ...

    def close(self) -> None: ...


class Checker:
    """Reusable checker: holds the limits, rules and versions. Safe to share within a process."""

    def __init__(self, config: Config | None = None, *, isolate: bool | None = None) -> None:
        self.config = config or Config()
        self.versions = versions_for(self.config)
        isolated = self.config.isolate if isolate is None else isolate
        if isolated:  # the parsers (PDFium, OpenCV, Tesseract) load in the child only
            self.files: FileChecker = IsolatedChecker(self.config, self.versions)
        else:
            from .pipeline import Pipeline

            self.files = Pipeline(self.config, self.versions)

    def close(self) -> None:
        """Stop the isolated parser process (also stopped when the interpreter exits)."""
        self.files.close()

    def check_file(self, source: str | Path | bytes, name: str | None = None) -> FileVerdict:
        """Check one attachment. A bad attachment never raises: it becomes a verdict.

        A path that does not exist raises MissingFileError (an InputError); a path the OS will
        not let us read (permission, disk error, name too long…) is an `unreadable` verdict.
        """
        return self.files.check_file(source, name)

    def check_dossier(self, dossier: Dossier, check_file: CheckAttachment | None = None) -> DossierVerdict:
        """Judge a dossier's result attachments against its inputs; status pass/fail/review."""
        return self.dossier_checker(check_file).check(dossier)

    def dossier_checker(self, check_file: CheckAttachment | None = None) -> DossierChecker:
        rules = self.config.rules
        return DossierChecker(
            check_file or (lambda path, name: self.check_file(path, name)),
            self.config.limits,
            rules.section("dossier"),
            rules.section("duplicate"),
            self.config.profiles,
            self.versions,
            fingerprint_file=self.files.fingerprint if isinstance(self.files, IsolatedChecker) else None,
        )


_default_checker: Checker | None = None


def _default() -> Checker:
    global _default_checker
    if _default_checker is None:
        _default_checker = Checker()
    return _default_checker


def check_file(source: str | Path | bytes, name: str | None = None) -> FileVerdict:
    """Check one file with the default configuration (the checker is built once per process)."""
    return _default().check_file(source, name)


def check_dossier(dossier: Dossier) -> DossierVerdict:
    """Check one dossier with the default configuration."""
    return _default().check_dossier(dossier)

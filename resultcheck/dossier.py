"""The dossier data model: a dossier, its attachments and its verdict (no I/O here; judging is in judge.py).

status (DESIGN.md §3): pass — at least one result attachment is a genuine result;
fail — no result attachment, or every one is confidently not a result; review — otherwise.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import Any

from .errors import InputError
from .models import FileVerdict, Reason


class Status(StrEnum):
    PASS = "pass"
    FAIL = "fail"
    REVIEW = "review"


@dataclass(frozen=True, slots=True)
class Attachment:
    """One file named by a dossier. `problem` is a reason code when the file cannot be used."""

    name: str
    path: Path | None
    problem: str | None = None
    raw: str = ""  # the path or link as the source gave it


@dataclass(frozen=True, slots=True)
class Dossier:
    dossier_id: str
    inputs: tuple[Attachment, ...] = ()
    results: tuple[Attachment, ...] = ()
    procedure_code: str | None = None
    agency: str | None = None
    field: str | None = None
    completed_at: str | None = None  # ISO 8601 date(-time) the dossier was resolved, when known (report periods)

    def __post_init__(self) -> None:
        """Attachments may be given as plain paths (str or Path): the file name is their name."""
        for role in ("inputs", "results"):
            object.__setattr__(self, role, tuple(_as_attachment(a, role) for a in getattr(self, role)))


def _as_attachment(item: Any, role: str) -> Attachment:
    if isinstance(item, Attachment):
        return item
    if isinstance(item, (str, Path)):
        path = Path(item)
        return Attachment(path.name or str(item), path, None, str(item))
    raise InputError(f"Dossier {role} must be Attachment, str or Path, got {type(item).__name__}")


@dataclass(frozen=True, slots=True)
class FileEntry:
    role: str  # result (input files are fingerprinted, not judged)
    name: str
    verdict: FileVerdict
    duplicate_of: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {"role": self.role, "name": self.name, **self.verdict.to_dict(), "duplicate_of": self.duplicate_of}


@dataclass(frozen=True, slots=True)
class DossierVerdict:
    dossier_id: str
    status: Status
    summary: str
    reasons: tuple[Reason, ...]
    files: tuple[FileEntry, ...]
    versions: dict[str, str]
    procedure_code: str | None = None
    agency: str | None = None
    field: str | None = None
    profile: str | None = None
    elapsed_ms: float = 0.0
    completed_at: str | None = None

    @classmethod
    def review(cls, dossier: Dossier, why: Reason, versions: dict[str, str]) -> DossierVerdict:
        """`review` when the dossier could not be judged (a lost worker, a time limit): never a batch's end."""
        return cls(
            dossier.dossier_id,
            Status.REVIEW,
            why.message,
            (why,),
            (),
            versions,
            dossier.procedure_code,
            dossier.agency,
            dossier.field,
            completed_at=dossier.completed_at,
        )

    @property
    def codes(self) -> tuple[str, ...]:
        return tuple(r.code for r in self.reasons)

    def to_dict(self) -> dict[str, Any]:
        return {
            "dossier_id": self.dossier_id,
            "status": str(self.status),
            "summary": self.summary,
            "reasons": [r.to_dict() for r in self.reasons],
            "procedure_code": self.procedure_code,
            "agency": self.agency,
            "field": self.field,
            "profile": self.profile,
            "completed_at": self.completed_at,
            "files": [f.to_dict() for f in self.files],
            "elapsed_ms": round(self.elapsed_ms, 1),
            "versions": dict(self.versions),
        }

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), ensure_ascii=False)

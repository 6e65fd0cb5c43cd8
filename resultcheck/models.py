"""Verdicts: frozen, JSON-ready records with stable codes and Vietnamese messages."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any


class Category(StrEnum):
    """What an attached file is (DESIGN.md §2)."""

    BLANK = "blank"
    ARCHIVE = "archive"
    INPUT_COMPONENT = "input_component"
    RESULT = "result"
    UNREADABLE = "unreadable"
    UNSUPPORTED = "unsupported"
    OTHER = "other"  # readable, but neither a result nor an input of a Vietnamese dossier


@dataclass(frozen=True, slots=True)
class Reason:
    """One piece of explanation: a stable English code and a Vietnamese message."""

    code: str
    detector: str
    message: str
    page: int | None = None
    data: dict[str, Any] | None = None

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"code": self.code, "detector": self.detector, "message": self.message}
        if self.page is not None:
            out["page"] = self.page
        if self.data:
            out["data"] = self.data
        return out


@dataclass(frozen=True, slots=True)
class FileVerdict:
    """The verdict on one attached file (DESIGN.md §3, FileVerdict JSON)."""

    path: str
    sha256: str
    size: int
    mime: str
    category: Category
    confidence: float
    reasons: tuple[Reason, ...]
    versions: dict[str, str]
    document_type: str | None = None
    pages: int | None = None
    elapsed_ms: float = 0.0
    members: tuple[str, ...] = field(default=())

    @classmethod
    def failure(
        cls,
        path: str,
        why: Reason,
        versions: dict[str, str],
        *,
        confidence: float,
        sha256: str = "",
        size: int = 0,
        mime: str = "",
        elapsed_ms: float = 0.0,
    ) -> FileVerdict:
        """`unreadable`: the file could not be judged (not reachable, a limit hit, a parser lost)."""
        return cls(path, sha256, size, mime, Category.UNREADABLE, confidence, (why,), versions, elapsed_ms=elapsed_ms)

    @property
    def codes(self) -> tuple[str, ...]:
        return tuple(r.code for r in self.reasons)

    def to_dict(self) -> dict[str, Any]:
        out = {
            "path": self.path,
            "sha256": self.sha256,
            "size": self.size,
            "mime": self.mime,
            "category": str(self.category),
            "confidence": round(self.confidence, 3),
            "document_type": self.document_type,
            "pages": self.pages,
            "reasons": [r.to_dict() for r in self.reasons],
            "elapsed_ms": round(self.elapsed_ms, 1),
            "versions": dict(self.versions),
        }
        if self.members:
            out["members"] = list(self.members)
        return out

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), ensure_ascii=False, sort_keys=False)

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> FileVerdict:
        reasons = tuple(Reason(**r) for r in d.get("reasons", ()))
        return cls(
            path=d["path"],
            sha256=d["sha256"],
            size=d["size"],
            mime=d["mime"],
            category=Category(d["category"]),
            confidence=d["confidence"],
            reasons=reasons,
            versions=dict(d.get("versions", {})),
            document_type=d.get("document_type"),
            pages=d.get("pages"),
            elapsed_ms=d.get("elapsed_ms", 0.0),
            members=tuple(d.get("members", ())),
        )


__all__ = ["Category", "FileVerdict", "Reason"]

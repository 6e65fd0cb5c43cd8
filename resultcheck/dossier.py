"""Dossiers: their attachments, per-procedure profiles, duplicate-of-input detection and status.

status (DESIGN.md §3): pass — at least one result attachment is a genuine result;
fail — no result attachment, or every one is confidently not a result; review — otherwise.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import os
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import Any

from . import access
from .detectors import duplicate, filetype
from .documents import DocumentError, open_document
from .errors import InputError, MissingFileError
from .hashing import sha256_file
from .messages import CATEGORY_VI, reason
from .models import Category, FileVerdict, Reason
from .procedures import Profile, Profiles

NAME = "dossier"


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


# ------------------------------------------------------------------ fingerprints


def fingerprint(data: bytes, sha256: str, limits: Any) -> duplicate.PageFingerprint:
    """The first page with marks as ~100 dpi grey pixels, or the words of a text document."""
    kind = filetype.sniff(data)
    if kind.kind not in (filetype.Kind.PDF, filetype.Kind.IMAGE, filetype.Kind.DOCUMENT):
        return duplicate.PageFingerprint(sha256)
    try:
        document = open_document(kind, data, limits)
    except DocumentError:
        return duplicate.PageFingerprint(sha256)
    try:
        for page in document.pages:
            if not page.has_marks:
                continue
            if document.page_count is None:  # DOCX, ODT, RTF, DOC
                words, numbers = duplicate.text_fingerprint(page.text)
                return duplicate.PageFingerprint(sha256, words=words, numbers=numbers)
            return duplicate.PageFingerprint(sha256, gray=page.gray(duplicate.FINGERPRINT_DPI))
    except DocumentError:
        pass
    finally:
        document.close()
    return duplicate.PageFingerprint(sha256)


# ------------------------------------------------------------------ checking a dossier

FileChecker = Callable[[Path, str], FileVerdict]


@dataclass
class DossierChecker:
    """Judges dossiers with a file checker (direct, or cached by a batch store)."""

    check_file: FileChecker
    limits: Any
    rules: dict[str, Any]
    duplicate_rules: dict[str, Any]
    profiles: Profiles
    versions: dict[str, str]
    fingerprint_file: Callable[[Path], duplicate.PageFingerprint | None] | None = None
    _fingerprints: dict[str, duplicate.PageFingerprint] = field(default_factory=dict)

    def check(self, dossier: Dossier) -> DossierVerdict:
        started = time.perf_counter()
        profile = self.profiles.for_dossier(dossier)
        entries = [self._check_result(dossier, attachment, profile) for attachment in dossier.results]
        status, summary, reasons = self._status(dossier, entries, profile)
        self._fingerprints.clear()
        return DossierVerdict(
            dossier.dossier_id,
            status,
            summary,
            tuple(reasons),
            tuple(entries),
            self.versions,
            dossier.procedure_code,
            dossier.agency,
            dossier.field,
            profile.id if profile else None,
            (time.perf_counter() - started) * 1000,
            dossier.completed_at,
        )

    def _check_result(self, dossier: Dossier, attachment: Attachment, profile: Profile | None) -> FileEntry:
        if attachment.path is None or attachment.problem:
            return FileEntry("result", attachment.name, unusable(attachment, self.versions))
        try:
            verdict = self.check_file(attachment.path, attachment.raw or attachment.name)
        except MissingFileError:  # gone since the manifest was read
            return FileEntry(
                "result",
                attachment.name,
                unusable(dataclasses.replace(attachment, problem="FILE_MISSING"), self.versions),
            )
        except access.FileError as exc:  # a file checker that hashes first (batch caches)
            return FileEntry(
                "result", attachment.name, access.unreadable_file(attachment.raw or attachment.name, exc, self.versions)
            )
        if verdict.category is Category.UNREADABLE and verdict.codes[:1] in (("FILE_NOT_READABLE",), ("FILE_MISSING",)):
            return FileEntry("result", attachment.name, verdict)
        if profile and profile.certification_is_result:
            verdict = certified_copy_as_result(verdict)
        match = self._duplicate_of(attachment, verdict, dossier)
        if match is None:
            return FileEntry("result", attachment.name, verdict)
        source, found = match
        how = {
            "identical": "trùng từng byte",
            "rescan": f"bản quét lại, trùng {found.score:.0%} nét chữ",
            "same_text": f"trùng {found.score:.0%} nội dung chữ",
        }[found.how]
        note = reason(
            "DUPLICATE_OF_INPUT",
            duplicate.NAME,
            input=source.name,
            how=how,
            data={"how": found.how, "score": found.score, "inliers": found.inliers},
        )
        if profile and profile.duplicate_of_input_is_result and verdict.category is Category.RESULT:
            return FileEntry(
                "result",
                attachment.name,
                dataclasses.replace(verdict, reasons=verdict.reasons + (note,)),
                duplicate_of=source.name,
            )
        confidence = 0.99 if found.how == "identical" else max(0.85, min(0.97, found.score))
        demoted = dataclasses.replace(
            verdict, category=Category.INPUT_COMPONENT, confidence=confidence, reasons=(note,) + verdict.reasons
        )
        return FileEntry("result", attachment.name, demoted, duplicate_of=source.name)

    def _duplicate_of(
        self, result: Attachment, verdict: FileVerdict, dossier: Dossier
    ) -> tuple[Attachment, duplicate.Match] | None:
        """Hash first (free); pixels or words only for results that look like documents."""
        usable = [(a, a.path) for a in dossier.inputs if a.path is not None and not a.problem and self._sha256(a.path)]
        for attachment, path in usable:
            if self._sha256(path) == verdict.sha256:
                return attachment, duplicate.Match("identical", 1.0)
        if verdict.category not in (Category.RESULT, Category.INPUT_COMPONENT) or result.path is None:
            return None
        mine = self._fingerprint(result.path)
        for attachment, path in usable:
            found = duplicate.compare(mine, self._fingerprint(path), self.duplicate_rules)
            if found is not None:
                return attachment, found
        return None

    def _sha256(self, path: Path) -> str:
        """The file's hash; "" for an input that cannot be read (it then matches nothing)."""
        key = str(path)
        if key not in self._fingerprints:
            try:
                digest = sha256_file(path)
            except access.FileError:
                digest = ""
            self._fingerprints[key] = duplicate.PageFingerprint(digest)
        return self._fingerprints[key].sha256

    def _fingerprint(self, path: Path) -> duplicate.PageFingerprint:
        known = self._fingerprints.get(str(path))
        if known is None or (known.gray is None and not known.words):
            try:
                known = self._read_fingerprint(path) or known or duplicate.PageFingerprint(self._sha256(path))
            except access.FileError:  # unreadable now: compare by what is known (the hash) or nothing
                known = known or duplicate.PageFingerprint("")
            self._fingerprints[str(path)] = known
        return known

    def _read_fingerprint(self, path: Path) -> duplicate.PageFingerprint | None:
        if self.fingerprint_file is not None:  # parsed in the isolated, bounded child
            return self.fingerprint_file(path)
        with path.open("rb") as fh:
            if os.fstat(fh.fileno()).st_size > self.limits.max_file_bytes:
                return None
            data = fh.read()
        return fingerprint(data, hashlib.sha256(data).hexdigest(), self.limits)

    def _status(
        self, dossier: Dossier, entries: list[FileEntry], profile: Profile | None
    ) -> tuple[Status, str, list[Reason]]:
        reasons: list[Reason] = []
        if profile:
            reasons.append(reason("PROCEDURE_PROFILE", NAME, profile=profile.description))
        if not entries:
            reasons.insert(0, reason("NO_RESULT_ATTACHED", NAME))
            return Status.FAIL, reasons[0].message, reasons
        genuine = [e for e in entries if e.verdict.category is Category.RESULT]
        sure = [e for e in genuine if e.verdict.confidence >= self.rules["pass_min_confidence"]]
        if sure:
            best = max(sure, key=lambda e: e.verdict.confidence)
            kind = f" ({best.verdict.document_type})" if best.verdict.document_type else ""
            reasons.insert(0, reason("RESULT_FOUND", NAME, name=best.name, kind=kind))
            return Status.PASS, reasons[0].message, reasons
        details = "; ".join(f"{e.name}: {CATEGORY_VI[e.verdict.category]}" for e in entries)
        confident = all(
            e.verdict.category is not Category.RESULT and e.verdict.confidence >= self.rules["fail_min_confidence"]
            for e in entries
        )
        if confident:
            reasons.insert(0, reason("RESULT_NOT_GENUINE", NAME, count=len(entries), details=details))
            return Status.FAIL, reasons[0].message, reasons
        reasons.insert(0, reason("NEEDS_REVIEW", NAME, details=details))
        return Status.REVIEW, reasons[0].message, reasons


def certified_copy_as_result(verdict: FileVerdict) -> FileVerdict:
    """In certification procedures a page bearing the certification formula is the result."""
    certified = any(r.code == "CUE" and (r.data or {}).get("side") == "certified" for r in verdict.reasons)
    if not certified or verdict.category is Category.RESULT:
        return verdict
    note = reason("CERTIFIED_COPY_IS_RESULT", NAME)
    return dataclasses.replace(
        verdict,
        category=Category.RESULT,
        confidence=max(verdict.confidence, 0.85),
        document_type="ban_sao_chung_thuc",
        reasons=(note,) + verdict.reasons,
    )


def unusable(attachment: Attachment, versions: dict[str, str]) -> FileVerdict:
    """A verdict for an attachment that cannot be read at all (missing, outside the root)."""
    code = attachment.problem or "FILE_MISSING"
    return FileVerdict(
        path=attachment.raw or attachment.name,
        sha256="",
        size=0,
        mime="",
        category=Category.UNREADABLE,
        confidence=1.0,
        reasons=(reason(code, NAME, path=attachment.raw or attachment.name),),
        versions=versions,
    )


def failed_verdict(dossier: Dossier, versions: dict[str, str], detail: str) -> DossierVerdict:
    """`review` for a dossier whose check failed unexpectedly (a bug, a lost worker): never the batch's end."""
    note = reason("WORKER_FAILED", "scan", detail=detail[:200])
    return DossierVerdict(
        dossier.dossier_id,
        Status.REVIEW,
        note.message,
        (note,),
        (),
        versions,
        dossier.procedure_code,
        dossier.agency,
        dossier.field,
        completed_at=dossier.completed_at,
    )

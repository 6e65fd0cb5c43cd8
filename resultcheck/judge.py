"""Judging a dossier: each result attachment checked, compared with the inputs, and a status.

status (DESIGN.md §3): pass — at least one result attachment is a genuine result;
fail — no result attachment, or every one is confidently not a result; review — otherwise.
A result that is a copy of one of the dossier's inputs (same bytes, a re-scan, the same text)
is an input component, unless the procedure's profile says otherwise.
"""

from __future__ import annotations

import dataclasses
import hashlib
import os
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from . import access
from .detectors import duplicate, filetype
from .dossier import Attachment, Dossier, DossierVerdict, FileEntry, Status
from .errors import MissingFileError
from .hashing import sha256_file
from .limits import Limits
from .messages import CATEGORY_VI, reason
from .models import Category, FileVerdict, Reason
from .procedures import Profile, Profiles

NAME = "dossier"  # the `source` of this module's reasons (stable in the JSON)


# ------------------------------------------------------------------ fingerprints


def fingerprint(data: bytes, sha256: str, limits: Limits) -> duplicate.PageFingerprint:
    """The first page with marks as ~100 dpi grey pixels, or the words of a text document."""
    from .documents import DocumentError, open_document  # the parsers load where files are parsed

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

CheckAttachment = Callable[[Path, str], FileVerdict]  # (path, display name) -> verdict


@dataclass
class DossierChecker:
    """Judges dossiers with a file checker (direct, or cached by a batch store)."""

    check_file: CheckAttachment
    limits: Limits
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
    path = attachment.raw or attachment.name
    return FileVerdict.failure(
        path, reason(attachment.problem or "FILE_MISSING", NAME, path=path), versions, confidence=1.0
    )


def failed_verdict(dossier: Dossier, versions: dict[str, str], detail: str) -> DossierVerdict:
    """`review` for a dossier whose check failed unexpectedly (a bug, a lost worker): never the batch's end."""
    return DossierVerdict.review(dossier, reason("WORKER_FAILED", "scan", detail=detail[:200]), versions)

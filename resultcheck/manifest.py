"""Where dossiers come from: a JSONL manifest, a directory tree, or the national sync payload.

    manifest.jsonl    {"dossier_id", "procedure_code", "agency", "field", "inputs": [{"path", "name"}],
                       "results": [{"path"}]}  — paths relative to the manifest's folder
    ROOT/<dossier_id>/inputs/…  ROOT/<dossier_id>/results/…
    sync payload      {"MaHoSo", "MaTTHC", "TaiLieuNop": [{"TenTepDinhKem", "DuongDanTaiTepTin"}],
                       "DanhSachGiayToKetQua": [{"TenGiayTo", "DuongDanTepTinKetQua"}]} as JSONL, or a
                      JSON list; links (URLs or paths) are resolved inside --base-dir.

A path that leaves the root (absolute, "..", or a symbolic link pointing out) is refused:
the attachment gets the reason PATH_REFUSED and is never opened.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path, PurePosixPath
from typing import Any
from urllib.parse import unquote, urlparse

from .dossier import Attachment, Dossier
from .errors import InputError, bilingual


@dataclass(frozen=True, slots=True)
class ManifestProblem:
    """A line that is not a dossier (bad JSON, no id): reported, never fatal for the batch."""

    where: str
    message: str


def resolve_inside(root: Path, link: str) -> tuple[Path | None, str | None]:
    """(path, None) when `link` names a file inside `root`; (None, reason code) otherwise."""
    parsed = urlparse(link)
    relative = unquote(parsed.path) if parsed.scheme in ("http", "https", "file") else link
    relative = relative.replace("\\", "/")
    if parsed.scheme in ("http", "https"):
        relative = relative.lstrip("/")
    if (
        not relative
        or "\x00" in relative
        or PurePosixPath(relative).is_absolute()
        or ".." in PurePosixPath(relative).parts
    ):
        return None, "PATH_REFUSED"
    candidate = root / relative
    try:
        real = candidate.resolve(strict=False)
    except (OSError, RuntimeError, ValueError):  # symlink loops, names the OS refuses
        return None, "PATH_REFUSED"
    if not real.is_relative_to(root.resolve()):
        return None, "PATH_REFUSED"
    try:
        return (real, None) if real.is_file() else (real, "FILE_MISSING")
    except OSError:  # a name too long for the file system
        return None, "PATH_REFUSED"


def load(source: Path, base_dir: Path | None = None) -> Iterator[Dossier | ManifestProblem]:
    """Dossiers from a manifest file, a sync payload or a directory tree, in source order.

    A dossier id seen before is reported (ManifestProblem) and that later record skipped.
    """
    first_seen: dict[str, str] = {}
    for where, item in _load(source, base_dir):
        if isinstance(item, Dossier):
            if item.dossier_id in first_seen:
                item = ManifestProblem(
                    where,
                    bilingual(
                        f"mã hồ sơ {item.dossier_id} trùng với {first_seen[item.dossier_id]}; bỏ qua bản ghi này",
                        f"dossier_id {item.dossier_id} repeats {first_seen[item.dossier_id]}; this record is skipped",
                    ),
                )
            else:
                first_seen[item.dossier_id] = where
        yield item


def _load(source: Path, base_dir: Path | None) -> Iterator[tuple[str, Dossier | ManifestProblem]]:
    if source.is_dir():
        yield from _tree(source)
        return
    if not source.is_file():
        raise InputError(
            bilingual(f"không tìm thấy danh sách hồ sơ hay thư mục: {source}", f"no such manifest or folder: {source}")
        )
    root = (base_dir or source.parent).resolve()
    for where, record in _records(source):
        if isinstance(record, ManifestProblem):
            yield where, record
        elif not isinstance(record, dict):
            yield (
                where,
                ManifestProblem(
                    where, bilingual("mỗi dòng phải là một đối tượng JSON", "a line must be a JSON object")
                ),
            )
        elif "MaHoSo" in record:
            yield where, _from_sync(record, root, where)
        else:
            yield where, _from_manifest(record, root, where)


def _records(source: Path) -> Iterator[tuple[str, Any]]:
    raw = source.read_bytes()
    stripped = raw.lstrip()
    if stripped.startswith(b"["):  # a JSON list (sync exports)
        try:
            items = json.loads(raw.decode("utf-8-sig"))
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            problem = bilingual("không phải JSON hợp lệ", "not valid JSON") + f": {exc}"
            yield str(source), ManifestProblem(str(source), problem)
            return
        for i, item in enumerate(items):
            yield f"{source.name}[{i}]", item
        return
    for number, line in enumerate(raw.splitlines(), 1):
        where = f"{source.name}:{number}"
        if not line.strip():
            continue
        try:
            yield where, json.loads(line.decode("utf-8-sig"))
        except UnicodeDecodeError:
            yield (
                where,
                ManifestProblem(where, bilingual("dòng không phải văn bản UTF-8", "the line is not UTF-8 text")),
            )
        except json.JSONDecodeError as exc:
            yield (
                where,
                ManifestProblem(
                    where, bilingual("không phải JSON hợp lệ", "not valid JSON") + f": {exc.msg} (column {exc.colno})"
                ),
            )


def _attachment(root: Path, link: Any, name: Any) -> Attachment:
    link = "" if link is None else str(link)
    path, problem = resolve_inside(root, link) if link else (None, "FILE_MISSING")
    return Attachment(str(name or PurePosixPath(link).name or "?"), path, problem, link)


def _from_manifest(record: dict[str, Any], root: Path, where: str) -> Dossier | ManifestProblem:
    dossier_id = record.get("dossier_id")
    if not dossier_id:
        return ManifestProblem(where, bilingual("thiếu dossier_id", "no dossier_id"))
    try:
        inputs = tuple(_attachment(root, a.get("path"), a.get("name")) for a in record.get("inputs") or ())
        results = tuple(_attachment(root, a.get("path"), a.get("name")) for a in record.get("results") or ())
    except AttributeError:
        return ManifestProblem(
            where,
            bilingual(
                "inputs và results phải là danh sách đối tượng có path",
                "inputs and results must be lists of objects with a path",
            ),
        )
    return Dossier(
        str(dossier_id),
        inputs,
        results,
        _text(record.get("procedure_code")),
        _text(record.get("agency")),
        _text(record.get("field")),
        iso_date(record.get("completed_at")),
    )


def _from_sync(record: dict[str, Any], root: Path, where: str) -> Dossier | ManifestProblem:
    try:
        inputs = tuple(
            _attachment(root, a.get("DuongDanTaiTepTin"), a.get("TenTepDinhKem"))
            for a in record.get("TaiLieuNop") or ()
            if not a.get("IsDeleted")
        )
        results = tuple(
            _attachment(root, a.get("DuongDanTepTinKetQua"), a.get("TenGiayTo"))
            for a in record.get("DanhSachGiayToKetQua") or ()
        )
    except AttributeError:
        return ManifestProblem(
            where,
            bilingual(
                "TaiLieuNop và DanhSachGiayToKetQua phải là danh sách đối tượng",
                "TaiLieuNop and DanhSachGiayToKetQua must be lists of objects",
            ),
        )
    if record.get("MaHoSo") in (None, ""):
        return ManifestProblem(where, bilingual("thiếu MaHoSo", "no MaHoSo"))
    return Dossier(
        str(record["MaHoSo"]),
        inputs,
        results,
        _text(record.get("MaTTHC")),
        _text(record.get("DonViXuLy") or record.get("TenDonVi")),
        _text(record.get("TenLinhVuc") or record.get("MaLinhVuc")),
        iso_date(record.get("NgayKetThucXuLy") or record.get("NgayTra")),
    )


ROLES = ("inputs", "results")


def _tree(root: Path) -> Iterator[tuple[str, Dossier | ManifestProblem]]:
    """ROOT/<dossier_id>/{inputs,results}/…; anything else under <dossier_id>/ is reported, not checked."""
    real_root = root.resolve()
    try:
        folders = sorted(p for p in root.iterdir() if p.is_dir())
    except OSError as exc:
        raise InputError(
            bilingual(f"không đọc được thư mục {root}", f"cannot read folder {root}") + f" ({exc.strerror})"
        ) from None
    for folder in folders:
        where = f"{folder.name}/"
        try:
            stray = sorted(p.name for p in folder.iterdir() if p.name not in ROLES)
            found = {role: _role_files(root, real_root, folder / role) for role in ROLES}
        except OSError as exc:
            unreadable = bilingual("không đọc được thư mục hồ sơ", "cannot read the dossier folder")
            yield where, ManifestProblem(where, f"{unreadable} ({exc.strerror})")
            continue
        if stray:
            names = ", ".join(stray[:5]) + ("…" if len(stray) > 5 else "")
            yield (
                where,
                ManifestProblem(
                    where,
                    bilingual(
                        f"{len(stray)} mục nằm ngoài inputs/ và results/ không được kiểm tra: {names}",
                        f"{len(stray)} entries outside inputs/ and results/ are not checked: {names}",
                    ),
                ),
            )
        yield where, Dossier(folder.name, found["inputs"], found["results"])


def _role_files(root: Path, real_root: Path, folder: Path) -> tuple[Attachment, ...]:
    out = []
    for path in sorted(folder.rglob("*")) if folder.is_dir() else ():
        if path.is_dir():
            continue
        rel = str(path.relative_to(root))
        resolved, problem = resolve_inside(real_root, rel)
        out.append(Attachment(path.name, resolved, problem, rel))
    return tuple(out)


def _text(value: Any) -> str | None:
    return None if value is None else str(value)


_COMPACT_DATE = re.compile(r"^(\d{4})(\d{2})(\d{2})(?:(\d{2})(\d{2})(\d{2}))?$")


def iso_date(value: Any) -> str | None:
    """An ISO 8601 date(-time) from a manifest's `completed_at` or the sync payload's compact
    yyyyMMddHHmmss; None when absent or not a date (the report then has no period for it)."""
    if value is None or not str(value).strip():
        return None
    text = str(value).strip()
    compact = _COMPACT_DATE.match(text)
    if compact:
        y, mo, d, h, mi, s = compact.groups()
        text = f"{y}-{mo}-{d}" + (f"T{h}:{mi}:{s}" if h else "")
    try:
        datetime.fromisoformat(text)
    except ValueError:
        return None
    return text

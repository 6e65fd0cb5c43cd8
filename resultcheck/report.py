"""`resultcheck report verdicts.jsonl [--html report.html] [--xlsx report.xlsx]`: what a control office acts on.

This module reads scan verdicts tolerantly (a torn or foreign line is counted and skipped; the
same dossier listed twice counts once, the last line wins) and works out, per dossier, its
period (month and quarter of `completed_at`) and its defects: why a failing dossier failed, in
the inspections' words (blank, archive, input component, other, unreadable, unsupported, no
result attached). The HTML page is drawn by `report_html`, the workbook by `export_xlsx`; the
terminal gets a table with totals.
"""

from __future__ import annotations

import json
import os
import re
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from . import messages
from .errors import InputError

STATUSES = ("pass", "review", "fail")
STATUS_VI = {"pass": "Đạt", "fail": "Không đạt", "review": "Cần xem lại"}
CATEGORY_VI = {k: v[0].upper() + v[1:] for k, v in messages.CATEGORY_VI.items()}
REASON_VI = {
    "NO_RESULT_ATTACHED": "Không đính kèm kết quả",
    "RESULT_NOT_GENUINE": "Đính kèm nhưng không phải kết quả",
    "NEEDS_REVIEW": "Chưa đủ chắc chắn",
    "RESULT_FOUND": "Có kết quả",
    "WORKER_CRASHED": "Lỗi khi kiểm tra",
    "WORKER_FAILED": "Lỗi khi kiểm tra",
    "LIMIT_REQUEST_TIME": "Quá thời gian kiểm tra",
}
# Why a failing dossier failed, as the inspections count it; one dossier may show several.
DEFECTS = ("blank", "archive", "input_component", "other", "unreadable", "unsupported", "no_result")
DEFECT_VI = {
    "blank": "Tệp trắng",
    "archive": "Tệp nén",
    "input_component": "Thành phần hồ sơ đầu vào",
    "other": "Tài liệu khác",
    "unreadable": "Không đọc được",
    "unsupported": "Định dạng không hỗ trợ",
    "no_result": "Không đính kèm kết quả",
}
UNKNOWN = "(không rõ)"
NO_DATE = "(không rõ ngày)"
_DATE = re.compile(r"^(\d{4})-(\d{2})")


@dataclass
class Dossier:
    """One dossier line of a scan, with what the report derives from it."""

    data: dict[str, Any]
    month: str | None  # "2025-03"
    quarter: str | None  # "2025-Q1"
    defects: tuple[str, ...]  # empty unless the dossier failed
    duplicates: int = 0  # earlier lines of the same dossier id that this one replaced

    @property
    def id(self) -> str:
        return str(self.data["dossier_id"])

    @property
    def status(self) -> str:
        return str(self.data["status"])

    def get(self, key: str) -> str:
        return str(self.data.get(key) or UNKNOWN)


@dataclass
class Report:
    source: str
    dossiers: list[Dossier]
    skipped: int = 0  # lines that are not a dossier verdict
    duplicate_lines: int = 0  # lines replaced by a later line of the same dossier
    files_base: Path | None = None
    versions: dict[str, str] = field(default_factory=dict)

    @property
    def totals(self) -> dict[str, int]:
        counts = Counter(d.status for d in self.dossiers)
        return {s: counts[s] for s in STATUSES}

    def groups(self, key: Callable[[Dossier], str]) -> dict[str, list[Dossier]]:
        out: dict[str, list[Dossier]] = defaultdict(list)
        for d in self.dossiers:
            out[key(d)].append(d)
        return dict(out)

    def local_file(self, path: str) -> Path | None:
        """The file a verdict's path names on this machine, if it is here (for a link), else None."""
        if not path or "://" in path:
            return None
        candidate = Path(path)
        if not candidate.is_absolute():
            candidate = (self.files_base or Path.cwd()) / candidate
        try:
            return candidate.resolve() if candidate.is_file() else None
        except OSError:
            return None


def period(value: Any) -> tuple[str | None, str | None]:
    """("2025-03", "2025-Q1") from an ISO date(-time), or (None, None) when absent or not a date."""
    match = _DATE.match(str(value or ""))
    if not match or not 1 <= int(match.group(2)) <= 12:
        return None, None
    year, month = match.group(1), int(match.group(2))
    return f"{year}-{month:02d}", f"{year}-Q{(month - 1) // 3 + 1}"


def period_vi(key: str) -> str:
    """ "2025-Q1" -> "Quý 1/2025", "2025-03" -> "Tháng 03/2025"."""
    if key == NO_DATE:
        return key
    year, rest = key.split("-")
    return f"Quý {rest[1:]}/{year}" if rest.startswith("Q") else f"Tháng {rest}/{year}"


def defects(v: dict[str, Any]) -> tuple[str, ...]:
    if v.get("status") != "fail":
        return ()
    results = [f for f in v.get("files") or [] if isinstance(f, dict) and f.get("role", "result") == "result"]
    codes = {r.get("code") for r in v.get("reasons") or [] if isinstance(r, dict)}
    found = {"no_result"} if not results or "NO_RESULT_ATTACHED" in codes else set()
    for f in results:
        category = "input_component" if f.get("duplicate_of") else f.get("category")
        if category in DEFECTS:
            found.add(category)
    return tuple(d for d in DEFECTS if d in found)


def _valid(v: Any) -> bool:
    return (
        isinstance(v, dict)
        and isinstance(v.get("dossier_id"), str)
        and bool(v["dossier_id"].strip())
        and v.get("status") in STATUSES
        and isinstance(v.get("files", []), list)
    )


def load(path: Path, files_base: Path | None = None) -> Report:
    """Every dossier of a verdicts file once (the last line wins); invalid lines are counted, not fatal."""
    if not path.is_file():
        raise InputError(f"không tìm thấy tệp kết quả kiểm tra / no such verdicts file: {path}")
    latest: dict[str, dict[str, Any]] = {}
    seen: Counter[str] = Counter()
    skipped = 0
    with path.open(encoding="utf-8", errors="replace") as fh:
        for line in fh:
            if not line.strip():
                continue
            try:
                v = json.loads(line)
            except json.JSONDecodeError:
                v = None  # a torn last line of an interrupted scan, or not JSON at all
            if not _valid(v):
                skipped += 1
                continue
            latest.pop(v["dossier_id"], None)  # keep the order of last appearance
            latest[v["dossier_id"]] = v
            seen[v["dossier_id"]] += 1
    dossiers = [Dossier(v, *period(v.get("completed_at")), defects(v), seen[i] - 1) for i, v in latest.items()]
    versions: dict[str, Any] = next(
        (d.data["versions"] for d in dossiers if isinstance(d.data.get("versions"), dict)), {}
    )
    return Report(
        path.name,
        dossiers,
        skipped,
        sum(seen.values()) - len(latest),
        files_base if files_base is not None else path.parent,
        versions,
    )


def load_verdicts(path: Path) -> list[dict[str, Any]]:
    """The dossier verdicts of a file, once each (kept for callers of the first report)."""
    return [d.data for d in load(path).dossiers]


def sentence(report: Report, targets: Iterable[Path]) -> str:
    """One line for the terminal: what was written where, Vietnamese then English."""
    t, n = report.totals, len(report.dossiers)
    where = ", ".join(str(p) for p in targets)
    notes_vi = notes_en = ""
    if report.skipped:
        notes_vi += f"; bỏ qua {report.skipped} dòng không hợp lệ"
        notes_en += f"; {report.skipped} invalid lines skipped"
    if report.duplicate_lines:
        notes_vi += f"; {report.duplicate_lines} dòng trùng mã hồ sơ (lấy dòng sau cùng)"
        notes_en += f"; {report.duplicate_lines} repeated dossier lines (the last one counts)"
    return (
        f"Đã ghi báo cáo {n} hồ sơ ({t['pass']} đạt, {t['fail']} không đạt, {t['review']} cần xem lại{notes_vi}) "
        f"vào {where} / Wrote the report of {n} dossiers ({t['pass']} pass, {t['fail']} fail, "
        f"{t['review']} review{notes_en}) to {where}."
    )


def _width(text: str) -> int:
    import unicodedata

    return sum(0 if unicodedata.combining(ch) else 1 for ch in text)


def _cell(text: str, width: int) -> str:
    text = text if _width(text) <= width else text[: width - 1] + "…"
    return text + " " * (width - _width(text))


def text_report(report: Report) -> str:
    """The terminal view: one line per dossier, then totals by status and by defect."""
    ids = [d.id for d in report.dossiers]
    id_w = min(36, max([8, *map(_width, ids)]))
    lines = [f"{_cell('MÃ HỒ SƠ', id_w)}  {'KẾT LUẬN':8}  TÓM TẮT"]  # the status code: stable, easy to grep
    for d in report.dossiers:
        lines.append(f"{_cell(d.id, id_w)}  {d.status:8}  {d.data.get('summary') or ''}")
    n = len(report.dossiers)
    t = report.totals
    lines.append("")
    lines.append(f"TỔNG CỘNG: {n} hồ sơ")
    for s in STATUSES:
        lines.append(f"  {_cell(f'{STATUS_VI[s]} ({s})', 26)} {t[s]:>7}  {t[s] / (n or 1):6.1%}")
    counts = Counter(x for d in report.dossiers for x in d.defects)
    if counts:
        lines.append("Hồ sơ không đạt theo lỗi (một hồ sơ có thể có nhiều lỗi):")
        for x in DEFECTS:
            if counts[x]:
                lines.append(f"  {_cell(DEFECT_VI[x], 26)} {counts[x]:>7}  {counts[x] / n:6.1%}")
    if report.skipped:
        lines.append(f"Bỏ qua {report.skipped} dòng không hợp lệ.")
    if report.duplicate_lines:
        lines.append(f"{report.duplicate_lines} dòng trùng mã hồ sơ: mỗi hồ sơ tính một lần (dòng sau cùng).")
    return "\n".join(lines)


def write_atomically(target: Path, data: bytes) -> None:
    tmp = target.with_name(target.name + ".tmp")
    tmp.write_bytes(data)
    os.replace(tmp, target)

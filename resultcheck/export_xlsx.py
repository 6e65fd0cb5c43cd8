"""`resultcheck report verdicts.jsonl --xlsx report.xlsx`: the report as a workbook for the office.

Sheet "Tổng hợp": totals, then dossiers by status and by defect per agency, per field and per
period. Sheet "Hồ sơ": one row per dossier. Vietnamese headers, an autofilter on every table and
the header row frozen, so the office can sort and filter in Excel or LibreOffice.
"""

from __future__ import annotations

import io
from collections import Counter
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter

from .report import CATEGORY_VI, DEFECT_VI, DEFECTS, NO_DATE, STATUS_VI, STATUSES, Dossier, Report, write_atomically

BOLD = Font(bold=True)
HEAD = PatternFill("solid", fgColor="DDDDDD")
TONE = {"pass": "E6F4EC", "review": "FDF3DC", "fail": "FBE7E5"}
DOSSIER_HEADERS = [
    "Mã hồ sơ",
    "Kết luận",
    "Đơn vị",
    "Lĩnh vực",
    "Mã thủ tục",
    "Ngày giải quyết",
    "Tháng",
    "Quý",
    "Lỗi",
    "Số tệp kết quả",
    "Loại tệp",
    "Đường dẫn tệp",
    "Độ tin cậy thấp nhất",
    "Tóm tắt",
    "Số dòng trùng",
]


def _header(ws: Any, row: int, headers: list[str]) -> None:
    for col, text in enumerate(headers, 1):
        cell = ws.cell(row, col, text)
        cell.font, cell.fill = BOLD, HEAD


def _group_rows(report: Report, title: str, key: Any) -> list[list[Any]]:
    rows = []
    for name, members in sorted(report.groups(key).items(), key=lambda kv: (kv[0] == NO_DATE, kv[0])):
        n = len(members)
        counts = Counter(d.status for d in members)
        defects = Counter(x for d in members for x in d.defects)
        rows.append(
            [
                title,
                name,
                n,
                counts["pass"],
                counts["review"],
                counts["fail"],
                counts["fail"] / n,
                *[defects[x] for x in DEFECTS],
                *[defects[x] / n for x in DEFECTS],
            ]
        )
    return rows


def _summary(ws, report: Report) -> None:  # type: ignore[no-untyped-def]
    n = len(report.dossiers)
    t = report.totals
    ws.append(["Nguồn", report.source])
    ws.append(["Tổng số hồ sơ", n])
    for s in STATUSES:
        ws.append([STATUS_VI[s], t[s], t[s] / n if n else 0])
        ws.cell(ws.max_row, 3).number_format = "0.0%"
    ws.append(["Dòng không hợp lệ đã bỏ qua", report.skipped])
    ws.append(["Dòng trùng mã hồ sơ (lấy dòng sau cùng)", report.duplicate_lines])
    ws.append([])
    start = ws.max_row + 1
    headers = [
        "Nhóm",
        "Tên",
        "Hồ sơ",
        "Đạt",
        "Cần xem lại",
        "Không đạt",
        "Tỷ lệ không đạt",
        *[f"{DEFECT_VI[x]} (số hồ sơ)" for x in DEFECTS],
        *[f"{DEFECT_VI[x]} (tỷ lệ)" for x in DEFECTS],
    ]
    _header(ws, start, headers)
    rows = (
        _group_rows(report, "Đơn vị", lambda d: d.get("agency"))
        + _group_rows(report, "Lĩnh vực", lambda d: d.get("field"))
        + _group_rows(report, "Quý", lambda d: d.quarter or NO_DATE)
        + _group_rows(report, "Tháng", lambda d: d.month or NO_DATE)
    )
    for row in rows:
        ws.append(row)
        for col in [7, *range(8 + len(DEFECTS), 8 + 2 * len(DEFECTS))]:
            ws.cell(ws.max_row, col).number_format = "0.0%"
    ws.auto_filter.ref = f"A{start}:{get_column_letter(len(headers))}{ws.max_row}"
    ws.freeze_panes = f"A{start + 1}"
    ws.column_dimensions["A"].width, ws.column_dimensions["B"].width = 34, 34


def _dossier_row(d: Dossier) -> list[Any]:
    files = [f for f in d.data.get("files") or [] if isinstance(f, dict)]
    confidences = [f["confidence"] for f in files if isinstance(f.get("confidence"), (int, float))]
    return [
        d.id,
        STATUS_VI[d.status],
        d.get("agency"),
        d.get("field"),
        d.data.get("procedure_code") or "",
        str(d.data.get("completed_at") or ""),
        d.month or "",
        d.quarter or "",
        "; ".join(DEFECT_VI[x] for x in d.defects),
        len(files),
        "; ".join(CATEGORY_VI.get(str(f.get("category")), str(f.get("category"))) for f in files),
        "; ".join(str(f.get("path") or "") for f in files),
        min(confidences) if confidences else None,
        str(d.data.get("summary") or ""),
        d.duplicates,
    ]


def render(report: Report) -> bytes:
    wb = Workbook()
    summary = wb.active
    summary.title = "Tổng hợp"
    _summary(summary, report)
    ws = wb.create_sheet("Hồ sơ")
    _header(ws, 1, DOSSIER_HEADERS)
    for d in report.dossiers:
        ws.append(_dossier_row(d))
        ws.cell(ws.max_row, 2).fill = PatternFill("solid", fgColor=TONE[d.status])
    ws.auto_filter.ref = f"A1:{get_column_letter(len(DOSSIER_HEADERS))}{ws.max_row}"
    ws.freeze_panes = "A2"
    for col, width in zip("ABCDEFGHIJKLMNO", (30, 12, 28, 20, 12, 20, 9, 9, 30, 8, 30, 40, 10, 60, 8), strict=False):
        ws.column_dimensions[col].width = width
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def write_xlsx(report: Report, target: Path) -> None:
    write_atomically(target, render(report))

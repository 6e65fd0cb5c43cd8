"""What `resultcheck report` writes: the HTML report, the workbook, or the terminal table."""

from __future__ import annotations

from pathlib import Path

from .export_xlsx import write_xlsx
from .report import Report, load, sentence, text_report, write_atomically
from .report_html import render


def write_report(verdicts_path: Path, target: Path, files_base: Path | None = None) -> Report:
    """Write the HTML report of a verdicts file; returns what it was made from."""
    report = load(verdicts_path, files_base)
    write_atomically(target, render(report).encode("utf-8"))
    return report


def write_outputs(
    verdicts_path: Path, html: Path | None = None, xlsx: Path | None = None, files_base: Path | None = None
) -> str:
    """What `resultcheck report` does: write the HTML and/or workbook, or return the terminal table."""
    report = load(verdicts_path, files_base)
    if html is None and xlsx is None:
        return text_report(report)
    if html is not None:
        write_atomically(html, render(report).encode("utf-8"))
    if xlsx is not None:
        write_xlsx(report, xlsx)
    return sentence(report, [p for p in (html, xlsx) if p is not None])

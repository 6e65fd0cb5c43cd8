"""Command line: `resultcheck check FILE... [--json]` (more subcommands as issues add them)."""

from __future__ import annotations

import argparse
import logging
import os
import sys
import unicodedata
from collections.abc import Sequence

from . import __version__
from .config import Config, Rules
from .errors import ResultcheckError
from .models import FileVerdict
from .pipeline import Checker

EXIT_OK, EXIT_USAGE, EXIT_ERROR = 0, 2, 1

def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="resultcheck", description=(
        "Kiểm tra tệp kết quả giải quyết TTHC: trắng, tệp nén, thành phần hồ sơ hay kết quả thật."))
    parser.add_argument("--version", action="version", version=f"resultcheck {__version__}")
    parser.add_argument("--rules", help="rules TOML file (default: the built-in, versioned rules)")
    parser.add_argument("-v", "--verbose", action="count", default=0, help="log more (repeatable)")
    sub = parser.add_subparsers(dest="command", required=True)

    check = sub.add_parser("check", help="classify files and print one verdict per file")
    check.add_argument("files", nargs="+", metavar="FILE")
    check.add_argument("--json", action="store_true", help="one JSON object per line instead of a table")
    check.add_argument("--no-ocr", action="store_true", help="never run tesseract (text layers only)")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    os.environ.setdefault("OMP_THREAD_LIMIT", "1")  # tesseract is ~5x slower with OpenMP threads here
    args = build_parser().parse_args(argv)
    logging.basicConfig(level=logging.WARNING - 10 * min(args.verbose, 2), format="%(levelname)s %(name)s: %(message)s")
    try:
        config = Config(rules=Rules.load(args.rules), ocr=not getattr(args, "no_ocr", False))
        return _check(args, Checker(config))
    except ResultcheckError as exc:
        print(f"resultcheck: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except BrokenPipeError:  # `resultcheck check … | head`
        return EXIT_OK


def _check(args: argparse.Namespace, checker: Checker) -> int:
    status = EXIT_OK
    rows: list[FileVerdict] = []
    for path in args.files:
        if not os.path.isfile(path):
            print(f"resultcheck: không tìm thấy tệp / no such file: {path}", file=sys.stderr)
            status = EXIT_ERROR
            continue
        verdict = checker.check_file(path)
        if args.json:
            print(verdict.to_json(), flush=True)
        else:
            rows.append(verdict)
    if rows:
        print_table(rows)
    return status


def _width(text: str) -> int:
    return sum(0 if unicodedata.combining(ch) else 1 for ch in text)


def _cell(text: str, width: int) -> str:
    text = text if _width(text) <= width else text[: width - 1] + "…"
    return text + " " * (width - _width(text))


def print_table(verdicts: Sequence[FileVerdict]) -> None:
    path_w = min(48, max(8, *(_width(v.path) for v in verdicts)))
    print(f"{_cell('TỆP', path_w)}  {_cell('LOẠI', 16)}  {'TIN CẬY':>7}  {'TRANG':>5}  LÝ DO")
    for v in verdicts:
        label = f"{v.category}"
        pages = "" if v.pages is None else str(v.pages)
        first = v.reasons[0].message if v.reasons else ""
        print(f"{_cell(v.path, path_w)}  {_cell(label, 16)}  {v.confidence:>7.2f}  {pages:>5}  {first}")


if __name__ == "__main__":
    sys.exit(main())

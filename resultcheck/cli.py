"""Command line: `resultcheck check FILE... [--json]` (more subcommands as issues add them)."""

from __future__ import annotations

import argparse
import logging
import os
import sys
import unicodedata
from collections.abc import Sequence
from pathlib import Path

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

    scan = sub.add_parser("scan", help="check every dossier of a manifest, sync payload or folder tree")
    scan.add_argument("input", type=Path, metavar="INPUT", help="manifest.jsonl, sync payload (.json/.jsonl) or ROOT/")
    scan.add_argument("--out", type=Path, required=True, help="verdicts.jsonl (a .csv and a .sqlite store go beside it)")
    scan.add_argument("--workers", type=int, default=None, help="worker processes (default: number of cores)")
    scan.add_argument("--resume", action="store_true", help="continue a scan: skip dossiers already recorded")
    scan.add_argument("--store", type=Path, help="resume store (default: OUT with .sqlite)")
    scan.add_argument("--base-dir", type=Path, help="where the sync payload's file links point (default: its folder)")
    scan.add_argument("--no-ocr", action="store_true", help="never run tesseract (text layers only)")
    scan.add_argument("--quiet", action="store_true", help="no progress bar")
    scan.add_argument("--broker", help="redis://HOST:PORT/DB: send the work to `resultcheck worker`s")
    scan.add_argument("--queue", default="resultcheck")
    scan.add_argument("--visibility-timeout", type=int, default=300,
                      help="seconds after which a task taken by a dead worker is delivered again")

    worker = sub.add_parser("worker", help="a Celery worker for distributed scans")
    worker.add_argument("--broker", required=True, help="redis://HOST:PORT/DB")
    worker.add_argument("--queue", default="resultcheck")
    worker.add_argument("--concurrency", type=int, default=None, help="processes (default: cores)")
    worker.add_argument("--root", type=Path, action="append", required=True,
                        help="shared folder the dossier files live in (repeatable); other paths are refused")
    worker.add_argument("--ocr-threads", type=int, default=1, help="OMP_THREAD_LIMIT for tesseract")
    worker.add_argument("--visibility-timeout", type=int, default=300)
    worker.add_argument("--name", help="worker node name (default: resultcheck-PID@host)")
    worker.add_argument("--no-ocr", action="store_true", help="never run tesseract")

    serve = sub.add_parser("serve", help="HTTP service for one-stop systems (FastAPI on uvicorn)")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8080)
    serve.add_argument("--checkers", type=int, default=None, help="files checked at once (default: cores)")
    serve.add_argument("--max-upload-mb", type=float, default=50.0)
    serve.add_argument("--max-files", type=int, default=30)
    serve.add_argument("--request-seconds", type=float, default=120.0)
    serve.add_argument("--api-keys-env", default="RESULTCHECK_API_KEYS",
                       help="environment variable holding comma-separated API keys (required off loopback)")

    report = sub.add_parser("report", help="an HTML or Excel summary of scan verdicts for the control office")
    report.add_argument("verdicts", type=Path, metavar="VERDICTS.jsonl")
    report.add_argument("--html", type=Path, help="write an HTML report here (default: a table on the terminal)")
    report.add_argument("--xlsx", type=Path, help="write an Excel workbook here (summary and dossier sheets)")
    report.add_argument("--files-base", type=Path,
                        help="folder the verdicts' relative file paths start from, for links (default: VERDICTS' folder)")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    os.environ.setdefault("OMP_THREAD_LIMIT", "1")  # tesseract is ~5x slower with OpenMP threads here
    args = build_parser().parse_args(argv)
    logging.basicConfig(level=logging.WARNING - 10 * min(args.verbose, 2), format="%(levelname)s %(name)s: %(message)s")
    try:
        config = Config(rules=Rules.load(args.rules), ocr=not getattr(args, "no_ocr", False))
        if args.command == "scan":
            return _scan(args, config)
        if args.command == "serve":
            return _serve(args, config)
        if args.command == "worker":
            from .distributed import run_worker

            run_worker(args.broker, queue=args.queue, concurrency=args.concurrency or os.cpu_count() or 1,
                       roots=args.root, config=config, visibility_timeout=args.visibility_timeout,
                       ocr_threads=args.ocr_threads, hostname=args.name)
            return EXIT_OK
        if args.command == "report":
            from .report import write_outputs

            print(write_outputs(args.verdicts, args.html, args.xlsx, args.files_base))
            return EXIT_OK
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


def _serve(args: argparse.Namespace, config: Config) -> int:
    from .service import ServiceSettings, is_loopback, serve

    keys = frozenset(k.strip() for k in os.environ.get(args.api_keys_env, "").split(",") if k.strip())
    if not keys and not is_loopback(args.host):
        print(f"resultcheck: serving on {args.host} needs API keys in ${args.api_keys_env} "
              "(only loopback may run without)", file=sys.stderr)
        return EXIT_USAGE
    settings = ServiceSettings(config=config, checkers=args.checkers or os.cpu_count() or 1,
                               max_upload_bytes=int(args.max_upload_mb * 1024**2), max_files=args.max_files,
                               request_seconds=args.request_seconds, api_keys=keys)
    serve(args.host, args.port, settings)
    return EXIT_OK


def _scan(args: argparse.Namespace, config: Config) -> int:
    from .scan import scan

    logging.getLogger("resultcheck").setLevel(logging.INFO)
    summary = scan(args.input, args.out, config=config, workers=args.workers, resume=args.resume,
                   store_path=args.store, base_dir=args.base_dir, progress=not args.quiet, broker=args.broker,
                   queue=args.queue, visibility_timeout=args.visibility_timeout)
    counts = ", ".join(f"{k} {v}" for k, v in sorted(summary.by_status.items()))
    print(f"{summary.done} hồ sơ kiểm tra, {summary.skipped} đã có từ trước, {len(summary.problems)} dòng lỗi; "
          f"{counts}; {summary.seconds:.1f} s → {args.out}", file=sys.stderr)
    return EXIT_ERROR if summary.problems else EXIT_OK


def _width(text: str) -> int:
    return sum(0 if unicodedata.combining(ch) else 1 for ch in text)


def _cell(text: str, width: int) -> str:
    text = text if _width(text) <= width else text[: width - 1] + "…"
    return text + " " * (width - _width(text))


def print_dossier_table(verdicts: Sequence[dict]) -> None:
    id_w = min(36, max(8, *(_width(v["dossier_id"]) for v in verdicts))) if verdicts else 8
    print(f"{_cell('MÃ HỒ SƠ', id_w)}  {'KẾT LUẬN':8}  TÓM TẮT")
    for v in verdicts:
        print(f"{_cell(v['dossier_id'], id_w)}  {v['status']:8}  {v['summary']}")


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

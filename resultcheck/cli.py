"""Command line: `resultcheck check FILE... [--json]` (more subcommands as issues add them)."""

from __future__ import annotations

import argparse
import logging
import os
import signal
import sys
import unicodedata
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from ._version import __version__
from .checker import Checker
from .config import Config
from .errors import ConfigError, InputError, ResultcheckError, ScanInterrupted, UnavailableError, bilingual
from .models import FileVerdict

# Exit codes (README "Exit codes"): 0 all done; 1 done, but some inputs had problems (missing
# files, skipped manifest or report lines); 2 usage or configuration error, nothing done; 3 a
# service needed is unavailable (broker, port); 70 internal error; 130 Ctrl-C; 143 SIGTERM.
EXIT_OK, EXIT_ERROR, EXIT_USAGE, EXIT_UNAVAILABLE, EXIT_INTERNAL = 0, 1, 2, 3, 70
EXIT_SIGINT, EXIT_SIGTERM = 128 + 2, 128 + 15


def _port(text: str) -> int:
    try:
        port = int(text)
    except ValueError:
        port = -1
    if not 0 < port < 65536:
        raise argparse.ArgumentTypeError(
            bilingual(f"cổng phải từ 1 đến 65535, không phải {text}", f"port must be 1-65535, not {text}")
        )
    return port


def _positive(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value < 1:
        raise argparse.ArgumentTypeError(
            bilingual(f"cần một số nguyên dương, không phải {text}", f"a positive integer is needed, not {text}")
        )
    return value


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="resultcheck",
        description=("Kiểm tra tệp kết quả giải quyết TTHC: trắng, tệp nén, thành phần hồ sơ hay kết quả thật."),
    )
    parser.add_argument("--version", action="version", version=f"resultcheck {__version__}")
    parser.add_argument(
        "--rules",
        action="append",
        default=[],
        metavar="FILE",
        help="a rules, lexicon or procedures TOML file replacing the built-in one (told by its content; "
        "may be given once per kind). A rules file names only the values it changes.",
    )
    parser.add_argument("-v", "--verbose", action="count", default=0, help="log more (repeatable)")
    sub = parser.add_subparsers(dest="command", required=True)

    check = sub.add_parser("check", help="classify files and print one verdict per file")
    check.add_argument("files", nargs="+", metavar="FILE", help="files or folders (walked); - reads standard input")
    check.add_argument("--json", action="store_true", help="one JSON object per line instead of a table")
    check.add_argument("--no-ocr", action="store_true", help="never run tesseract (text layers only)")

    scan = sub.add_parser("scan", help="check every dossier of a manifest, sync payload or folder tree")
    scan.add_argument("input", type=Path, metavar="INPUT", help="manifest.jsonl, sync payload (.json/.jsonl) or ROOT/")
    scan.add_argument(
        "--out", type=Path, required=True, help="verdicts.jsonl (a .csv and a .sqlite store go beside it)"
    )
    scan.add_argument("--workers", type=_positive, default=None, help="worker processes (default: number of cores)")
    scan.add_argument("--resume", action="store_true", help="continue a scan: skip dossiers already recorded")
    scan.add_argument("--store", type=Path, help="resume store (default: OUT with .sqlite)")
    scan.add_argument("--base-dir", type=Path, help="where the sync payload's file links point (default: its folder)")
    scan.add_argument("--no-ocr", action="store_true", help="never run tesseract (text layers only)")
    scan.add_argument("--quiet", action="store_true", help="no progress bar")
    scan.add_argument("--broker", help="redis://HOST:PORT/DB: send the work to `resultcheck worker`s")
    scan.add_argument("--queue", default="resultcheck")
    scan.add_argument(
        "--visibility-timeout",
        type=_positive,
        default=300,
        help="seconds after which a task taken by a dead worker is delivered again",
    )

    worker = sub.add_parser("worker", help="a Celery worker for distributed scans")
    worker.add_argument("--broker", required=True, help="redis://HOST:PORT/DB")
    worker.add_argument("--queue", default="resultcheck")
    worker.add_argument("--concurrency", type=_positive, default=None, help="processes (default: cores)")
    worker.add_argument(
        "--root",
        type=Path,
        action="append",
        required=True,
        help="shared folder the dossier files live in (repeatable); other paths are refused",
    )
    worker.add_argument("--ocr-threads", type=int, default=1, help="OMP_THREAD_LIMIT for tesseract")
    worker.add_argument("--visibility-timeout", type=_positive, default=300)
    worker.add_argument("--name", help="worker node name (default: resultcheck-PID@host)")
    worker.add_argument("--no-ocr", action="store_true", help="never run tesseract")

    serve = sub.add_parser("serve", help="HTTP service for one-stop systems (FastAPI on uvicorn)")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=_port, default=8080)
    serve.add_argument("--checkers", type=int, default=None, help="files checked at once (default: cores)")
    serve.add_argument("--max-upload-mb", type=float, default=50.0)
    serve.add_argument("--max-files", type=int, default=30)
    serve.add_argument("--request-seconds", type=float, default=120.0)
    serve.add_argument(
        "--api-keys-env",
        default="RESULTCHECK_API_KEYS",
        help="environment variable holding comma-separated API keys (required off loopback)",
    )

    report = sub.add_parser("report", help="an HTML or Excel summary of scan verdicts for the control office")
    report.add_argument("verdicts", type=Path, metavar="VERDICTS.jsonl")
    report.add_argument("--html", type=Path, help="write an HTML report here (default: a table on the terminal)")
    report.add_argument("--xlsx", type=Path, help="write an Excel workbook here (summary and dossier sheets)")
    report.add_argument(
        "--files-base",
        type=Path,
        help="folder the verdicts' relative file paths start from, for links (default: VERDICTS' folder)",
    )
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    os.environ.setdefault("OMP_THREAD_LIMIT", "1")  # tesseract is ~5x slower with OpenMP threads here
    args = build_parser().parse_args(argv)
    logging.basicConfig(level=logging.WARNING - 10 * min(args.verbose, 2), format="%(levelname)s %(name)s: %(message)s")
    try:
        return _command(args)
    except ScanInterrupted as exc:
        print(f"resultcheck: {exc}", file=sys.stderr)
        return EXIT_SIGTERM if exc.signum == signal.SIGTERM else EXIT_SIGINT
    except ConfigError as exc:
        print(f"resultcheck: {bilingual('cấu hình không dùng được', 'unusable configuration')}: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except UnavailableError as exc:
        print(f"resultcheck: {exc}", file=sys.stderr)
        return EXIT_UNAVAILABLE
    except ResultcheckError as exc:
        print(f"resultcheck: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        print(f"\nresultcheck: {bilingual('đã dừng (Ctrl-C)', 'interrupted (Ctrl-C)')}", file=sys.stderr)
        return EXIT_SIGINT
    except BrokenPipeError:  # `resultcheck check … | head`
        try:
            sys.stdout = open(os.devnull, "w")  # noqa: SIM115 - nothing more can reach the reader
        except OSError:
            pass
        return EXIT_OK
    except OSError as exc:
        print(f"resultcheck: {bilingual('lỗi hệ thống tệp', 'file system error')}: {exc}", file=sys.stderr)
        return EXIT_ERROR
    except Exception as exc:  # a bug: one line for the user, the traceback only with -vv
        logging.getLogger("resultcheck").debug("internal error", exc_info=True)
        print(
            f"resultcheck: {bilingual('lỗi nội bộ', 'internal error')}: {type(exc).__name__}: {exc} "
            f"({bilingual('chạy lại với -vv để xem chi tiết', 'run with -vv for details')})",
            file=sys.stderr,
        )
        return EXIT_INTERNAL


def _command(args: argparse.Namespace) -> int:
    config = Config.from_files(args.rules, ocr=not getattr(args, "no_ocr", False))
    if args.command == "scan":
        return _scan(args, config)
    if args.command == "serve":
        return _serve(args, config)
    if args.command == "worker":
        from .distributed import check_broker, run_worker

        check_broker(args.broker)
        run_worker(
            args.broker,
            queue=args.queue,
            concurrency=args.concurrency or os.cpu_count() or 1,
            roots=args.root,
            config=config,
            visibility_timeout=args.visibility_timeout,
            ocr_threads=args.ocr_threads,
            hostname=args.name,
        )
        return EXIT_OK
    if args.command == "report":
        return _report(args)
    return _check(args, Checker(config))


def _report(args: argparse.Namespace) -> int:
    """Checks what can be said before reading (the report itself counts and skips invalid lines)."""
    from .report_files import write_outputs

    for target in (args.html, args.xlsx):
        if target is not None:
            _writable(target)
    if args.verdicts.exists() and not args.verdicts.is_file():
        raise InputError(
            bilingual(
                f"{args.verdicts} không phải là tệp (cần verdicts.jsonl của lệnh scan)",
                f"{args.verdicts} is not a file (give the verdicts.jsonl of a scan)",
            )
        )
    print(write_outputs(args.verdicts, args.html, args.xlsx, args.files_base))
    return EXIT_OK


def _writable(target: Path) -> None:
    if not target.parent.is_dir():
        raise InputError(bilingual(f"thư mục {target.parent} không tồn tại", f"folder {target.parent} does not exist"))
    if target.is_dir():
        raise InputError(bilingual(f"{target} là thư mục, cần một tên tệp", f"{target} is a folder, not a file"))


def _inputs(names: Sequence[str]) -> Iterator[tuple[str, str | bytes]]:
    """(display name, path or stdin bytes) for each FILE; folders are walked."""
    for name in names:
        if name == "-":
            yield "<stdin>", sys.stdin.buffer.read()
        elif os.path.isdir(name):
            found = sorted(str(p) for p in Path(name).rglob("*") if p.is_file())
            if not found:
                print(
                    f"resultcheck: {bilingual(f'thư mục {name} không có tệp nào', f'folder {name} has no files')}",
                    file=sys.stderr,
                )
            yield from ((p, p) for p in found)
        else:
            yield name, name


def _check(args: argparse.Namespace, checker: Checker) -> int:
    status = EXIT_OK
    rows: list[FileVerdict] = []
    for display, source in _inputs(args.files):
        try:
            verdict = checker.check_file(source, display if isinstance(source, bytes) else None)
        except InputError as exc:  # missing, or not a regular file: the others are still checked
            print(f"resultcheck: {exc}", file=sys.stderr)
            status = EXIT_ERROR
            continue
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
        print(
            "resultcheck: "
            + bilingual(
                f"phục vụ trên {args.host} cần khoá API trong ${args.api_keys_env} "
                "(chỉ địa chỉ loopback mới được chạy không khoá)",
                f"serving on {args.host} needs API keys in ${args.api_keys_env} (only loopback may run without)",
            ),
            file=sys.stderr,
        )
        return EXIT_USAGE
    _port_free(args.host, args.port)
    settings = ServiceSettings(
        config=config,
        checkers=args.checkers or os.cpu_count() or 1,
        max_upload_bytes=int(args.max_upload_mb * 1024**2),
        max_files=args.max_files,
        request_seconds=args.request_seconds,
        api_keys=keys,
    )
    serve(args.host, args.port, settings)
    return EXIT_OK


def _port_free(host: str, port: int) -> None:
    import socket

    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
        family, _, _, _, address = infos[0]
        with socket.socket(family, socket.SOCK_STREAM) as probe:
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            probe.bind(address)
    except OSError as exc:
        raise UnavailableError(
            bilingual(
                f"không mở được cổng {host}:{port} ({exc.strerror})", f"cannot listen on {host}:{port} ({exc.strerror})"
            )
        ) from None


def _scan(args: argparse.Namespace, config: Config) -> int:
    from .scan import scan

    logging.getLogger("resultcheck").setLevel(logging.INFO)
    summary = scan(
        args.input,
        args.out,
        config=config,
        workers=args.workers,
        resume=args.resume,
        store_path=args.store,
        base_dir=args.base_dir,
        progress=not args.quiet,
        broker=args.broker,
        queue=args.queue,
        visibility_timeout=args.visibility_timeout,
    )
    counts = ", ".join(f"{k} {v}" for k, v in sorted(summary.by_status.items()))
    print(
        f"{summary.done} hồ sơ kiểm tra, {summary.skipped} đã có từ trước, {len(summary.problems)} dòng lỗi; "
        f"{counts}; {summary.seconds:.1f} s → {args.out}",
        file=sys.stderr,
    )
    return EXIT_ERROR if summary.problems else EXIT_OK


def _width(text: str) -> int:
    return sum(0 if unicodedata.combining(ch) else 1 for ch in text)


def _cell(text: str, width: int) -> str:
    text = text if _width(text) <= width else text[: width - 1] + "…"
    return text + " " * (width - _width(text))


def print_dossier_table(verdicts: Sequence[dict[str, Any]]) -> None:
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

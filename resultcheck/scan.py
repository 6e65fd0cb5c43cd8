"""Batch scan of historical dossiers: parallel, resumable, one line per dossier.

    dossiers ─► process pool (each worker: Checker + store) ─► parent: store commit ─► JSONL line
                                                                                  └► progress, CSV

The SQLite store is the truth. A dossier is committed there first, then its line appended
to the JSONL; on --resume the JSONL is repaired (a torn last line dropped, committed
dossiers missing from it appended) before new work starts. Killing the scan at any moment,
SIGKILL included, therefore loses nothing and duplicates nothing.
"""

from __future__ import annotations

import csv
import io
import json
import logging
import os
import signal
import sys
import threading
import time
from collections.abc import Generator, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TextIO

from .checker import Checker
from .config import Config
from .dossier import Dossier, DossierVerdict
from .errors import InputError, ScanInterrupted, bilingual
from .judge import failed_verdict
from .lease import check_through
from .lifeline import die_with_parent
from .manifest import ManifestProblem, load
from .messages import reason
from .store import Store, rules_key
from .versions import versions_for

log = logging.getLogger("resultcheck.scan")

MAX_ATTEMPTS = 2  # a dossier whose worker dies twice is recorded for review, not retried forever


@dataclass
class ScanSummary:
    total: int = 0
    skipped: int = 0
    done: int = 0
    problems: list[ManifestProblem] = field(default_factory=list)
    by_status: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0


# ---------------------------------------------------------------- worker side

_worker: tuple[Checker, Store, str] | None = None


def _init_worker(config: Config, store_path: Path, parent_pid: int | None = None) -> None:
    global _worker
    die_with_parent(parent_pid)  # a SIGKILLed scan leaves no worker behind
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent decides when to stop
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    os.environ.setdefault("OMP_THREAD_LIMIT", "1")
    checker = Checker(config)
    _worker = (checker, Store(store_path), rules_key(checker.versions))


def _check_dossier(dossier: Dossier) -> str:
    assert _worker is not None, "worker not initialised"
    checker, store, key = _worker
    limits = checker.config.limits

    cached = check_through(store.file_cache(key), checker.check_file, limits.seconds_per_file * 2)
    return checker.check_dossier(dossier, cached).to_json()


# ---------------------------------------------------------------- parent side


class Progress:
    """A one-line bar on a terminal; a log line every 10 % otherwise."""

    def __init__(self, total: int, stream: TextIO = sys.stderr) -> None:
        self.total, self.stream = total, stream
        self.tty = stream.isatty()
        self.started = time.monotonic()
        self.done = 0
        self.counts: dict[str, int] = {}
        self._last_decile = -1

    def update(self, status: str) -> None:
        self.done += 1
        self.counts[status] = self.counts.get(status, 0) + 1
        elapsed = max(1e-6, time.monotonic() - self.started)
        rate = self.done / elapsed
        eta = (self.total - self.done) / rate if rate else 0
        counts = " ".join(f"{k} {v}" for k, v in sorted(self.counts.items()))
        line = (
            f"hồ sơ {self.done}/{self.total} ({self.done / max(1, self.total):.0%}) {rate:.2f}/s "
            f"còn ~{_duration(eta)} | {counts}"
        )
        if self.tty:
            width = 24
            filled = int(width * self.done / max(1, self.total))
            self.stream.write(f"\r[{'#' * filled}{'.' * (width - filled)}] {line}\x1b[K")
            self.stream.flush()
        elif (decile := 10 * self.done // max(1, self.total)) != self._last_decile:
            self._last_decile = decile
            log.info(line)

    def close(self) -> None:
        if self.tty:
            self.stream.write("\n")


def _duration(seconds: float) -> str:
    seconds = int(seconds)
    if seconds >= 3600:
        return f"{seconds // 3600}h{seconds % 3600 // 60:02d}m"
    return f"{seconds // 60}m{seconds % 60:02d}s"


class Output:
    """The JSONL of dossier verdicts: append-only, flushed per line, fsynced at checkpoints."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.present = self._repair()
        self.fh = path.open("a", encoding="utf-8")
        self._last_sync = time.monotonic()

    def _repair(self) -> set[str]:
        """Drop a torn last line; return the dossier ids already written."""
        if not self.path.exists():
            return set()
        raw = self.path.read_bytes()
        keep = raw if raw.endswith(b"\n") or not raw else raw[: raw.rfind(b"\n") + 1]
        if keep != raw:
            with self.path.open("r+b") as fh:
                fh.truncate(len(keep))
        ids = set()
        for line in keep.splitlines():
            try:
                ids.add(json.loads(line)["dossier_id"])
            except (json.JSONDecodeError, KeyError, TypeError):
                continue
        return ids

    def write(self, dossier_id: str, verdict_json: str) -> None:
        if dossier_id in self.present:
            return
        self.fh.write(verdict_json + "\n")
        self.fh.flush()
        self.present.add(dossier_id)
        if time.monotonic() - self._last_sync > 2:
            os.fsync(self.fh.fileno())
            self._last_sync = time.monotonic()

    def close(self) -> None:
        self.fh.flush()
        os.fsync(self.fh.fileno())
        self.fh.close()


def scan(
    source: Path,
    out: Path,
    *,
    config: Config | None = None,
    workers: int | None = None,
    resume: bool = False,
    store_path: Path | None = None,
    base_dir: Path | None = None,
    progress: bool = True,
    broker: str | None = None,
    queue: str = "resultcheck",
    visibility_timeout: int = 300,
) -> ScanSummary:
    """Check every dossier of `source` (manifest, sync payload or folder tree) into `out`.

    With `broker`, the dossiers are checked by Celery workers (see distributed.py) instead of
    a local process pool; the store, outputs and resume behave the same.
    """
    config = config or Config()
    workers = workers or os.cpu_count() or 1
    store_path = store_path or out.with_suffix(".sqlite")
    _preflight(source, out, store_path, resume, broker)
    started = time.monotonic()
    summary = ScanSummary()
    items = list(load(source, base_dir))  # an unreadable source fails here, before any output exists
    store = Store(store_path)
    store.forget_pending()
    key = rules_key(versions_for(config))
    output = Output(out)
    done = store.done_dossiers(key)
    for dossier_id, verdict_json in store.dossier_verdicts(key, done - output.present):
        output.write(dossier_id, verdict_json)  # committed before a crash, not yet written

    dossiers: list[Dossier] = []
    for item in items:
        if isinstance(item, ManifestProblem):
            summary.problems.append(item)
            log.warning("%s: %s", item.where, item.message)
        elif item.dossier_id in done:
            summary.skipped += 1
        else:
            dossiers.append(item)
    summary.total = len(dossiers) + summary.skipped
    bar = Progress(len(dossiers)) if progress else None
    if broker:
        from .distributed import run_distributed

        results = run_distributed(dossiers, config, broker, queue, visibility_timeout)
    else:
        results = _run(dossiers, config, store_path, workers)
    try:
        with _stop_on_sigterm():
            for dossier_id, verdict_json in results:
                status = json.loads(verdict_json)["status"]
                store.record_dossier(dossier_id, status, verdict_json, key)
                output.write(dossier_id, verdict_json)
                summary.done += 1
                if bar:
                    bar.update(status)
    except (KeyboardInterrupt, ScanInterrupted) as exc:
        results.close()  # stops the workers now (their dossiers are redone on --resume)
        raise ScanInterrupted(getattr(exc, "signum", signal.SIGINT), summary.done) from None
    finally:
        if bar:
            bar.close()
        output.close()
        summary.by_status = store.counts(key)
        store.close()
        write_csv(out, out.with_suffix(".csv"))
    summary.seconds = time.monotonic() - started
    return summary


@contextmanager
def _stop_on_sigterm() -> Iterator[None]:
    """SIGTERM stops a scan like Ctrl-C does (flush, then say how to resume), in the main thread."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def stop(signum: int, frame: Any) -> None:
        raise ScanInterrupted(signum)

    previous = signal.signal(signal.SIGTERM, stop)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def _preflight(source: Path, out: Path, store_path: Path, resume: bool, broker: str | None) -> None:
    """Everything that can be said before an output file is created (so a failed start blocks no rerun)."""
    if not source.exists():
        raise InputError(
            bilingual(f"không tìm thấy danh sách hồ sơ hay thư mục: {source}", f"no such manifest or folder: {source}")
        )
    for target in (out, store_path):
        if not target.parent.is_dir():
            raise InputError(
                bilingual(
                    f"thư mục {target.parent} không tồn tại (cho {target.name})",
                    f"folder {target.parent} does not exist (for {target.name})",
                )
            )
        if target.is_dir():
            raise InputError(bilingual(f"{target} là thư mục, cần một tên tệp", f"{target} is a folder, not a file"))
    if not resume and (out.exists() or store_path.exists()):
        raise InputError(
            bilingual(
                f"{out} hoặc {store_path} đã có: thêm --resume để tiếp tục lần quét đó, hoặc chọn --out khác",
                f"{out} or {store_path} exists: add --resume to continue that scan, or choose another --out",
            )
        )
    if broker:
        from .distributed import check_broker

        check_broker(broker)


def _run(dossiers: list[Dossier], config: Config, store_path: Path, workers: int) -> Generator[tuple[str, str]]:
    """Dossier verdicts in completion order; a pool that breaks is rebuilt and the work retried.

    The dossiers that were running when a worker died are suspects: each is then checked
    alone, so only the one that really kills its worker (twice) is WORKER_CRASHED, never a
    dossier that happened to run beside it. Stopped early (Ctrl-C, SIGTERM, the consumer
    closing the generator), the workers are killed at once: their work is redone on --resume.
    """
    queue = list(reversed(dossiers))
    suspects: list[Dossier] = []
    attempts: dict[str, int] = {}
    while queue or suspects:
        pool = ProcessPoolExecutor(workers, initializer=_init_worker, initargs=(config, store_path, os.getpid()))
        running: dict[Future[str], Dossier] = {}
        try:
            while queue or suspects or running:
                if suspects and not running:
                    dossier = suspects.pop()
                    running[pool.submit(_check_dossier, dossier)] = dossier
                while not suspects and queue and len(running) < workers * 3:
                    dossier = queue.pop()
                    running[pool.submit(_check_dossier, dossier)] = dossier
                finished, _ = wait(running, return_when=FIRST_COMPLETED)
                for future in finished:
                    if isinstance(future.exception(), BrokenProcessPool):
                        raise BrokenProcessPool
                    dossier = running.pop(future)
                    yield dossier.dossier_id, _outcome(future, dossier, config)
        except BrokenProcessPool:
            if len(running) == 1:  # alone in the pool: this dossier killed its worker
                (dossier,) = running.values()
                attempts[dossier.dossier_id] = attempts.get(dossier.dossier_id, 0) + 1
                if attempts[dossier.dossier_id] >= MAX_ATTEMPTS:
                    yield dossier.dossier_id, _crashed(dossier, config).to_json()
                else:
                    suspects.append(dossier)
            else:
                suspects.extend(reversed(list(running.values())))
            log.warning("a worker died (out of memory or a crashing parser); restarting the pool")
        except BaseException:
            _kill_pool(pool)
            raise
        finally:
            pool.shutdown(wait=True, cancel_futures=True)


def _outcome(future: Future[str], dossier: Dossier, config: Config) -> str:
    """The dossier's verdict; an unexpected error in its worker is a verdict too, never the batch's end."""
    exc = future.exception()
    if exc is None:
        return future.result()
    log.error("checking dossier %s failed: %s: %s", dossier.dossier_id, type(exc).__name__, exc)
    return failed_verdict(dossier, versions_for(config), f"{type(exc).__name__}: {exc}").to_json()


def _kill_pool(pool: ProcessPoolExecutor) -> None:
    for process in list((getattr(pool, "_processes", None) or {}).values()):
        try:
            process.kill()
        except (OSError, ValueError):
            pass


def _crashed(dossier: Dossier, config: Config) -> DossierVerdict:
    return DossierVerdict.review(dossier, reason("WORKER_CRASHED", "scan", attempts=MAX_ATTEMPTS), versions_for(config))


CSV_FIELDS = [
    "dossier_id",
    "status",
    "summary",
    "agency",
    "field",
    "procedure_code",
    "results",
    "categories",
    "duplicate_of",
    "elapsed_ms",
]


def write_csv(jsonl: Path, target: Path) -> None:
    """A spreadsheet view of the verdicts (UTF-8 with BOM, so Excel shows Vietnamese), atomically."""
    buf = io.StringIO()
    writer = csv.DictWriter(buf, CSV_FIELDS)
    writer.writeheader()
    with jsonl.open(encoding="utf-8", errors="replace") as fh:
        for line in fh:
            d = _dossier_line(line)
            if d is None:
                continue  # not written by a scan (an edited file): the CSV shows the dossier lines only
            files = [f for f in d.get("files") or [] if isinstance(f, dict)]
            writer.writerow(
                {
                    "dossier_id": d["dossier_id"],
                    "status": d["status"],
                    "summary": d["summary"],
                    "agency": d.get("agency") or "",
                    "field": d.get("field") or "",
                    "procedure_code": d.get("procedure_code") or "",
                    "results": len(files),
                    "categories": "; ".join(f"{f.get('name')}: {f.get('category')}" for f in files),
                    "duplicate_of": "; ".join(str(f["duplicate_of"]) for f in files if f.get("duplicate_of")),
                    "elapsed_ms": d.get("elapsed_ms", 0),
                }
            )
    tmp = target.with_suffix(target.suffix + ".tmp")
    tmp.write_text("\ufeff" + buf.getvalue(), encoding="utf-8")
    os.replace(tmp, target)


def _dossier_line(line: str) -> dict[str, Any] | None:
    try:
        d = json.loads(line)
    except json.JSONDecodeError:
        return None
    ok = isinstance(d, dict) and all(k in d for k in ("dossier_id", "status", "summary"))
    return d if ok and isinstance(d.get("files", []), list) else None

"""Check untrusted files in a child process: a hang, a crash or runaway memory in a native
parser (PDFium, libtiff, libmagic, tesseract) kills only that attempt, never the caller.

The child is started once (spawned, so it shares no state with the caller), reused for
every file, given an address-space limit, and replaced when it dies or overruns
`seconds_per_file`; the verdict then says what happened (LIMIT_FILE_TIME, PARSER_CRASHED).
"""

from __future__ import annotations

import errno
import hashlib
import logging
import multiprocessing
import os
import signal
import threading
import time
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

from .access import unreadable_file
from .config import Config
from .errors import MissingFileError
from .hashing import sha256_file
from .messages import reason
from .models import Category, FileVerdict

log = logging.getLogger("resultcheck.isolation")


def _child(conn: Connection, config: Config, parent_pid: int | None = None) -> None:
    import resource

    from .lifeline import die_with_parent
    from .pipeline import Checker

    die_with_parent(parent_pid)  # never outlive the process that waits for the verdicts
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    limit = config.limits.max_memory_bytes
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))  # inherited by tesseract too
    checker = Checker(config, isolate=False)
    conn.send("ready")
    while True:
        try:
            request = conn.recv()
        except EOFError:
            return
        if request is None:
            return
        source, name = request
        try:
            verdict = checker.check_file(source, name)
            conn.send(("ok", verdict.to_dict()))
        except MissingFileError:  # deleted after the caller looked: the file's verdict, not an error
            gone = FileNotFoundError(errno.ENOENT, os.strerror(errno.ENOENT))
            conn.send(("ok", unreadable_file(name or str(source), gone, checker.versions).to_dict()))
        except MemoryError:
            conn.send(("memory", None))
        except Exception as exc:  # misuse errors (InputError) travel back to the caller
            conn.send(("error", exc))


class IsolatedChecker:
    """A check_file that survives the parsers. Thread-safe (one file at a time per child)."""

    def __init__(self, config: Config, versions: dict[str, str]) -> None:
        self.config = config
        self.versions = versions
        self._lock = threading.Lock()
        self._process: multiprocessing.process.BaseProcess | None = None
        self._conn: Connection | None = None

    def _start(self) -> None:
        context = multiprocessing.get_context("spawn")
        parent, child = context.Pipe()
        self._process = context.Process(target=_child, args=(child, self.config, os.getpid()), daemon=True,
                                        name="resultcheck-parser")
        self._process.start()
        child.close()
        self._conn = parent
        if not parent.poll(120) or parent.recv() != "ready":
            self._kill()
            raise RuntimeError("the isolated checker did not start")

    def _kill(self) -> None:
        if self._process is not None and self._process.is_alive():
            self._process.kill()
            self._process.join(5)
        if self._conn is not None:
            self._conn.close()
        self._process = self._conn = None

    def close(self) -> None:
        with self._lock:
            if self._conn is not None:
                try:
                    self._conn.send(None)
                except (BrokenPipeError, OSError):
                    pass
            self._kill()

    def check_file(self, source: str | Path | bytes, name: str | None = None) -> FileVerdict:
        with self._lock:
            if self._process is None or not self._process.is_alive():
                self._start()
            assert self._conn is not None and self._process is not None
            started = time.perf_counter()
            try:
                self._conn.send((source if isinstance(source, bytes) else str(source), name))
                ready = self._conn.poll(self.config.limits.seconds_per_file)
                answer = self._conn.recv() if ready else None
            except (EOFError, BrokenPipeError, ConnectionResetError, OSError):
                answer = ("crashed", None)
            elapsed = (time.perf_counter() - started) * 1000
            if answer is None:
                log.warning("checking %s took over %s s: parser stopped", name or source, self.config.limits.seconds_per_file)
                self._kill()
                return self._failed(source, name, "LIMIT_FILE_TIME", elapsed, limit=self.config.limits.seconds_per_file)
            kind, payload = answer
            if kind == "ok":
                return FileVerdict.from_dict(payload)
            if kind == "error":
                raise payload
            if kind == "crashed":
                self._process.join(5)  # reap it, so its exit code (the signal) is known
            exitcode = self._process.exitcode if kind == "crashed" else None
            self._kill()
            if kind == "memory" or exitcode == -signal.SIGKILL:
                return self._failed(source, name, "LIMIT_MEMORY", elapsed, limit=self.config.limits.max_memory_bytes)
            return self._failed(source, name, "PARSER_CRASHED", elapsed, detail=_describe(exitcode))

    def _failed(self, source: str | Path | bytes, name: str | None, code: str, elapsed_ms: float,
                **fmt: Any) -> FileVerdict:
        display, size, digest = _identity(source, name)
        return FileVerdict(path=display, sha256=digest, size=size, mime="application/octet-stream",
                           category=Category.UNREADABLE, confidence=0.5,
                           reasons=(reason(code, "isolation", **fmt),), versions=self.versions, elapsed_ms=elapsed_ms)


def _describe(exitcode: int | None) -> str:
    if exitcode is None:
        return "không rõ"
    if exitcode < 0:
        try:
            return signal.Signals(-exitcode).name
        except ValueError:
            return f"signal {-exitcode}"
    return f"mã thoát {exitcode}"


def _identity(source: str | Path | bytes, name: str | None) -> tuple[str, int, str]:
    if isinstance(source, bytes):
        return name or "<bytes>", len(source), hashlib.sha256(source).hexdigest()
    try:
        return name or str(source), os.path.getsize(source), sha256_file(Path(source))
    except OSError:
        return name or str(source), 0, ""

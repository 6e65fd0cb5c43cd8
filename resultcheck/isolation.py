"""Check untrusted files in a child process: a hang, a crash or runaway memory in a native
parser (PDFium, libtiff, libmagic, tesseract) kills only that attempt, never the caller.

The child is a fresh interpreter (`python -c` on this module, talking over a socket pair),
so it shares no state with the caller and never re-imports the caller's `__main__`: a plain
script calling `resultcheck.check_file(...)` needs no `if __name__ == "__main__"` guard. It
is reused for every file, given an address-space limit, dies with its parent, and is
replaced when it dies or overruns `seconds_per_file`; the verdict then says what happened
(LIMIT_FILE_TIME, PARSER_CRASHED). Every parse of a user's file happens there, the
duplicate-of-input fingerprints of input files included.
"""

from __future__ import annotations

import errno
import hashlib
import logging
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

from . import access
from .access import unreadable_file
from .config import Config
from .errors import MissingFileError
from .hashing import sha256_file
from .messages import reason
from .models import FileVerdict

log = logging.getLogger("resultcheck.isolation")

START_SECONDS = 120


def _serve(fd: int, parent_pid: int, from_main_thread: bool = True) -> None:
    """Entry point of the child interpreter (see IsolatedChecker._start)."""
    conn = Connection(fd)
    try:
        config, versions = conn.recv()
    except (EOFError, OSError):  # the caller stopped (Ctrl-C, killed) before we started: nothing to do
        return
    _child(conn, config, versions, parent_pid, from_main_thread)


def _child(
    conn: Connection,
    config: Config,
    versions: dict[str, str],
    parent_pid: int | None = None,
    from_main_thread: bool = True,
) -> None:
    import resource

    from .judge import fingerprint
    from .lifeline import die_with_parent, watch_parent
    from .pipeline import Pipeline

    # Never outlive the process that waits for the verdicts. The kernel's death signal follows
    # the *thread* that started us, so it is asked for only when that was the main thread.
    if from_main_thread:
        die_with_parent(parent_pid)
    if parent_pid is not None:
        watch_parent(parent_pid)
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    limit = config.limits.max_memory_bytes
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))  # inherited by tesseract too
    checker = Pipeline(config, versions)
    try:
        conn.send("ready")
        while (request := conn.recv()) is not None:
            conn.send(_answer(request, checker, config, fingerprint))
    except (EOFError, OSError):  # the caller is gone (stopped, killed): nothing to answer, nothing to say
        return


def _answer(request: tuple[str, Any, str | None], checker: Any, config: Config, fingerprint: Any) -> tuple[str, Any]:
    """One request's reply: ("ok", payload), ("memory", None) or ("error", exception)."""
    kind, source, name = request
    try:
        if kind == "fingerprint":
            return "ok", _fingerprint(Path(source), config, fingerprint)
        return "ok", checker.check_file(source, name).to_dict()
    except MissingFileError:  # deleted after the caller looked: the file's verdict, not an error
        gone = FileNotFoundError(errno.ENOENT, os.strerror(errno.ENOENT))
        return "ok", unreadable_file(name or str(source), gone, checker.versions).to_dict()
    except MemoryError:
        return "memory", None
    except Exception as exc:  # misuse errors (InputError) travel back to the caller
        return "error", exc


def _fingerprint(path: Path, config: Config, fingerprint: Any) -> Any:
    """The duplicate-of-input fingerprint of a file; None when it cannot be read or is too large."""
    try:
        with path.open("rb") as fh:
            if os.fstat(fh.fileno()).st_size > config.limits.max_file_bytes:
                return None
            data = fh.read()
    except (OSError, ValueError):
        return None
    return fingerprint(data, hashlib.sha256(data).hexdigest(), config.limits)


class IsolatedChecker:
    """A check_file that survives the parsers. Thread-safe (one file at a time per child)."""

    def __init__(self, config: Config, versions: dict[str, str]) -> None:
        self.config = config
        self.versions = versions
        self._lock = threading.Lock()
        self._process: subprocess.Popen[bytes] | None = None
        self._conn: Connection | None = None

    def _start(self) -> None:
        ours, theirs = socket.socketpair()
        home = str(Path(__file__).resolve().parent.parent)  # where this resultcheck is importable from
        main = threading.current_thread() is threading.main_thread()
        # -P: the caller's working folder is not on the path, so a `resultcheck` folder there
        # (another checkout) cannot stand in for this one
        code = (
            f"import sys; sys.path.append({home!r}); from resultcheck.isolation import _serve; "
            f"_serve({theirs.fileno()}, {os.getpid()}, {main})"
        )
        try:
            # a process group of its own: a terminal's Ctrl-C goes to the caller, which decides
            self._process = subprocess.Popen(
                [sys.executable, "-P", "-c", code],
                pass_fds=(theirs.fileno(),),
                stdin=subprocess.DEVNULL,
                process_group=0,
            )
        finally:
            theirs.close()
        self._conn = Connection(ours.detach())
        try:
            self._conn.send((self.config, self.versions))
            ready = self._conn.poll(START_SECONDS) and self._conn.recv() == "ready"
        except (EOFError, OSError):
            ready = False
        if not ready:
            self._kill()
            raise RuntimeError("the isolated checker did not start")

    def _alive(self) -> bool:
        return self._process is not None and self._process.poll() is None

    def _kill(self) -> None:
        if self._alive():
            assert self._process is not None
            self._process.kill()
        if self._process is not None:
            try:
                self._process.wait(5)
            except subprocess.TimeoutExpired:
                pass
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

    def _ask(self, request: tuple[str, Any, str | None]) -> tuple[str | None, Any, int | None, float]:
        """(kind, payload, exit code when the child died, elapsed ms); kind None when it overran."""
        if not self._alive():
            self._start()
        assert self._conn is not None and self._process is not None
        started = time.perf_counter()
        try:
            self._conn.send(request)
            ready = self._conn.poll(self.config.limits.seconds_per_file)
            answer = self._conn.recv() if ready else (None, None)
        except (EOFError, BrokenPipeError, ConnectionResetError, OSError):
            answer = ("crashed", None)
        elapsed = (time.perf_counter() - started) * 1000
        kind, payload = answer
        if kind in ("ok", "error"):
            return kind, payload, None, elapsed
        if kind == "crashed":
            try:
                self._process.wait(5)  # reap it, so its exit code (the signal) is known
            except subprocess.TimeoutExpired:
                pass
        exitcode = self._process.returncode if kind == "crashed" else None
        self._kill()
        return kind, payload, exitcode, elapsed

    def fingerprint(self, path: Path) -> Any:
        """The duplicate-of-input fingerprint of an input file, parsed in the child (None if unknown)."""
        with self._lock:
            kind, payload, _, _ = self._ask(("fingerprint", str(path), None))
            if kind is None:
                log.warning(
                    "fingerprinting %s took over %s s: parser stopped", path, self.config.limits.seconds_per_file
                )
            return payload if kind == "ok" else None

    def check_file(self, source: str | Path | bytes, name: str | None = None) -> FileVerdict:
        # Looked at here first, so that a missing path raises in the caller (as in process);
        # the child looks again, as the file may go away meanwhile.
        if (refused := access.admit(source, name, self.versions)) is not None:
            return refused
        if not isinstance(source, (str, Path)):
            source = bytes(source)
        with self._lock:
            kind, payload, exitcode, elapsed = self._ask(
                ("check", source if isinstance(source, bytes) else str(source), name)
            )
            if kind == "ok":
                return FileVerdict.from_dict(payload)
            if kind == "error":
                raise payload
            if kind is None:
                log.warning(
                    "checking %s took over %s s: parser stopped", name or source, self.config.limits.seconds_per_file
                )
                return self._failed(source, name, "LIMIT_FILE_TIME", elapsed, limit=self.config.limits.seconds_per_file)
            if kind == "memory" or exitcode == -signal.SIGKILL:
                return self._failed(source, name, "LIMIT_MEMORY", elapsed, limit=self.config.limits.max_memory_bytes)
            return self._failed(source, name, "PARSER_CRASHED", elapsed, detail=_describe(exitcode))

    def _failed(
        self, source: str | Path | bytes, name: str | None, code: str, elapsed_ms: float, **fmt: Any
    ) -> FileVerdict:
        display, size, digest = _identity(source, name)
        why = reason(code, "isolation", **fmt)
        return FileVerdict.failure(
            display,
            why,
            self.versions,
            confidence=0.5,
            sha256=digest,
            size=size,
            mime="application/octet-stream",
            elapsed_ms=elapsed_ms,
        )


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

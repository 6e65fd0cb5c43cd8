"""Short leases on claims: whoever checks a shared file renews its claim while it works, so
a worker that dies (SIGKILL, lost machine) holds the file for seconds, not minutes.

    with Renewer(renew, every=LEASE_SECONDS / 3):   # a daemon thread calls renew() meanwhile
        verdict = check()

Verdicts that say the file could not be *reached* (missing, unreadable, outside a worker's
root) describe the machine that looked, not the file's bytes: they are never cached.
"""

from __future__ import annotations

import dataclasses
import logging
import threading
from collections.abc import Callable
from pathlib import Path
from types import TracebackType
from typing import Protocol

from .hashing import sha256_file
from .models import FileVerdict

log = logging.getLogger("resultcheck.lease")

LEASE_SECONDS = 10.0
NOT_CACHEABLE = frozenset({"FILE_NOT_READABLE", "FILE_MISSING", "PATH_REFUSED", "WORKER_FAILED", "WORKER_CRASHED"})


def cacheable(verdict: FileVerdict) -> bool:
    return not NOT_CACHEABLE.intersection(verdict.codes)


class Renewer:
    """Calls `renew` every `every` seconds on a daemon thread until the block ends."""

    def __init__(self, renew: Callable[[], object], every: float = LEASE_SECONDS / 3) -> None:
        self.renew, self.every = renew, every
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, name="resultcheck-lease", daemon=True)

    def _loop(self) -> None:
        while not self._stop.wait(self.every):
            try:
                self.renew()
            except Exception as exc:
                log.warning("could not renew a claim: %s", exc)

    def __enter__(self) -> Renewer:
        self._thread.start()
        return self

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None) -> None:
        self._stop.set()
        self._thread.join(self.every + 5)


class FileCache(Protocol):
    """Verdicts shared by file hash under one rules key (the batch's SQLite store, or Redis).

    `check` runs at most once per hash at a time: others wait for its verdict (up to
    `wait_seconds` for a live but stuck owner), and a dead owner's claim lapses with its lease.
    """

    def cached_check(self, sha256: str, check: Callable[[], FileVerdict], *, wait_seconds: float) -> FileVerdict: ...


def check_through(
    cache: FileCache, check_file: Callable[[Path, str], FileVerdict], wait_seconds: float
) -> Callable[[Path, str], FileVerdict]:
    """A dossier's file checker that asks the cache first (a file shared by dossiers is checked once).

    The cached verdict keeps the name it was first checked under; it is shown under this one.
    """

    def cached(path: Path, name: str) -> FileVerdict:
        verdict = cache.cached_check(sha256_file(path), lambda: check_file(path, name), wait_seconds=wait_seconds)
        return verdict if verdict.path == name else dataclasses.replace(verdict, path=name)

    return cached

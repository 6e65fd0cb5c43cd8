"""Short leases on claims: whoever checks a shared file renews its claim while it works, so
a worker that dies (SIGKILL, lost machine) holds the file for seconds, not minutes.

    with Renewer(renew, every=LEASE_SECONDS / 3):   # a daemon thread calls renew() meanwhile
        verdict = check()

Verdicts that say the file could not be *reached* (missing, unreadable, outside a worker's
root) describe the machine that looked, not the file's bytes: they are never cached.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from types import TracebackType

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

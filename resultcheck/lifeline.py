"""Child processes die with their parent: a killed scan (SIGKILL included) leaves no worker
or parser process behind, holding memory and the output files.

Linux: prctl(PR_SET_PDEATHSIG, SIGKILL) makes the kernel kill the child when the thread
that started it exits (so only for children started by a main thread); a watchdog thread
that notices the parent gone (re-parenting changes getppid) covers the other cases.
"""

from __future__ import annotations

import ctypes
import os
import signal
import sys
import threading

PR_SET_PDEATHSIG = 1


def die_with_parent(parent_pid: int | None = None) -> bool:
    """Ask the kernel to SIGKILL this process when its parent dies; True when it could.

    `parent_pid` closes the race where the parent died before the request was made.
    """
    if not sys.platform.startswith("linux"):
        return False
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        armed = libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0) == 0
    except (OSError, AttributeError):
        return False
    if parent_pid is not None and os.getppid() != parent_pid:
        os._exit(1)  # orphaned already: nobody is waiting for this process's work
    return armed


def watch_parent(parent_pid: int, every: float = 0.5) -> threading.Thread:
    """A daemon thread that ends this process within `every` seconds of its parent's death."""

    def watch() -> None:
        while os.getppid() == parent_pid:
            threading.Event().wait(every)
        os._exit(1)

    thread = threading.Thread(target=watch, name="resultcheck-watch-parent", daemon=True)
    thread.start()
    return thread

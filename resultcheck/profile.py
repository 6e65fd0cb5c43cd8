"""Stage timing: where a file's time goes (sniff, open, render, blankness, OCR, …).

Always on and cheap: `stage(name)` is a no-op (one context-variable lookup) unless a
`Recorder` is active in the current context, which only the speed benchmark starts. Times
are exclusive: a render inside the blankness test counts as render, not as blankness.
Nothing here reaches a verdict.

    with profile.recording() as rec:
        checker.check_file(path)
    rec.seconds  # {"sniff": 0.001, "render": 0.05, "ocr_title": 0.2, ...}
"""

from __future__ import annotations

import functools
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

STAGES = (
    "fingerprint",
    "sniff",
    "open",
    "decode",
    "render",
    "gray",
    "blankness",
    "layout",
    "signature",
    "orientation",
    "cleanup",
    "ocr_title",
    "ocr_rest",
    "seal",
    "look",
)


class Recorder:
    def __init__(self) -> None:
        self.seconds: dict[str, float] = {}
        self.calls: dict[str, int] = {}
        self._stack: list[list[Any]] = []  # [name, started, seconds spent in nested stages]

    def enter(self, name: str) -> None:
        self._stack.append([name, time.perf_counter(), 0.0])

    def leave(self) -> None:
        name, started, nested = self._stack.pop()
        spent = time.perf_counter() - started
        self.seconds[name] = self.seconds.get(name, 0.0) + spent - nested
        self.calls[name] = self.calls.get(name, 0) + 1
        if self._stack:
            self._stack[-1][2] += spent


_current: ContextVar[Recorder | None] = ContextVar("resultcheck_profile", default=None)


@contextmanager
def stage(name: str) -> Iterator[None]:
    recorder = _current.get()
    if recorder is None:
        yield
        return
    recorder.enter(name)
    try:
        yield
    finally:
        recorder.leave()


@contextmanager
def recording() -> Iterator[Recorder]:
    recorder = Recorder()
    token = _current.set(recorder)
    try:
        yield recorder
    finally:
        _current.reset(token)


def timed(name: str, fn: Callable[..., Any]) -> Callable[..., Any]:
    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        with stage(name):
            return fn(*args, **kwargs)

    wrapper.__profiled__ = True  # type: ignore[attr-defined]
    return wrapper

"""The distributed scan: Celery workers on several machines, a Redis broker.

    resultcheck worker --broker redis://HOST:6379/0 --root /data/dossiers      (on each machine)
    resultcheck scan manifest.jsonl --broker redis://HOST:6379/0 --out v.jsonl  (once)

At least once, idempotent: tasks are acknowledged late and re-queued when a worker dies
(after the broker's visibility timeout); a task's id is its dossier id and rules key, so a
redelivered task overwrites its own result and the scanner records each dossier once, in
the same store and outputs as the local scan. File verdicts are cached in Redis by file hash
and rules key, claimed before checking, so a file shared by dossiers is checked once.
Workers read files from a shared path (the same mount on every machine) and refuse any path
outside the roots they were given.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import os
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from celery import Celery

from .config import Config
from .errors import ConfigError, UnavailableError, bilingual
from .dossier import Attachment, Dossier, DossierVerdict, Status
from .hashing import sha256_file
from .messages import reason
from .models import FileVerdict
from .pipeline import Checker
from .store import rules_key

TASK = "resultcheck.check_dossier"


def make_app(broker: str, queue: str = "resultcheck", visibility_timeout: int = 300) -> Celery:
    app = Celery("resultcheck", broker=broker, backend=broker)
    app.conf.update(
        task_acks_late=True, task_reject_on_worker_lost=True, worker_prefetch_multiplier=1,
        task_default_queue=queue, task_serializer="json", result_serializer="json", accept_content=["json"],
        broker_transport_options={"visibility_timeout": visibility_timeout},
        result_backend_transport_options={"visibility_timeout": visibility_timeout},
        result_expires=7 * 86400, worker_hijack_root_logger=False, broker_connection_retry_on_startup=True,
    )
    app.task(name=TASK, bind=True)(_check_dossier_task)
    return app


def check_broker(url: str, timeout: float = 5.0) -> None:
    """A clear error before any work or output file, when the broker is not a reachable Redis."""
    from urllib.parse import urlparse

    import redis

    if urlparse(url).scheme not in ("redis", "rediss", "unix"):
        raise ConfigError(bilingual(f"--broker phải là redis://MÁY:CỔNG/SỐ, không phải {url}",
                                    f"--broker must be redis://HOST:PORT/DB, not {url}"))
    try:
        redis.Redis.from_url(url, socket_connect_timeout=timeout, socket_timeout=timeout).ping()
    except (redis.exceptions.RedisError, OSError, ValueError) as exc:
        raise UnavailableError(bilingual(f"không kết nối được máy chủ Redis {url} ({exc})",
                                         f"cannot reach the Redis broker {url} ({exc})")) from None


# ---------------------------------------------------------------- worker side

_state: dict[str, Any] = {}


def configure_worker(roots: list[Path], config: Config) -> None:
    _state["roots"] = [r.resolve() for r in roots]
    _state["config"] = config


def _check_dossier_task(task: Any, payload: dict[str, Any]) -> str:
    if "checker" not in _state:
        # Celery's pool processes may not start children: parse in-process, bounded by task time limits.
        _state["checker"] = Checker(_state.get("config") or Config(), isolate=False)
        _state["redis"] = task.app.backend.client
    checker: Checker = _state["checker"]
    dossier = _inside_roots(dossier_from_payload(payload), _state.get("roots") or [])
    key = rules_key(checker.versions)
    cache = RedisFileCache(_state["redis"], key)

    def cached(path: Path, name: str) -> FileVerdict:
        verdict = cache.cached_check(path, lambda: checker.check_file(path, name),
                                     wait_seconds=checker.config.limits.seconds_per_file * 2)
        return verdict if verdict.path == name else dataclasses.replace(verdict, path=name)

    return checker.check_dossier(dossier, cached).to_json()


def _inside_roots(dossier: Dossier, roots: list[Path]) -> Dossier:
    def check(a: Attachment) -> Attachment:
        if a.path is None or not roots:
            return a
        try:
            real = a.path.resolve()
        except (OSError, RuntimeError, ValueError):  # a loop, a name the OS refuses
            return dataclasses.replace(a, path=None, problem="PATH_REFUSED")
        if not any(real.is_relative_to(root) for root in roots):
            return dataclasses.replace(a, path=None, problem="PATH_REFUSED")
        return a

    return dataclasses.replace(dossier, inputs=tuple(map(check, dossier.inputs)),
                               results=tuple(map(check, dossier.results)))


class RedisFileCache:
    """File verdicts shared by every worker: claim with SET NX, others wait for the verdict."""

    def __init__(self, client: Any, key: str) -> None:
        self.client, self.key = client, key

    def cached_check(self, path: Path, check: Any, *, wait_seconds: float) -> FileVerdict:
        name = f"resultcheck:file:{sha256_file(path)}|{self.key}"
        deadline = time.monotonic() + wait_seconds
        while True:
            value = self.client.get(name)
            if value and value != b"pending":
                return FileVerdict.from_dict(json.loads(value))
            if value is None or time.monotonic() > deadline:
                if self.client.set(name, b"pending", nx=value is None, ex=int(wait_seconds) + 1) or value:
                    verdict = check()
                    self.client.set(name, verdict.to_json().encode(), ex=30 * 86400)
                    return verdict
            time.sleep(0.1)


# ---------------------------------------------------------------- payloads

def dossier_to_payload(dossier: Dossier) -> dict[str, Any]:
    def att(a: Attachment) -> dict[str, Any]:
        return {"name": a.name, "path": str(a.path) if a.path else None, "problem": a.problem, "raw": a.raw}

    return {"dossier_id": dossier.dossier_id, "procedure_code": dossier.procedure_code, "agency": dossier.agency,
            "field": dossier.field, "completed_at": dossier.completed_at, "inputs": [att(a) for a in dossier.inputs],
            "results": [att(a) for a in dossier.results]}


def dossier_from_payload(p: dict[str, Any]) -> Dossier:
    def att(a: dict[str, Any]) -> Attachment:
        return Attachment(a["name"], Path(a["path"]) if a.get("path") else None, a.get("problem"), a.get("raw", ""))

    return Dossier(p["dossier_id"], tuple(map(att, p["inputs"])), tuple(map(att, p["results"])),
                   p.get("procedure_code"), p.get("agency"), p.get("field"), p.get("completed_at"))


# ---------------------------------------------------------------- scanner side

def run_distributed(dossiers: list[Dossier], config: Config, broker: str, queue: str = "resultcheck",
                    visibility_timeout: int = 300, poll: float = 0.2) -> Iterator[tuple[str, str]]:
    """Send every dossier as a task, then yield (dossier_id, verdict JSON) as results arrive."""
    app = make_app(broker, queue, visibility_timeout)
    key = hashlib.sha256(rules_key(Checker(config, isolate=False).versions).encode()).hexdigest()[:12]
    pending = {}
    for dossier in dossiers:
        task_id = f"{key}:{dossier.dossier_id}"  # the same id on resume: no second result
        result = app.AsyncResult(task_id)
        if result.state == "PENDING":
            app.send_task(TASK, args=[dossier_to_payload(dossier)], task_id=task_id, queue=queue)
        pending[task_id] = (dossier, result)
    while pending:
        for task_id in [t for t, (_, r) in pending.items() if r.ready()]:
            dossier, result = pending.pop(task_id)
            if result.successful():
                yield dossier.dossier_id, result.get(propagate=False)
            else:
                note = reason("WORKER_FAILED", "scan", detail=str(result.result)[:200])
                yield dossier.dossier_id, DossierVerdict(
                    dossier.dossier_id, Status.REVIEW, note.message, (note,), (), Checker(config, isolate=False).versions,
                    dossier.procedure_code, dossier.agency, dossier.field).to_json()
        time.sleep(poll)


def run_worker(broker: str, *, queue: str, concurrency: int, roots: list[Path], config: Config,
               visibility_timeout: int, ocr_threads: int, hostname: str | None = None) -> None:
    os.environ["OMP_THREAD_LIMIT"] = str(ocr_threads)
    configure_worker(roots, config)
    app = make_app(broker, queue, visibility_timeout)
    limit = int(config.limits.seconds_per_file * 4)
    app.worker_main(["worker", "--loglevel", "INFO", "--concurrency", str(concurrency), "-Q", queue,
                     "--pool", "prefork", "-n", hostname or f"resultcheck-{os.getpid()}@%h",
                     "--time-limit", str(limit), "--without-gossip", "--without-mingle"])

"""The distributed scan: Celery workers on several machines, a Redis broker.

    resultcheck worker --broker redis://HOST:6379/0 --root /data/dossiers      (on each machine)
    resultcheck scan manifest.jsonl --broker redis://HOST:6379/0 --out v.jsonl  (once)

At least once, idempotent: tasks are acknowledged late and re-queued when a worker dies
(after the broker's visibility timeout); a task's id is its dossier's content key (id, each
file's role, path and sha256, and the rules/lexicon/procedures/engine versions), so a
redelivered task overwrites its own result, a changed file gets a fresh task, and the scanner
records each dossier once, in the same store and outputs as the local scan. A "sent" marker
per task keeps a resumed scan from queueing twins of tasks still queued. File verdicts are
cached in Redis by file hash and rules key, claimed with a short renewed lease, so a file
shared by dossiers is checked once and a dead worker's claim expires in seconds. Verdicts
that only say a file could not be reached (PATH_REFUSED, FILE_NOT_READABLE…) are never reused.
Workers read files from a shared path (the same mount on every machine) and refuse any path
outside the roots they were given.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import math
import os
import time
import uuid
from collections.abc import Callable, Generator, Iterator
from pathlib import Path
from typing import Any

from celery import Celery

from .checker import Checker
from .config import Config
from .dossier import Attachment, Dossier
from .errors import ConfigError, UnavailableError, bilingual
from .hashing import sha256_file
from .judge import failed_verdict
from .lease import LEASE_SECONDS, NOT_CACHEABLE, Renewer, cacheable, check_through
from .models import FileVerdict
from .store import rules_key
from .versions import versions_for

TASK = "resultcheck.check_dossier"


def make_app(broker: str, queue: str = "resultcheck", visibility_timeout: int = 300) -> Celery:
    app = Celery("resultcheck", broker=broker, backend=broker)
    app.conf.update(
        task_acks_late=True,
        task_reject_on_worker_lost=True,
        worker_prefetch_multiplier=1,
        task_default_queue=queue,
        task_serializer="json",
        result_serializer="json",
        accept_content=["json"],
        # kombu looks for unacknowledged tasks of dead workers every interval x throttle seconds
        # (100 s by default, whatever the visibility timeout): look every quarter of it instead.
        broker_transport_options={
            "visibility_timeout": visibility_timeout,
            "unacked_restore_throttle": 1,
            "unacked_restore_interval": max(1, min(10, visibility_timeout // 4)),
        },
        result_backend_transport_options={"visibility_timeout": visibility_timeout},
        result_expires=7 * 86400,
        worker_hijack_root_logger=False,
        broker_connection_retry_on_startup=True,
    )
    app.task(name=TASK, bind=True)(_check_dossier_task)
    return app


def check_broker(url: str, timeout: float = 5.0) -> None:
    """A clear error before any work or output file, when the broker is not a reachable Redis."""
    from urllib.parse import urlparse

    import redis

    if urlparse(url).scheme not in ("redis", "rediss", "unix"):
        raise ConfigError(
            bilingual(
                f"--broker phải là redis://MÁY:CỔNG/SỐ, không phải {url}",
                f"--broker must be redis://HOST:PORT/DB, not {url}",
            )
        )
    try:
        redis.Redis.from_url(url, socket_connect_timeout=timeout, socket_timeout=timeout).ping()
    except (redis.exceptions.RedisError, OSError, ValueError) as exc:
        raise UnavailableError(
            bilingual(f"không kết nối được máy chủ Redis {url} ({exc})", f"cannot reach the Redis broker {url} ({exc})")
        ) from None


# ---------------------------------------------------------------- worker side

_state: dict[str, Any] = {}


def configure_worker(roots: list[Path], config: Config) -> None:
    _state["roots"] = [r.resolve() for r in roots]
    _state["config"] = config


def _check_dossier_task(task: Any, payload: dict[str, Any]) -> str:
    if "checker" not in _state:
        # The isolated parser is a plain subprocess (not a multiprocessing child), so Celery's
        # daemonic pool processes may start it: every parse is bounded as in a local scan.
        _state["checker"] = Checker(_state.get("config") or Config())
        _state["redis"] = task.app.backend.client
    checker: Checker = _state["checker"]
    dossier = _inside_roots(dossier_from_payload(payload), _state.get("roots") or [])
    key = rules_key(checker.versions)
    cached = check_through(
        RedisFileCache(_state["redis"], key), checker.check_file, checker.config.limits.seconds_per_file * 2
    )
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

    return dataclasses.replace(
        dossier, inputs=tuple(map(check, dossier.inputs)), results=tuple(map(check, dossier.results))
    )


class RedisFileCache:
    """File verdicts shared by every worker, keyed by file hash and rules key.

    A worker claims a file with SET NX and a short lease (LEASE_SECONDS) that it renews while
    it checks; others wait for the verdict. A dead worker's claim expires within the lease.
    """

    def __init__(self, client: Any, key: str, lease: float = LEASE_SECONDS) -> None:
        self.client, self.key, self.lease = client, key, lease

    def cached_check(self, sha256: str, check: Callable[[], FileVerdict], *, wait_seconds: float) -> FileVerdict:
        name = f"resultcheck:file:{sha256}|{self.key}"
        token = f"pending:{uuid.uuid4().hex}".encode()
        deadline = time.monotonic() + wait_seconds
        while True:
            value = self.client.get(name)
            if value and not value.startswith(b"pending"):
                return FileVerdict.from_dict(json.loads(value))
            stuck = value is not None and time.monotonic() > deadline  # a live owner that never finishes
            if (value is None or stuck) and self.client.set(name, token, nx=value is None, ex=math.ceil(self.lease)):
                return self._check(name, token, check)
            time.sleep(0.1)

    def _check(self, name: str, token: bytes, check: Callable[[], FileVerdict]) -> FileVerdict:
        def renew() -> None:
            if self.client.get(name) == token:
                self.client.expire(name, math.ceil(self.lease))

        with Renewer(renew, every=self.lease / 3):
            try:
                verdict = check()
            except BaseException:
                if self.client.get(name) == token:
                    self.client.delete(name)
                raise
        if cacheable(verdict):
            self.client.set(name, verdict.to_json().encode(), ex=30 * 86400)
        elif self.client.get(name) == token:
            self.client.delete(name)
        return verdict


# ---------------------------------------------------------------- payloads


def dossier_to_payload(dossier: Dossier) -> dict[str, Any]:
    def att(a: Attachment) -> dict[str, Any]:
        return {"name": a.name, "path": str(a.path) if a.path else None, "problem": a.problem, "raw": a.raw}

    return {
        "dossier_id": dossier.dossier_id,
        "procedure_code": dossier.procedure_code,
        "agency": dossier.agency,
        "field": dossier.field,
        "completed_at": dossier.completed_at,
        "inputs": [att(a) for a in dossier.inputs],
        "results": [att(a) for a in dossier.results],
    }


def dossier_from_payload(p: dict[str, Any]) -> Dossier:
    def att(a: dict[str, Any]) -> Attachment:
        return Attachment(a["name"], Path(a["path"]) if a.get("path") else None, a.get("problem"), a.get("raw", ""))

    return Dossier(
        p["dossier_id"],
        tuple(map(att, p["inputs"])),
        tuple(map(att, p["results"])),
        p.get("procedure_code"),
        p.get("agency"),
        p.get("field"),
        p.get("completed_at"),
    )


# ---------------------------------------------------------------- scanner side


def content_key(dossier: Dossier, versions_key: str) -> str:
    """What a dossier's verdict depends on: its id and metadata, each attachment's (role, path,
    sha256) and the rules, lexicon, procedures and engine versions. Another key, another task."""

    def files(role: str, attachments: tuple[Attachment, ...]) -> list[list[str]]:
        return [
            [role, a.raw or a.name, a.name, str(a.path or ""), a.problem or _file_hash(a.path)] for a in attachments
        ]

    material = {
        "dossier": [dossier.dossier_id, dossier.procedure_code, dossier.agency, dossier.field, dossier.completed_at],
        "versions": versions_key,
        "files": files("input", dossier.inputs) + files("result", dossier.results),
    }
    return hashlib.sha256(json.dumps(material, ensure_ascii=False).encode()).hexdigest()


def _file_hash(path: Path | None) -> str:
    if path is None:
        return "none"
    try:
        return sha256_file(path)
    except (OSError, ValueError) as exc:  # unreadable from here: the worker will say why
        return f"error:{getattr(exc, 'errno', type(exc).__name__)}"


def reusable(verdict_json: str) -> bool:
    """A stored dossier verdict may be replayed unless it only says where files could not be reached."""
    verdict = json.loads(verdict_json)
    codes = {r.get("code") for r in verdict.get("reasons", ())}
    codes |= {r.get("code") for f in verdict.get("files", ()) for r in f.get("reasons", ())}
    return not NOT_CACHEABLE.intersection(codes)


SENT = "resultcheck:sent:"  # a marker per task id: sent and not yet finished (so a resumed scan sends no twin)


def run_distributed(
    dossiers: list[Dossier],
    config: Config,
    broker: str,
    queue: str = "resultcheck",
    visibility_timeout: int = 300,
    poll: float = 0.2,
) -> Generator[tuple[str, str]]:
    """Send every dossier as a task, then yield (dossier_id, verdict JSON) as results arrive.

    A task's id is its dossier's content key, so a verdict is replayed only for the same file
    bytes and versions; a task already queued by an earlier (killed) scan is waited for, not sent again.
    """
    import redis
    from kombu.exceptions import OperationalError

    try:
        yield from _run_distributed(dossiers, config, broker, queue, visibility_timeout, poll)
    except (redis.exceptions.ConnectionError, redis.exceptions.TimeoutError, OperationalError) as exc:
        raise UnavailableError(
            bilingual(
                f"mất kết nối tới máy chủ Redis {broker} ({exc}); chạy lại với --resume khi máy chủ hoạt động",
                f"lost the Redis broker {broker} ({exc}); run again with --resume when it is back",
            )
        ) from None


def _run_distributed(
    dossiers: list[Dossier], config: Config, broker: str, queue: str, visibility_timeout: int, poll: float
) -> Iterator[tuple[str, str]]:
    app = make_app(broker, queue, visibility_timeout)
    versions = versions_for(config)
    versions_key = rules_key(versions)
    client = app.backend.client
    pending = {}
    for dossier in dossiers:
        task_id = f"rc-{content_key(dossier, versions_key)[:40]}"
        result = app.AsyncResult(task_id)
        if (result.state == "SUCCESS" and not reusable(result.get(propagate=False))) or result.state == "FAILURE":
            result.forget()
            client.delete(SENT + task_id)
        if result.state == "PENDING" and not client.exists(SENT + task_id):
            app.send_task(TASK, args=[dossier_to_payload(dossier)], task_id=task_id, queue=queue)
            client.set(SENT + task_id, b"1", ex=app.conf.result_expires)
        pending[task_id] = (dossier, result)
    while pending:
        for task_id in [t for t, (_, r) in pending.items() if r.ready()]:
            dossier, result = pending.pop(task_id)
            client.delete(SENT + task_id)
            if result.successful():
                yield dossier.dossier_id, result.get(propagate=False)
            else:
                yield dossier.dossier_id, failed_verdict(dossier, versions, str(result.result)).to_json()
        time.sleep(poll)


def run_worker(
    broker: str,
    *,
    queue: str,
    concurrency: int,
    roots: list[Path],
    config: Config,
    visibility_timeout: int,
    ocr_threads: int,
    hostname: str | None = None,
) -> None:
    os.environ["OMP_THREAD_LIMIT"] = str(ocr_threads)
    configure_worker(roots, config)
    app = make_app(broker, queue, visibility_timeout)
    from .worker_metrics import install_from_environment

    install_from_environment(app)  # RESULTCHECK_WORKER_METRICS_PORT: the /metrics counters, per worker
    limit = int(config.limits.seconds_per_file * 4)
    app.worker_main(
        [
            "worker",
            "--loglevel",
            "INFO",
            "--concurrency",
            str(concurrency),
            "-Q",
            queue,
            "--pool",
            "prefork",
            "-n",
            hostname or f"resultcheck-{os.getpid()}@%h",
            "--time-limit",
            str(limit),
            "--without-gossip",
            "--without-mingle",
        ]
    )

"""Prometheus metrics of a `resultcheck worker` (Celery, prefork): the same counters as `/metrics`.

Each pool process counts the dossier verdicts it returns (files by category, OCR seconds, limits
hit, parser restarts, dossiers by status) into prometheus-client's multiprocess files; the
worker's main process serves their sum on http://0.0.0.0:PORT/metrics. Turned on by
RESULTCHECK_WORKER_METRICS_PORT; it needs one hook in `distributed.run_worker`, after the app
is made and before `worker_main`:

    from .worker_metrics import install_from_environment
    install_from_environment(app)

Task counts, runtimes and queue lengths come from Celery itself: run Flower with
`--broker` and scrape its /metrics (README, Deploy).
"""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Mapping
from typing import Any

PORT_VARIABLE = "RESULTCHECK_WORKER_METRICS_PORT"
_metrics: list[Any] = []  # this process's Metrics, made on first use (after the fork)


def install_from_environment(app: Any, env: Mapping[str, str] = os.environ) -> int | None:
    """Serve the worker's metrics when RESULTCHECK_WORKER_METRICS_PORT is set; the port, or None."""
    port = env.get(PORT_VARIABLE, "").strip()
    if not port.isdigit():
        return None
    # multiprocess mode must be chosen before prometheus_client is first imported in this process
    os.environ.setdefault("PROMETHEUS_MULTIPROC_DIR", tempfile.mkdtemp(prefix="resultcheck-metrics-"))
    from celery.signals import task_postrun
    from prometheus_client import CollectorRegistry, multiprocess, start_http_server, values

    if values.ValueClass is values.MutexValue:
        raise RuntimeError("prometheus_client was imported before the worker metrics were set up")
    registry = CollectorRegistry()
    multiprocess.MultiProcessCollector(registry)  # type: ignore[no-untyped-call]
    start_http_server(int(port), registry=registry)
    task_postrun.connect(observe_task, weak=False)
    return int(port)


def observe_task(sender: Any = None, retval: Any = None, state: str | None = None, **_: Any) -> None:
    """Celery's task_postrun, in the pool process: count the returned DossierVerdict JSON."""
    if state != "SUCCESS" or not isinstance(retval, str):
        return
    try:
        verdict = json.loads(retval)
    except ValueError:
        return
    if not _metrics:
        from .metrics import Metrics

        _metrics.append(Metrics())
    _metrics[0].observe_dossier(verdict)

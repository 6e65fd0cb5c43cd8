"""Prometheus metrics of the HTTP service (and of anything else that checks files in this process).

    resultcheck_http_requests_total{endpoint,method,status}        requests answered
    resultcheck_http_request_seconds{endpoint,method}              latency histogram
    resultcheck_files_total{category}                              files judged, by category
    resultcheck_dossiers_total{status}                             dossiers judged, by status
    resultcheck_ocr_seconds_total                                  seconds spent in OCR (from OCR_USED reasons)
    resultcheck_limits_total{code}                                 LIMIT_* reasons: a named limit was hit
    resultcheck_parser_restarts_total{code}                        parser processes killed and restarted
                                                                   (PARSER_CRASHED, LIMIT_FILE_TIME, LIMIT_MEMORY)

Counts come from the verdicts themselves, so they mean the same on the service and in a worker
(`observe_file`/`observe_dossier` take the verdicts' dicts). `endpoint` is the route template
(`/v1/files:check`), or `unmatched` for paths with no route, so odd URLs cannot grow the series.
"""

from __future__ import annotations

import re
import time
from collections.abc import Iterable
from typing import Any

from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Counter, Histogram, generate_latest
from starlette.types import ASGIApp, Message, Receive, Scope, Send

RESTARTS = frozenset({"PARSER_CRASHED", "LIMIT_FILE_TIME", "LIMIT_MEMORY"})
_SECONDS = re.compile(r"trong ([0-9]+(?:[.,][0-9]+)?) giây")
LATENCY_BUCKETS = (0.01, 0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 60, 120, 300)


class Metrics:
    """One registry per app (tests start several apps in one process)."""

    def __init__(self, registry: CollectorRegistry | None = None) -> None:
        self.registry = registry or CollectorRegistry()
        r = self.registry
        self.requests = Counter(
            "resultcheck_http_requests", "HTTP requests answered", ["endpoint", "method", "status"], registry=r
        )
        self.latency = Histogram(
            "resultcheck_http_request_seconds",
            "HTTP request latency",
            ["endpoint", "method"],
            buckets=LATENCY_BUCKETS,
            registry=r,
        )
        self.files = Counter("resultcheck_files", "Files judged, by category", ["category"], registry=r)
        self.dossiers = Counter("resultcheck_dossiers", "Dossiers judged, by status", ["status"], registry=r)
        self.ocr_seconds = Counter("resultcheck_ocr_seconds", "Seconds spent in OCR", registry=r)
        self.limits = Counter("resultcheck_limits", "Named limits hit (LIMIT_* reasons)", ["code"], registry=r)
        self.restarts = Counter(
            "resultcheck_parser_restarts", "Parser processes killed and restarted", ["code"], registry=r
        )

    def observe_file(self, verdict: dict[str, Any]) -> None:
        self.files.labels(str(verdict.get("category"))).inc()
        self._reasons(verdict.get("reasons") or ())

    def observe_dossier(self, verdict: dict[str, Any]) -> None:
        self.dossiers.labels(str(verdict.get("status"))).inc()
        self._reasons(verdict.get("reasons") or ())
        for f in verdict.get("files") or ():
            self.observe_file(f)

    def _reasons(self, reasons: Iterable[dict[str, Any]]) -> None:
        for r in reasons:
            code = str(r.get("code"))
            if code == "OCR_USED":
                found = _SECONDS.search(str(r.get("message", "")))
                if found:
                    self.ocr_seconds.inc(float(found.group(1).replace(",", ".")))
            if code.startswith("LIMIT_"):
                self.limits.labels(code).inc()
            if code in RESTARTS:
                self.restarts.labels(code).inc()

    def exposition(self) -> tuple[bytes, str]:
        return generate_latest(self.registry), CONTENT_TYPE_LATEST


class RequestMetrics:
    """ASGI middleware: counts every HTTP answer by route template, method and status, and times it."""

    def __init__(self, app: ASGIApp, metrics: Metrics) -> None:
        self.app, self.metrics = app, metrics

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status = 500

        async def sending(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, sending)
        finally:
            route = scope.get("route")
            endpoint = getattr(route, "path", None) or "unmatched"
            method = scope.get("method", "")
            self.metrics.requests.labels(endpoint, method, str(status)).inc()
            self.metrics.latency.labels(endpoint, method).observe(time.perf_counter() - started)

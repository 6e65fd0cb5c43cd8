"""`resultcheck serve`: the HTTP service a one-stop system calls on upload (FastAPI on uvicorn).

    POST /v1/files:check      multipart `file`                        -> FileVerdict JSON
    POST /v1/dossiers:check   multipart `metadata` (JSON), `inputs`*, `results`*  -> DossierVerdict JSON
    GET  /healthz             GET /v1/version      GET /metrics (Prometheus)      GET /openapi.json, /docs

Every error, 404 and 405 included, is `{"error": {"code", "message" (Vietnamese), "message_en"}}`.

Checking runs on a bounded pool of isolated checkers (one parser process each), reached from
worker threads: the event loop only waits, so a slow OCR request never stalls health checks
or small requests. Uploads are held in memory or in a private temporary folder that is
removed before the response is sent; nothing uploaded stays on disk.
"""

from __future__ import annotations

import asyncio
import dataclasses
import ipaddress
import json
import queue
import shutil
import tempfile
from collections.abc import Callable, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from fastapi import FastAPI, Request
from fastapi.openapi.utils import get_openapi
from fastapi.responses import JSONResponse, Response
from starlette.datastructures import UploadFile as StarletteUpload

from . import api_schema
from ._version import __version__
from .checker import Checker
from .config import Config
from .dossier import Attachment, Dossier, DossierVerdict
from .http_errors import Busy, RequireKey, UploadLimit, error, install_errors, read_form
from .manifest import iso_date
from .messages import reason
from .metrics import Metrics, RequestMetrics
from .models import FileVerdict

T = TypeVar("T")


@dataclass(frozen=True)
class ServiceSettings:
    config: Config = field(default_factory=Config)
    checkers: int = 2  # parser processes, i.e. files checked at once
    max_upload_bytes: int = 50 * 1024**2  # per request, all files together
    max_files: int = 30  # per request
    request_seconds: float = 120.0  # then the answer is a `review` verdict, not a hung connection
    api_keys: frozenset[str] = frozenset()  # empty: no key needed (for loopback use)
    max_pending: int = 0  # check requests in progress at once, then 503 (0: 8 per checker)
    docs: bool = True  # serve /docs, /redoc and /openapi.json (readable without a key)
    public_metrics: bool = False  # serve /metrics without a key (e.g. to a scraper on a private network)


class CheckerPool:
    """N isolated checkers lent to worker threads one at a time; at most `max_pending` requests wait."""

    def __init__(self, config: Config, size: int, max_pending: int = 0) -> None:
        self.checkers: queue.Queue[Checker] = queue.Queue()
        self.all = [Checker(config, isolate=True) for _ in range(size)]
        for checker in self.all:
            self.checkers.put(checker)
        self.executor = ThreadPoolExecutor(max_workers=size * 2, thread_name_prefix="resultcheck")
        self.versions = self.all[0].versions
        self.max_pending = max_pending or 8 * size
        self.pending = 0

    def admit(self) -> None:
        """Count a check request in, or raise Busy (503) when too many are already in progress."""
        if self.pending >= self.max_pending:
            raise Busy
        self.pending += 1

    def release(self) -> None:
        self.pending -= 1

    def _with_checker(self, work: Callable[[Checker], T]) -> T:
        checker = self.checkers.get()
        try:
            return work(checker)
        finally:
            self.checkers.put(checker)

    async def run(self, work: Callable[[Checker], T], seconds: float) -> T | None:
        """The work's answer, or None when it takes longer than `seconds` (it finishes in the background)."""
        future = asyncio.get_running_loop().run_in_executor(self.executor, self._with_checker, work)
        try:
            return await asyncio.wait_for(asyncio.shield(future), timeout=seconds)
        except TimeoutError:
            return None

    def close(self) -> None:
        for checker in self.all:
            checker.close()
        self.executor.shutdown(wait=False, cancel_futures=True)


def _openapi(app: FastAPI, secured: bool) -> Callable[[], dict[str, Any]]:
    def build() -> dict[str, Any]:
        if app.openapi_schema is None:
            schema = get_openapi(title=app.title, version=app.version, description=app.description, routes=app.routes)
            schema.setdefault("components", {})["securitySchemes"] = api_schema.SECURITY_SCHEMES
            for path, operations in schema["paths"].items():
                for operation in operations.values():
                    if path == "/healthz" or (path == "/metrics" and not secured):
                        operation.pop("security", None)
                    else:
                        operation["security"] = [{"ApiKey": []}]
            app.openapi_schema = schema
        return app.openapi_schema

    return build


def create_app(settings: ServiceSettings | None = None) -> FastAPI:
    settings = settings or ServiceSettings()
    pool = CheckerPool(settings.config, settings.checkers, settings.max_pending)
    metrics = Metrics()
    docs = {} if settings.docs else {"docs_url": None, "redoc_url": None, "openapi_url": None}
    app = FastAPI(
        title="resultcheck",
        version=__version__,
        **docs,  # type: ignore[arg-type]
        description="Kiểm tra tệp kết quả giải quyết thủ tục hành chính / checks TTHC result files. "
        'Lỗi nào cũng trả về `{"error": {"code", "message", "message_en"}}`.',
    )
    app.state.pool, app.state.metrics = pool, metrics
    install_errors(app)
    app.openapi = _openapi(app, not settings.public_metrics)  # type: ignore[method-assign]
    open_paths = {"/healthz"} | ({"/metrics"} if settings.public_metrics else set())
    if settings.docs:
        open_paths |= {"/docs", "/docs/oauth2-redirect", "/redoc", "/openapi.json"}
    app.add_middleware(RequireKey, keys=settings.api_keys, open_paths=frozenset(open_paths))
    app.add_middleware(UploadLimit, limit=settings.max_upload_bytes)
    app.add_middleware(RequestMetrics, metrics=metrics)
    secured = api_schema.ERROR_RESPONSES
    auth_only: dict[int | str, dict[str, Any]] = {401: api_schema.ERROR_RESPONSES[401]}

    @app.on_event("shutdown")
    def stop() -> None:
        pool.close()

    @app.get("/healthz", summary="Liveness: the service answers")
    async def healthz() -> dict[str, str]:
        return {"status": "ok"}

    @app.get("/v1/version", summary="Versions of resultcheck, its rules and tools", responses=auth_only)
    async def version() -> dict[str, str]:
        return dict(pool.versions)

    @app.get(
        "/metrics",
        summary="Prometheus metrics",
        response_class=Response,
        responses={
            200: {"content": {"text/plain": {"schema": {"type": "string"}}}, "description": "Prometheus text format"},
            **({} if settings.public_metrics else auth_only),
        },
    )
    async def prometheus() -> Response:
        body, content_type = metrics.exposition()
        return Response(body, media_type=content_type)

    @app.post(
        "/v1/files:check",
        summary="Check one result file",
        response_model=api_schema.FileVerdict,
        responses=secured,
        openapi_extra=api_schema.FILE_BODY,
    )
    async def check_file(request: Request) -> JSONResponse:
        pool.admit()
        try:
            form = await read_form(request, settings.max_files)
            if isinstance(form, JSONResponse):
                return form
            upload = form.get("file")
            if not isinstance(upload, StarletteUpload):
                return error(422, "MISSING_FILE")
            data = await upload.read()
            name = upload.filename or "upload"
            verdict = await pool.run(lambda checker: checker.check_file(data, name), settings.request_seconds)
        finally:
            pool.release()
        if verdict is None:
            verdict = _timed_out_file(data, name, settings, pool.versions)
        answer = verdict.to_dict()
        metrics.observe_file(answer)
        return JSONResponse(answer)

    @app.post(
        "/v1/dossiers:check",
        summary="Check a dossier's result files against its inputs",
        response_model=api_schema.DossierVerdict,
        responses=secured,
        openapi_extra=api_schema.DOSSIER_BODY,
    )
    async def check_dossier(request: Request) -> JSONResponse:
        pool.admit()
        try:
            answer = await _dossier(request, settings, pool)
        finally:
            pool.release()
        if isinstance(answer, JSONResponse):
            return answer
        metrics.observe_dossier(answer)
        return JSONResponse(answer)

    return app


async def _dossier(request: Request, settings: ServiceSettings, pool: CheckerPool) -> dict[str, Any] | JSONResponse:
    form = await read_form(request, settings.max_files, max_fields=50)
    if isinstance(form, JSONResponse):
        return form
    fields = [(role, f) for role in ("inputs", "results") for f in form.getlist(role)]
    files = [(role, f) for role, f in fields if isinstance(f, StarletteUpload)]
    if len(files) < len(fields):
        return error(422, "BAD_REQUEST", detail="“inputs” và “results” phải là tệp / must be files")
    if len(files) > settings.max_files:
        return error(413, "TOO_MANY_FILES", limit=settings.max_files)
    try:
        meta = _metadata(form.get("metadata"))
    except (ValueError, TypeError) as exc:
        return error(422, "BAD_METADATA", detail=str(exc))
    folder = Path(tempfile.mkdtemp(prefix="resultcheck-upload-"))  # private (0700), removed below
    try:
        attachments: dict[str, list[Attachment]] = {"inputs": [], "results": []}
        for i, (role, upload) in enumerate(files):
            name = Path(upload.filename or f"file-{i}").name or f"file-{i}"
            path = folder / f"{i:03d}"
            path.write_bytes(await upload.read())
            attachments[role].append(Attachment(name, path, None, name))
        dossier = Dossier(
            str(meta["dossier_id"]),
            tuple(attachments["inputs"]),
            tuple(attachments["results"]),
            _opt(meta.get("procedure_code")),
            _opt(meta.get("agency")),
            _opt(meta.get("field")),
            iso_date(meta.get("completed_at")),
        )
        verdict = await pool.run(lambda checker: checker.check_dossier(dossier), settings.request_seconds)
        if verdict is None:
            verdict = _timed_out_dossier(dossier, settings, pool.versions)
        return verdict.to_dict()
    finally:
        await asyncio.get_running_loop().run_in_executor(None, shutil.rmtree, folder, True)


def _metadata(raw: Any) -> dict[str, Any]:
    """The dossier metadata JSON: `dossier_id` a non-blank string, the optional fields strings or null."""
    meta = json.loads(str(raw or "{}"))
    if not isinstance(meta, dict):
        raise ValueError("metadata must be a JSON object")
    if not isinstance(meta.get("dossier_id"), str) or not meta["dossier_id"].strip():
        raise ValueError("dossier_id is required (a non-empty string)")
    for key in ("procedure_code", "agency", "field", "completed_at"):
        if meta.get(key) is not None and not isinstance(meta[key], str):
            raise ValueError(f"{key} must be a string or null")
    return meta


def _opt(value: Any) -> str | None:
    return None if value is None else str(value)


def _timed_out_file(data: bytes, name: str, settings: ServiceSettings, versions: dict[str, str]) -> FileVerdict:
    import hashlib

    why = reason("LIMIT_REQUEST_TIME", "service", limit=settings.request_seconds)
    return FileVerdict.failure(
        name, why, versions, confidence=0.0, sha256=hashlib.sha256(data).hexdigest(), size=len(data)
    )


def _timed_out_dossier(dossier: Dossier, settings: ServiceSettings, versions: dict[str, str]) -> DossierVerdict:
    return DossierVerdict.review(
        dossier, reason("LIMIT_REQUEST_TIME", "service", limit=settings.request_seconds), versions
    )


def is_loopback(host: str) -> bool:
    if host in ("localhost", ""):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


ENV_SWITCHES = {"RESULTCHECK_DOCS": "docs", "RESULTCHECK_PUBLIC_METRICS": "public_metrics"}


def from_environment(settings: ServiceSettings, env: Mapping[str, str]) -> ServiceSettings:
    """Deployment switches from the environment: RESULTCHECK_DOCS=0 turns /docs and /openapi.json off,
    RESULTCHECK_PUBLIC_METRICS=1 serves /metrics without a key, RESULTCHECK_MAX_PENDING=N bounds waiting checks."""
    changes: dict[str, Any] = {
        name: env[var].strip().lower() not in ("0", "false", "no", "off", "")
        for var, name in ENV_SWITCHES.items()
        if var in env
    }
    if env.get("RESULTCHECK_MAX_PENDING", "").strip().isdigit():
        changes["max_pending"] = int(env["RESULTCHECK_MAX_PENDING"])
    return dataclasses.replace(settings, **changes)


def serve(host: str, port: int, settings: ServiceSettings) -> None:
    import os

    import uvicorn

    settings = from_environment(settings, os.environ)
    uvicorn.run(create_app(settings), host=host, port=port, log_level="info", timeout_graceful_shutdown=10)

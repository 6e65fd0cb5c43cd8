"""`resultcheck serve`: the HTTP service a one-stop system calls on upload (FastAPI on uvicorn).

    POST /v1/files:check      multipart `file`                        -> FileVerdict JSON
    POST /v1/dossiers:check   multipart `metadata` (JSON), `inputs`*, `results`*  -> DossierVerdict JSON
    GET  /healthz             GET /v1/version             GET /openapi.json, /docs

Checking runs on a bounded pool of isolated checkers (one parser process each), reached from
worker threads: the event loop only waits, so a slow OCR request never stalls health checks
or small requests. Uploads are held in memory or in a private temporary folder that is
removed before the response is sent; nothing uploaded stays on disk.
"""

from __future__ import annotations

import asyncio
import hmac
import ipaddress
import json
import queue
import shutil
import tempfile
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse
from starlette.datastructures import UploadFile as StarletteUpload
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from . import __version__
from .config import Config
from .dossier import Attachment, Dossier, DossierVerdict, Status
from .messages import reason
from .models import Category, FileVerdict
from .pipeline import Checker

T = TypeVar("T")

ERRORS = {
    "UPLOAD_TOO_LARGE": ("Tệp tải lên vượt quá {limit} byte.", "Upload larger than {limit} bytes."),
    "TOO_MANY_FILES": ("Quá nhiều tệp trong một yêu cầu (tối đa {limit}).", "Too many files in one request (at most {limit})."),
    "BAD_METADATA": ("Thông tin hồ sơ (metadata) không hợp lệ: {detail}", "Invalid dossier metadata: {detail}"),
    "MISSING_FILE": ("Thiếu tệp tải lên trong trường “file”.", "No upload in the 'file' field."),
    "UNAUTHORIZED": ("Thiếu hoặc sai khóa API (X-API-Key).", "Missing or wrong API key (X-API-Key)."),
}


@dataclass(frozen=True)
class ServiceSettings:
    config: Config = field(default_factory=Config)
    checkers: int = 2                       # parser processes, i.e. files checked at once
    max_upload_bytes: int = 50 * 1024**2    # per request, all files together
    max_files: int = 30                     # per request
    request_seconds: float = 120.0          # then the answer is a `review` verdict, not a hung connection
    api_keys: frozenset[str] = frozenset()  # empty: no key needed (for loopback use)


def error(status: int, code: str, **fmt: Any) -> JSONResponse:
    vi, en = ERRORS[code]
    return JSONResponse({"error": {"code": code, "message": vi.format(**fmt), "message_en": en.format(**fmt)}},
                        status_code=status)


class UploadLimit:
    """Refuse a body larger than the limit with 413, from Content-Length or while it streams in."""

    def __init__(self, app: ASGIApp, limit: int) -> None:
        self.app, self.limit = app, limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = dict(scope.get("headers", [])).get(b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > self.limit:
            await error(413, "UPLOAD_TOO_LARGE", limit=self.limit)(scope, receive, send)
            return
        seen = 0

        async def counted() -> Message:
            nonlocal seen
            message = await receive()
            seen += len(message.get("body", b""))
            if seen > self.limit:
                raise _TooLarge
            return message

        try:
            await self.app(scope, counted, send)
        except _TooLarge:
            await error(413, "UPLOAD_TOO_LARGE", limit=self.limit)(scope, receive, send)


class _TooLarge(Exception):
    pass


class CheckerPool:
    """N isolated checkers lent to worker threads one at a time."""

    def __init__(self, config: Config, size: int) -> None:
        self.checkers: queue.Queue[Checker] = queue.Queue()
        self.all = [Checker(config, isolate=True) for _ in range(size)]
        for checker in self.all:
            self.checkers.put(checker)
        self.executor = ThreadPoolExecutor(max_workers=size * 2, thread_name_prefix="resultcheck")
        self.versions = self.all[0].versions

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
        except asyncio.TimeoutError:
            return None

    def close(self) -> None:
        for checker in self.all:
            checker.close()
        self.executor.shutdown(wait=False, cancel_futures=True)


def create_app(settings: ServiceSettings | None = None) -> FastAPI:
    settings = settings or ServiceSettings()
    pool = CheckerPool(settings.config, settings.checkers)
    app = FastAPI(title="resultcheck", version=__version__,
                  description="Kiểm tra tệp kết quả giải quyết thủ tục hành chính / checks TTHC result files")
    app.state.pool = pool

    @app.middleware("http")
    async def require_key(request: Request, call_next):  # type: ignore[no-untyped-def]
        if settings.api_keys and request.url.path not in ("/healthz",):
            given = request.headers.get("x-api-key", "")
            if not any(hmac.compare_digest(given, key) for key in settings.api_keys):
                return error(401, "UNAUTHORIZED")
        return await call_next(request)

    @app.on_event("shutdown")
    def stop() -> None:
        pool.close()

    @app.get("/healthz")
    async def healthz() -> dict[str, str]:
        return {"status": "ok"}

    @app.get("/v1/version")
    async def version() -> dict[str, str]:
        return dict(pool.versions)

    @app.post("/v1/files:check")
    async def check_file(request: Request) -> JSONResponse:
        form = await request.form(max_files=settings.max_files + 1)
        upload = form.get("file")
        if not isinstance(upload, StarletteUpload):
            return error(422, "MISSING_FILE")
        data = await upload.read()
        name = upload.filename or "upload"
        verdict = await pool.run(lambda checker: checker.check_file(data, name), settings.request_seconds)
        if verdict is None:
            verdict = _timed_out_file(data, name, settings, pool.versions)
        return JSONResponse(verdict.to_dict())

    @app.post("/v1/dossiers:check")
    async def check_dossier(request: Request) -> JSONResponse:
        form = await request.form(max_files=settings.max_files + 1, max_fields=50)
        files = [(role, f) for role in ("inputs", "results") for f in form.getlist(role)
                 if isinstance(f, StarletteUpload)]
        if len(files) > settings.max_files:
            return error(413, "TOO_MANY_FILES", limit=settings.max_files)
        try:
            meta = json.loads(str(form.get("metadata") or "{}"))
            if not isinstance(meta, dict) or not str(meta.get("dossier_id") or "").strip():
                raise ValueError("dossier_id is required")
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
            dossier = Dossier(str(meta["dossier_id"]), tuple(attachments["inputs"]), tuple(attachments["results"]),
                              _opt(meta.get("procedure_code")), _opt(meta.get("agency")), _opt(meta.get("field")))
            verdict = await pool.run(lambda checker: checker.check_dossier(dossier), settings.request_seconds)
            if verdict is None:
                verdict = _timed_out_dossier(dossier, settings, pool.versions)
            return JSONResponse(verdict.to_dict())
        finally:
            await asyncio.get_running_loop().run_in_executor(None, shutil.rmtree, folder, True)

    return app


def _opt(value: Any) -> str | None:
    return None if value is None else str(value)


def _timed_out_file(data: bytes, name: str, settings: ServiceSettings, versions: dict[str, str]) -> FileVerdict:
    import hashlib

    return FileVerdict(path=name, sha256=hashlib.sha256(data).hexdigest(), size=len(data), mime="",
                       category=Category.UNREADABLE, confidence=0.0, versions=versions,
                       reasons=(reason("LIMIT_REQUEST_TIME", "service", limit=settings.request_seconds),))


def _timed_out_dossier(dossier: Dossier, settings: ServiceSettings, versions: dict[str, str]) -> DossierVerdict:
    note = reason("LIMIT_REQUEST_TIME", "service", limit=settings.request_seconds)
    return DossierVerdict(dossier.dossier_id, Status.REVIEW, note.message, (note,), (), versions,
                          dossier.procedure_code, dossier.agency, dossier.field)


def is_loopback(host: str) -> bool:
    if host in ("localhost", ""):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def serve(host: str, port: int, settings: ServiceSettings) -> None:
    import uvicorn

    app = UploadLimit(create_app(settings), settings.max_upload_bytes)
    uvicorn.run(app, host=host, port=port, log_level="info", timeout_graceful_shutdown=10)

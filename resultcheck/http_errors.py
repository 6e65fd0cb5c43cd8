"""The HTTP service's plumbing: one JSON error format, the upload limit, API keys, form reading.

Every error answer is `{"error": {"code", "message" (Vietnamese), "message_en"}}`, 404 and 405
from the router and 413 raised while a chunked body streams in included.
"""

from __future__ import annotations

import hmac
from collections.abc import Mapping
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.datastructures import FormData
from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

ERRORS = {
    "UPLOAD_TOO_LARGE": ("Tệp tải lên vượt quá {limit} byte.", "Upload larger than {limit} bytes."),
    "TOO_MANY_FILES": (
        "Quá nhiều tệp trong một yêu cầu (tối đa {limit}).",
        "Too many files in one request (at most {limit}).",
    ),
    "BAD_METADATA": ("Thông tin hồ sơ (metadata) không hợp lệ: {detail}", "Invalid dossier metadata: {detail}"),
    "MISSING_FILE": ("Thiếu tệp tải lên trong trường “file”.", "No upload in the 'file' field."),
    "BAD_REQUEST": ("Không đọc được nội dung yêu cầu: {detail}", "The request body could not be read: {detail}"),
    "UNAUTHORIZED": ("Thiếu hoặc sai khóa API (X-API-Key).", "Missing or wrong API key (X-API-Key)."),
    "NOT_FOUND": ("Không có địa chỉ {path} trên dịch vụ này.", "No such path: {path}."),
    "METHOD_NOT_ALLOWED": ("Địa chỉ {path} không nhận phương thức {method}.", "{path} does not accept {method}."),
    "BUSY": (
        "Dịch vụ đang kiểm tra quá nhiều yêu cầu; thử lại sau {seconds} giây.",
        "Too many requests in progress; retry in {seconds} seconds.",
    ),
    "HTTP_ERROR": ("Yêu cầu không được chấp nhận ({detail}).", "Request refused ({detail})."),
    "INTERNAL_ERROR": (
        "Lỗi bên trong dịch vụ; yêu cầu chưa được xử lý.",
        "Internal error; the request was not handled.",
    ),
}
RETRY_SECONDS = 5


def error(status: int, code: str, headers: Mapping[str, str] | None = None, **fmt: Any) -> JSONResponse:
    vi, en = ERRORS[code]
    return JSONResponse(
        {"error": {"code": code, "message": vi.format(**fmt), "message_en": en.format(**fmt)}},
        status_code=status,
        headers=dict(headers) if headers else None,
    )


class UploadLimit:
    """Refuse a body larger than the limit with 413, from Content-Length or while it streams in (chunked).

    A streamed body that grows past the limit raises `TooLarge` inside the endpoint reading it; the
    app's exception handler answers 413. Should it surface here before any answer started, the
    413 is sent from here."""

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
        seen, started = 0, False

        async def counted() -> Message:
            nonlocal seen
            message = await receive()
            seen += len(message.get("body", b""))
            if seen > self.limit:
                raise TooLarge(self.limit)
            return message

        async def sending(message: Message) -> None:
            nonlocal started
            started = True
            await send(message)

        try:
            await self.app(scope, counted, sending)
        except TooLarge:
            if started:
                raise
            await error(413, "UPLOAD_TOO_LARGE", limit=self.limit)(scope, receive, send)


class TooLarge(Exception):
    def __init__(self, limit: int) -> None:
        super().__init__(limit)
        self.limit = limit


class Busy(Exception):
    pass


class RequireKey:
    """401 for any path but the open ones unless the request carries one of the API keys."""

    def __init__(self, app: ASGIApp, keys: frozenset[str], open_paths: frozenset[str]) -> None:
        self.app, self.keys, self.open_paths = app, keys, open_paths

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and self.keys and scope["path"] not in self.open_paths:
            given = dict(scope.get("headers", [])).get(b"x-api-key", b"").decode("latin-1")
            if not any(hmac.compare_digest(given, key) for key in self.keys):
                await error(401, "UNAUTHORIZED")(scope, receive, send)
                return
        await self.app(scope, receive, send)


async def read_form(request: Request, max_files: int, max_fields: int = 1000) -> FormData | JSONResponse:
    """The multipart form, or the error answer when it is malformed or has too many files."""
    try:
        return await request.form(max_files=max_files + 1, max_fields=max_fields)
    except HTTPException as exc:  # starlette's MultiPartException, raised as a 400
        if "Too many files" in str(exc.detail):
            return error(413, "TOO_MANY_FILES", limit=max_files)
        return error(422, "BAD_REQUEST", detail=str(exc.detail))


def install_errors(app: FastAPI) -> None:
    @app.exception_handler(HTTPException)
    async def http_error(request: Request, exc: HTTPException) -> JSONResponse:
        if exc.status_code == 404:
            return error(404, "NOT_FOUND", path=request.url.path)
        if exc.status_code == 405:
            return error(405, "METHOD_NOT_ALLOWED", headers=exc.headers, path=request.url.path, method=request.method)
        return error(exc.status_code, "HTTP_ERROR", headers=exc.headers, detail=exc.detail)

    @app.exception_handler(RequestValidationError)
    async def invalid(request: Request, exc: RequestValidationError) -> JSONResponse:
        return error(422, "BAD_REQUEST", detail=str(exc.errors())[:500])

    @app.exception_handler(TooLarge)
    async def too_large(request: Request, exc: TooLarge) -> JSONResponse:
        return error(413, "UPLOAD_TOO_LARGE", limit=exc.limit)

    @app.exception_handler(Busy)
    async def busy(request: Request, exc: Busy) -> JSONResponse:
        return error(503, "BUSY", headers={"Retry-After": str(RETRY_SECONDS)}, seconds=RETRY_SECONDS)

    @app.exception_handler(Exception)
    async def crashed(request: Request, exc: Exception) -> JSONResponse:
        return error(500, "INTERNAL_ERROR")

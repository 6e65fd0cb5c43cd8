"""The OpenAPI of `resultcheck serve`: request bodies, response models with examples, error answers.

The endpoints parse their multipart bodies themselves (bounded number of files and fields, the
upload-size limit enforced while the body streams in), so the request bodies are described
here with `openapi_extra` rather than inferred from parameters. Response models describe the
JSON the endpoints return (`FileVerdict.to_dict()`, `DossierVerdict.to_dict()`, `error()`).
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

Category = Literal["blank", "archive", "input_component", "result", "unreadable", "unsupported", "other"]
VERSIONS: dict[str, Any] = {
    "resultcheck": "0.1.0",
    "rules": "2026.11.2",
    "lexicon": "2026.11.6",
    "tesseract": "5.3.4",
    "libmagic": "5.45",
}


class Reason(BaseModel):
    code: str = Field(description="stable English code, e.g. RESULT_EVIDENCE, BLANK_FILE, LIMIT_PAGES")
    detector: str
    message: str = Field(description="the explanation in Vietnamese")
    page: int | None = Field(None, description="1-based page the reason is about")
    data: dict[str, Any] | None = Field(None, description="machine-readable details")


class FileVerdict(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "path": "qd.pdf",
                    "sha256": "9f2c…",
                    "size": 183422,
                    "mime": "application/pdf",
                    "category": "result",
                    "confidence": 0.94,
                    "document_type": "quyet_dinh",
                    "pages": 2,
                    "reasons": [
                        {
                            "code": "RESULT_EVIDENCE",
                            "detector": "keywords",
                            "message": "Văn bản kết quả: tên loại “QUYẾT ĐỊNH”, số ký hiệu.",
                            "page": 1,
                        }
                    ],
                    "elapsed_ms": 640.2,
                    "versions": VERSIONS,
                }
            ]
        }
    )

    path: str = Field(description="the uploaded file's name")
    sha256: str
    size: int
    mime: str
    category: Category
    confidence: float = Field(ge=0, le=1, description="≥ 0.7: right at least 95 % of the time; below: a person looks")
    document_type: str | None = None
    pages: int | None = None
    reasons: list[Reason]
    elapsed_ms: float
    versions: dict[str, str]
    members: list[str] | None = Field(None, description="an archive's member names (listed, never extracted)")


class FileEntry(FileVerdict):
    role: str = Field(description="result")
    name: str
    duplicate_of: str | None = Field(None, description="the input file this result duplicates")


class DossierVerdict(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "dossier_id": "000.00.12.H33-250101-0001",
                    "status": "fail",
                    "summary": "Có 1 tệp đính kèm ở phần kết quả nhưng không tệp nào là văn bản kết quả "
                    "(kq.jpg: thành phần hồ sơ đầu vào).",
                    "reasons": [
                        {
                            "code": "RESULT_NOT_GENUINE",
                            "detector": "dossier",
                            "message": "Có 1 tệp đính kèm ở phần kết quả "
                            "nhưng không tệp nào là văn bản kết quả (kq.jpg: thành phần hồ sơ đầu vào).",
                        }
                    ],
                    "procedure_code": "1.001234",
                    "agency": "UBND huyện Ba Bể",
                    "field": "Hộ tịch",
                    "profile": None,
                    "completed_at": "2025-03-14",
                    "files": [
                        {
                            "role": "result",
                            "name": "kq.jpg",
                            "path": "kq.jpg",
                            "sha256": "41ab…",
                            "size": 90211,
                            "mime": "image/jpeg",
                            "category": "input_component",
                            "confidence": 0.97,
                            "document_type": "don_de_nghi",
                            "pages": 1,
                            "reasons": [
                                {
                                    "code": "DUPLICATE_OF_INPUT",
                                    "detector": "dossier",
                                    "message": "Tệp kết quả chính là thành phần hồ sơ đầu vào “don.jpg” (trùng ảnh).",
                                }
                            ],
                            "elapsed_ms": 820.5,
                            "versions": VERSIONS,
                            "duplicate_of": "don.jpg",
                        }
                    ],
                    "elapsed_ms": 1210.4,
                    "versions": VERSIONS,
                }
            ]
        }
    )

    dossier_id: str
    status: Literal["pass", "fail", "review"]
    summary: str
    reasons: list[Reason]
    procedure_code: str | None = None
    agency: str | None = None
    field: str | None = None
    profile: str | None = None
    completed_at: str | None = None
    files: list[FileEntry]
    elapsed_ms: float
    versions: dict[str, str]


class ErrorBody(BaseModel):
    code: str = Field(description="stable English code")
    message: str = Field(description="Vietnamese")
    message_en: str


class Error(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "error": {
                        "code": "UPLOAD_TOO_LARGE",
                        "message": "Tệp tải lên vượt quá 52428800 byte.",
                        "message_en": "Upload larger than 52428800 bytes.",
                    }
                }
            ]
        }
    )

    error: ErrorBody


def _error(description: str) -> dict[str, Any]:
    return {"model": Error, "description": description}


ERROR_RESPONSES: dict[int | str, dict[str, Any]] = {
    401: _error("Thiếu hoặc sai khóa API / missing or wrong X-API-Key (UNAUTHORIZED)"),
    413: _error("Tải lên quá lớn hoặc quá nhiều tệp / upload too large (UPLOAD_TOO_LARGE, TOO_MANY_FILES)"),
    422: _error("Thiếu tệp hoặc metadata sai / missing file or bad metadata (MISSING_FILE, BAD_METADATA, BAD_REQUEST)"),
    503: _error("Máy chủ đang quá tải, thử lại sau Retry-After giây / too busy, retry later (BUSY)"),
}
PUBLIC_RESPONSES: dict[int | str, dict[str, Any]] = {503: ERROR_RESPONSES[503]}

BINARY = {"type": "string", "format": "binary", "contentMediaType": "application/octet-stream"}  # 3.0 and 3.1 tools
FILE_BODY = {
    "requestBody": {
        "required": True,
        "content": {
            "multipart/form-data": {
                "schema": {
                    "type": "object",
                    "required": ["file"],
                    "properties": {
                        "file": {**BINARY, "description": "the result file to check (PDF, image, DOCX/ODT, …)"}
                    },
                }
            }
        },
    }
}
TEXT = {"anyOf": [{"type": "string"}, {"type": "null"}]}
METADATA = {
    "type": "object",
    "required": ["dossier_id"],
    "description": "the dossier, as a JSON object (part content type application/json)",
    "properties": {
        "dossier_id": {"type": "string", "pattern": "\\S", "example": "000.00.12.H33-250101-0001"},
        "procedure_code": {**TEXT, "example": "1.001234"},
        "agency": {**TEXT, "example": "UBND huyện Ba Bể"},
        "field": {**TEXT, "example": "Hộ tịch"},
        "completed_at": {
            **TEXT,
            "description": "ISO 8601 date the dossier was resolved (report periods)",
            "example": "2025-03-14",
        },
    },
}
DOSSIER_BODY = {
    "requestBody": {
        "required": True,
        "content": {
            "multipart/form-data": {
                "schema": {
                    "type": "object",
                    "required": ["metadata"],
                    "properties": {
                        "metadata": METADATA,
                        "inputs": {
                            "type": "array",
                            "items": BINARY,
                            "description": "the dossier's input files (thành phần hồ sơ)",
                        },
                        "results": {
                            "type": "array",
                            "items": BINARY,
                            "description": "the files attached as the result",
                        },
                    },
                },
                "encoding": {"metadata": {"contentType": "application/json"}},
            }
        },
    }
}
SECURITY_SCHEMES = {
    "ApiKey": {
        "type": "apiKey",
        "in": "header",
        "name": "X-API-Key",
        "description": "one of the keys in RESULTCHECK_API_KEYS",
    }
}

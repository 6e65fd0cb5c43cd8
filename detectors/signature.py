"""Embedded PDF digital signatures (/Sig fields with /ByteRange), read-only.

The file is parsed, never rewritten (re-saving a signed PDF breaks its signature). The
signer is taken from the signing certificate's subject (CN, O), else from the signature
dictionary's /Name. Citizens sign online applications too (VNeID, personal certificates):
only an organisation's certificate — a state body in its subject — is evidence of an issued
document, and then only as support for the document's own structure.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass

from pypdf import PdfReader
from pypdf.errors import PyPdfError
from pypdf.generic import ArrayObject, DictionaryObject

NAME = "signature"
MAX_FIELDS = 500
# A state body named in a certificate subject (folded: lower case, no diacritics).
_STATE_BODY = re.compile(
    r"\b(?:uy ban|ubnd|hdnd|hoi dong nhan dan|so|bo|cuc|chi cuc|tong cuc|phong|cong an|"
    r"van phong|toa an|vien kiem sat|bao hiem xa hoi|ban quan ly|chinh phu|thanh tra)\b"
)


@dataclass(frozen=True, slots=True)
class PdfSignature:
    signer: str | None
    sub_filter: str | None
    signing_time: str | None
    organisation: bool = False  # the certificate names a state body (not only a person or a company)


def find_signatures(data: bytes) -> tuple[PdfSignature, ...]:
    if b"/ByteRange" not in data:  # every signature value carries one, uncompressed
        return ()
    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        if reader.is_encrypted and not reader.decrypt(""):
            return ()
        root = reader.trailer["/Root"].get_object()
        form = root.get("/AcroForm") if isinstance(root, DictionaryObject) else None
        if form is None:
            return ()
        fields = form.get_object().get("/Fields", ArrayObject())
        return tuple(_signatures(fields))
    except (PyPdfError, KeyError, ValueError, TypeError, AttributeError, RecursionError, OSError):
        return ()


def _signatures(fields: ArrayObject) -> list[PdfSignature]:
    found: list[PdfSignature] = []
    stack = list(fields)[:MAX_FIELDS]
    seen = 0
    while stack and seen < MAX_FIELDS:
        seen += 1
        field = stack.pop().get_object()
        if not isinstance(field, DictionaryObject):
            continue
        stack.extend(list(field.get("/Kids", ArrayObject()))[:MAX_FIELDS])
        value = field.get("/V")
        value = value.get_object() if value is not None else None
        if field.get("/FT") == "/Sig" and isinstance(value, DictionaryObject) and "/ByteRange" in value:
            common, organisation = _certificate_subject(value.get("/Contents"))
            named = _text(value.get("/Name"))
            found.append(
                PdfSignature(
                    signer=", ".join(n for n in (common or named, organisation) if n) or None,
                    sub_filter=_text(value.get("/SubFilter")),
                    signing_time=_text(value.get("/M")),
                    organisation=is_state_body(common) or is_state_body(organisation),
                )
            )
    return found


def _text(value: object) -> str | None:
    return str(value).lstrip("/") if value is not None else None


def is_state_body(name: str | None) -> bool:
    from .keywords import fold

    return bool(name) and _STATE_BODY.search(fold(name)) is not None  # type: ignore[arg-type]


def _certificate_subject(contents: object) -> tuple[str | None, str | None]:
    """(CN, O) of the signing certificate in the PKCS#7 blob (the one whose subject is not an
    issuer of another certificate in the blob); (None, None) when it cannot be read."""
    if contents is None:
        return None, None
    try:
        from cryptography.hazmat.primitives.serialization import pkcs7
        from cryptography.x509.oid import NameOID

        blob = bytes(contents.get_object() if hasattr(contents, "get_object") else contents)  # type: ignore[arg-type]
        certificates = pkcs7.load_der_pkcs7_certificates(blob.rstrip(b"\x00"))
    except Exception:  # malformed or unusual PKCS#7: the signature still exists, only unnamed
        return None, None
    if not certificates:
        return None, None
    issuers = {c.issuer for c in certificates}
    leaf = next((c for c in certificates if c.subject not in issuers), certificates[0])

    def first(oid: object) -> str | None:
        values = leaf.subject.get_attributes_for_oid(oid)  # type: ignore[arg-type]
        return str(values[0].value) if values else None

    return first(NameOID.COMMON_NAME), first(NameOID.ORGANIZATION_NAME)

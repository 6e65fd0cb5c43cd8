"""Embedded PDF digital signatures (/Sig fields with /ByteRange), read-only.

The file is parsed, never rewritten (re-saving a signed PDF breaks its signature). The
signer is taken from the signature dictionary's /Name, else from the signing certificate.
"""

from __future__ import annotations

import io
from dataclasses import dataclass

from pypdf import PdfReader
from pypdf.errors import PyPdfError
from pypdf.generic import ArrayObject, DictionaryObject

NAME = "signature"
MAX_FIELDS = 500


@dataclass(frozen=True, slots=True)
class PdfSignature:
    signer: str | None
    sub_filter: str | None
    signing_time: str | None


def find_signatures(data: bytes) -> tuple[PdfSignature, ...]:
    if b"/ByteRange" not in data:  # every signature value carries one, uncompressed
        return ()
    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        if reader.is_encrypted and not reader.decrypt(""):
            return ()
        form = reader.trailer["/Root"].get_object().get("/AcroForm")
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
            found.append(PdfSignature(
                signer=_text(value.get("/Name")) or _certificate_signer(value.get("/Contents")),
                sub_filter=_text(value.get("/SubFilter")),
                signing_time=_text(value.get("/M")),
            ))
    return found


def _text(value: object) -> str | None:
    return str(value).lstrip("/") if value is not None else None


def _certificate_signer(contents: object) -> str | None:
    """Common name (and organisation) of the first certificate in the PKCS#7 blob."""
    if contents is None:
        return None
    try:
        from cryptography.hazmat.primitives.serialization import pkcs7
        from cryptography.x509.oid import NameOID

        blob = bytes(contents.get_object() if hasattr(contents, "get_object") else contents)  # type: ignore[arg-type]
        certificates = pkcs7.load_der_pkcs7_certificates(blob.rstrip(b"\x00"))
    except Exception:  # malformed or unusual PKCS#7: the signature still exists, only unnamed
        return None
    if not certificates:
        return None
    subject = certificates[0].subject
    names = [a.value for oid in (NameOID.COMMON_NAME, NameOID.ORGANIZATION_NAME)
             for a in subject.get_attributes_for_oid(oid)]
    return ", ".join(str(n) for n in names) or None

"""Red seals (supporting evidence) and embedded digital signatures (read-only)."""

from __future__ import annotations

import datetime
import io

import cv2
import numpy as np
import pytest
from resultcheck.detectors.seal import find_seals
from resultcheck.detectors.signature import find_signatures

from fixtures.layout import Line, Mark, PageLayout, draw_page, layout_lines, pdf_pages
from resultcheck import Category

DPI = 100


def page_with(*marks: Mark, text: str | None = None) -> np.ndarray:
    page = PageLayout("dejavu-serif", marks=list(marks))
    if text:
        page.runs.extend(layout_lines([Line(text, size=28, style=1)], page.family).runs)
    return np.asarray(draw_page(page, DPI))


def test_a_red_round_seal_is_found_at_its_size() -> None:
    seals = find_seals(page_with(Mark("seal", 110, 190, 36, 36, (205, 35, 40))), DPI / 25.4)
    assert len(seals) == 1 and 32 <= seals[0].diameter_mm <= 40


def test_red_orange_seals_are_found_across_the_hue_wrap() -> None:
    assert find_seals(page_with(Mark("seal", 60, 60, 34, 34, (225, 70, 30))), DPI / 25.4)


def test_signatures_text_and_small_red_marks_are_not_seals() -> None:
    blue = page_with(Mark("signature", 120, 200, 45, 14, (25, 45, 160), seed=4))
    red_sig = page_with(Mark("signature", 120, 200, 45, 14, (200, 30, 30), seed=4))
    tiny = page_with(Mark("seal", 50, 50, 8, 8, (205, 35, 40)))
    black = page_with(Mark("seal", 110, 190, 36, 36, (20, 20, 20)), text="QUYẾT ĐỊNH")
    for image in (blue, red_sig, tiny, black):
        assert find_seals(image, DPI / 25.4) == ()


def _ring(diameter_mm: float) -> np.ndarray:
    """A red seal ring drawn straight onto a white page at DPI."""
    page = np.full((1169, 827, 3), 255, np.uint8)
    radius = round(diameter_mm / 2 * DPI / 25.4)
    cv2.circle(page, (400, 500), radius, (205, 35, 40), 4)
    cv2.circle(page, (400, 500), radius - 12, (205, 35, 40), 1)  # the inner ring
    return page


def test_a_seal_ring_cut_by_the_signers_title_and_signature_is_still_a_seal() -> None:
    """Decree 30 stamps the seal over the signature: black and blue strokes cut the red ring."""
    page = _ring(36)
    for top in (440, 470, 500, 530, 560):  # the title's letters and the signature run across it
        page[top : top + 5, 300:500] = (20, 20, 20)
    page[420:580, 395:401] = (25, 45, 160)
    seals = find_seals(page, DPI / 25.4)
    assert len(seals) == 1 and 32 <= seals[0].diameter_mm <= 40


def test_red_pieces_are_a_seal_only_when_they_run_round_a_ring() -> None:
    half = _ring(36)
    half[:500] = 255  # the sheet's edge cut the stamp: an arc is not enough
    block = np.full_like(half, 255)
    for top in range(430, 570, 14):  # a paragraph of red text as wide and tall as a seal
        block[top : top + 6, 330:470] = (205, 35, 40)
    for page in (half, block):
        for top in (440, 500, 520, 550):
            page[top : top + 5, 300:500] = (20, 20, 20)
        assert find_seals(page, DPI / 25.4) == ()


def _signed(common_name: str, organisation: str | None, lines: list[str], folder) -> bytes:
    """A PDF really signed (pyhanko) with a self-made certificate of this subject."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import rsa
    from cryptography.x509.oid import NameOID
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign import signers

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    attributes = [x509.NameAttribute(NameOID.COMMON_NAME, common_name)]
    if organisation:
        attributes.append(x509.NameAttribute(NameOID.ORGANIZATION_NAME, organisation))
    name = x509.Name(attributes)
    now = datetime.datetime.now(datetime.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(1)
        .not_valid_before(now)
        .not_valid_after(now + datetime.timedelta(days=30))
        .sign(key, hashes.SHA256())
    )
    (folder / "key.pem").write_bytes(
        key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    )
    (folder / "cert.pem").write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    pdf = pdf_pages([layout_lines([Line(text, size=12) for text in lines], "dejavu-serif")])
    signer = signers.SimpleSigner.load(str(folder / "key.pem"), str(folder / "cert.pem"))
    out = signers.sign_pdf(
        IncrementalPdfFileWriter(io.BytesIO(pdf)), signers.PdfSignatureMetadata(field_name="Signature1"), signer=signer
    )
    return out.getvalue()


@pytest.fixture(scope="module")
def signed_pdf(tmp_path_factory) -> bytes:
    """An official of a state body signs a page that shows no structure of an issued document."""
    return _signed("Nguyễn Văn An", "UBND huyện Ba Bể", ["Văn bản điện tử"], tmp_path_factory.mktemp("pki"))


def test_an_embedded_signature_is_found_with_its_signer(signed_pdf: bytes) -> None:
    signatures = find_signatures(signed_pdf)
    assert len(signatures) == 1
    assert "Nguyễn Văn An" in signatures[0].signer and signatures[0].sub_filter
    assert signatures[0].organisation  # the certificate names a state body


def test_a_person_or_company_certificate_is_not_an_organisation(tmp_path) -> None:
    for common, organisation in (("John Smith", None), ("Trần Thị Bình", "CÔNG TY TNHH AN PHÁT")):
        [found] = find_signatures(_signed(common, organisation, ["Form"], tmp_path))
        assert not found.organisation and common in found.signer


def test_unsigned_and_damaged_pdfs_have_no_signature() -> None:
    assert find_signatures(pdf_pages([PageLayout("dejavu-serif")])) == ()
    assert find_signatures(b"%PDF-1.7 /ByteRange [0 1 2 3] garbage") == ()


def test_a_signature_alone_never_makes_a_result(checker, signed_pdf: bytes, tmp_path) -> None:
    path = tmp_path / "signed.pdf"
    path.write_bytes(signed_pdf)
    verdict = checker.check_file(path)
    assert "DIGITAL_SIGNATURE_ORGANISATION" in verdict.codes
    assert "Nguyễn Văn An" in next(r.message for r in verdict.reasons if r.code == "DIGITAL_SIGNATURE_ORGANISATION")
    assert path.read_bytes() == signed_pdf  # read, never rewritten
    assert verdict.category is not Category.RESULT or verdict.confidence < 0.7


def test_a_foreign_form_signed_by_a_person_is_not_a_result(checker, tmp_path) -> None:
    data = _signed(
        "John Smith",
        None,
        [
            "APPLICATION FOR A LIBRARY CARD",
            "Name of applicant: ____________",
            "Address: ________________",
            "I declare that the information above is true.",
            "Signature of the applicant and the date of this application form.",
        ],
        tmp_path,
    )
    verdict = checker.check_file(data, "signed-form.pdf")
    assert "DIGITAL_SIGNATURE" in verdict.codes and verdict.category is Category.OTHER

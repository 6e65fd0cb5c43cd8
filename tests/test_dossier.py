"""Dossier verdicts: duplicate-of-input (bytes and re-scans), profiles, and pass/fail/review."""

from __future__ import annotations

import json

import pytest
from resultcheck.detectors.duplicate import compare

from fixtures.dossiers import DossierFactory
from fixtures.layout import pdf_pages
from resultcheck import Attachment, Category, Dossier, Status
from resultcheck.judge import fingerprint
from resultcheck.manifest import load

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def factory() -> DossierFactory:
    return DossierFactory(seed=606)


def put(folder, name: str, data: bytes) -> Attachment:
    path = folder / name
    path.write_bytes(data)
    return Attachment(name, path.resolve(), None, name)


def test_result_identical_to_an_input_is_an_input(checker, factory, tmp_path) -> None:
    _, page = factory.g.document("application")
    name, data = factory.scan_of(page, "don")
    dossier = Dossier("D1", (put(tmp_path, name, data),), (put(tmp_path, "kq" + name[-4:], data),))
    verdict = checker.check_dossier(dossier)
    assert verdict.status is Status.FAIL and verdict.codes[0] == "RESULT_NOT_GENUINE"
    entry = verdict.files[0]
    assert entry.duplicate_of == name and entry.verdict.category is Category.INPUT_COMPONENT
    assert (
        entry.verdict.reasons[0].code == "DUPLICATE_OF_INPUT" and "trùng từng byte" in entry.verdict.reasons[0].message
    )


@pytest.mark.parametrize("kind", ["land-certificate", "decision", "declaration"])
def test_rescan_of_an_input_is_caught_whatever_it_looks_like(checker, factory, tmp_path, kind) -> None:
    """The classic case: an old certificate submitted as input and re-attached as the 'result'."""
    _, page = factory.g.document(kind)
    name, data = factory.scan_of(page, "input", dpi=300)
    rescan_name, rescan = factory.rescan_of(page, "ket-qua")
    dossier = Dossier("D2", (put(tmp_path, name, data),), (put(tmp_path, rescan_name, rescan),))
    verdict = checker.check_dossier(dossier)
    assert verdict.status is Status.FAIL
    assert verdict.files[0].duplicate_of == name
    assert json.loads(verdict.to_json())["files"][0]["duplicate_of"] == name


@pytest.mark.parametrize(
    "kind", ["land-certificate", "application", "declaration", "receipt-slip", "birth-certificate"]
)
def test_other_copies_of_the_same_form_never_match(checker, factory, kind) -> None:
    _, first = factory.g.document(kind)
    _, second = factory.g.document(kind)
    for a, b in ((first, second),):
        fa = fingerprint(factory.scan_of(a, "a")[1], "a", checker.config.limits)
        fb = fingerprint(factory.rescan_of(b, "b")[1], "b", checker.config.limits)
        assert compare(fa, fb, checker.config.rules.section("duplicate")) is None


def test_text_documents_compare_by_words(checker) -> None:
    import random

    from fixtures import containers as C
    from fixtures.texts import DOCUMENTS

    words = [line.text for line in DOCUMENTS["decision"](random.Random(8)).lines]
    same = fingerprint(C.docx_bytes(words), "a", checker.config.limits)
    copy = fingerprint(C.odt_bytes(words), "b", checker.config.limits)
    other_words = [line.text for line in DOCUMENTS["decision"](random.Random(9)).lines]
    other = fingerprint(C.odt_bytes(other_words), "c", checker.config.limits)
    rules = checker.config.rules.section("duplicate")
    assert compare(same, copy, rules).how == "same_text" and compare(same, other, rules) is None


def test_no_result_and_not_a_result_are_different_reasons(checker, factory, tmp_path) -> None:
    _, page = factory.g.document("application")
    name, data = factory.scan_of(page, "don")
    inputs = (put(tmp_path, name, data),)
    assert checker.check_dossier(Dossier("D3", inputs, ())).codes[0] == "NO_RESULT_ATTACHED"
    zero = put(tmp_path, "trong.pdf", b"")
    verdict = checker.check_dossier(Dossier("D4", inputs, (zero,)))
    assert verdict.status is Status.FAIL and verdict.codes[0] == "RESULT_NOT_GENUINE"


def test_genuine_result_passes_and_thin_evidence_is_reviewed(checker, factory, tmp_path) -> None:
    _, page = factory.g.document("decision")
    good = put(tmp_path, "qd.pdf", pdf_pages([page]))
    verdict = checker.check_dossier(Dossier("D5", (), (good,), agency="UBND huyện Ba Bể", field="Xây dựng"))
    assert verdict.status is Status.PASS and verdict.codes[0] == "RESULT_FOUND"
    assert verdict.to_dict()["agency"] == "UBND huyện Ba Bể"
    one_line = next(f for f in factory.g.hard_non_blanks() if "one-short-line" in f.path)
    thin = put(tmp_path, "mot-dong.jpg", one_line.data)
    assert checker.check_dossier(Dossier("D6", (), (thin,))).status is Status.REVIEW


def test_missing_and_refused_files_are_reported(checker) -> None:
    dossier = Dossier(
        "D7",
        (),
        (
            Attachment("kq", None, "PATH_REFUSED", "../../etc/passwd"),
            Attachment("kq2", None, "FILE_MISSING", "files/none.pdf"),
        ),
    )
    verdict = checker.check_dossier(dossier)
    assert verdict.status is Status.FAIL
    assert [f.verdict.codes for f in verdict.files] == [("PATH_REFUSED",), ("FILE_MISSING",)]
    assert "../../etc/passwd" in verdict.files[0].verdict.reasons[0].message


def test_certification_profile_accepts_the_certified_copy(checker, factory, tmp_path) -> None:
    record = factory.certification("D8", tmp_path)
    (dossier,) = [d for d in load(_manifest(tmp_path, record))]
    verdict = checker.check_dossier(dossier)
    assert verdict.status is Status.PASS and verdict.profile == "chung_thuc"
    assert "PROCEDURE_PROFILE" in verdict.codes
    # the same files under a procedure without the profile: the copy duplicates an input
    plain = Dossier("D8b", dossier.inputs, dossier.results, field="Hộ tịch")
    assert checker.check_dossier(plain).status is not Status.PASS


def test_land_reissue_new_certificate_passes_old_one_fails(checker, factory, tmp_path) -> None:
    for reattached, expected in ((False, Status.PASS), (True, Status.FAIL)):
        folder = tmp_path / str(reattached)
        record = factory.land_reissue("D9", folder, reattached=reattached)
        (dossier,) = list(load(_manifest(folder, record)))
        assert checker.check_dossier(dossier).status is expected, reattached


def _manifest(folder, record):
    path = folder / "manifest.jsonl"
    path.write_text(json.dumps(record, ensure_ascii=False) + "\n", encoding="utf-8")
    return path

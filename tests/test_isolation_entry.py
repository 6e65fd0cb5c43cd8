"""Every parse of a user's file, the inputs' fingerprints included, runs in the bounded child;
and the README's first example works as a plain script, without a __main__ guard."""

from __future__ import annotations

import subprocess
import sys

import pytest

from fixtures.dossiers import DossierFactory
from resultcheck import Attachment, Checker, Config, Dossier, Status
from tests.conftest import SAMPLES

pytestmark = pytest.mark.slow


def test_readme_example_runs_as_a_script(tmp_path) -> None:
    kq = tmp_path / "kq.pdf"
    kq.write_bytes((SAMPLES / "result" / "decision-sample-text_pdf.pdf").read_bytes())
    script = tmp_path / "x.py"
    script.write_text("import resultcheck\nprint(resultcheck.check_file('kq.pdf'))\n", encoding="utf-8")
    proc = subprocess.run([sys.executable, str(script)], cwd=tmp_path, capture_output=True, text=True, timeout=180)
    assert proc.returncode == 0, proc.stderr
    assert "category=<Category.RESULT" in proc.stdout and proc.stdout.count("FileVerdict(") == 1
    assert "Traceback" not in proc.stderr


def test_the_child_imports_the_callers_resultcheck_whatever_the_working_folder(tmp_path) -> None:
    """A `resultcheck` folder in the working folder (another checkout) does not stand in for
    the caller's own package in the parser child."""
    (tmp_path / "resultcheck").mkdir()
    (tmp_path / "resultcheck" / "__init__.py").write_text("raise ImportError('the wrong resultcheck')\n")
    kq = SAMPLES / "result" / "decision-sample-text_pdf.pdf"
    script = f"import sys; sys.path.remove(''); import resultcheck; print(resultcheck.check_file({str(kq)!r}).category)"
    proc = subprocess.run([sys.executable, "-c", script], cwd=tmp_path, capture_output=True, text=True, timeout=180)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == "result"


def test_input_fingerprints_are_parsed_in_the_child(tmp_path, monkeypatch) -> None:
    factory = DossierFactory(seed=606)
    _, page = factory.g.document("decision")
    name, data = factory.scan_of(page, "input", dpi=300)
    rescan_name, rescan = factory.rescan_of(page, "ket-qua")
    (tmp_path / name).write_bytes(data)
    (tmp_path / rescan_name).write_bytes(rescan)
    dossier = Dossier("D2", (Attachment(name, tmp_path / name),), (Attachment(rescan_name, tmp_path / rescan_name),))

    def parsed_here(*args, **kwargs):
        raise AssertionError("a user's file was parsed in the caller's process")

    monkeypatch.setattr("resultcheck.documents.open_document", parsed_here)
    monkeypatch.setattr("resultcheck.judge.fingerprint", parsed_here)
    checker = Checker(Config())
    try:
        verdict = checker.check_dossier(dossier)
    finally:
        checker.close()
    assert verdict.status is Status.FAIL and verdict.files[0].duplicate_of == name


def test_the_caller_of_an_isolated_checker_loads_no_parser_or_image_stack(tmp_path) -> None:
    """A scan worker only hands files to its child: OpenCV, numpy, PDFium's renderer, pypdf and
    pytesseract stay out of it (each worker's memory counts against the batch's budget)."""
    kq = SAMPLES / "result" / "decision-sample-text_pdf.pdf"
    script = (
        "import sys, resultcheck.scan, resultcheck.cli\n"
        "from resultcheck import Checker\n"
        f"checker = Checker(); print(checker.check_file({str(kq)!r}).category); checker.close()\n"
        "print(sorted(m for m in ('cv2', 'numpy', 'pypdf', 'pytesseract', 'pypdfium2._helpers') if m in sys.modules))\n"
    )
    proc = subprocess.run([sys.executable, "-c", script], cwd=tmp_path, capture_output=True, text=True, timeout=180)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.split("\n")[:2] == ["result", "[]"]


def test_the_pdfium_version_read_without_loading_pdfium_is_the_libraries_own() -> None:
    import pypdfium2.version

    from resultcheck.versions import pdfium_version

    assert pdfium_version() == str(pypdfium2.version.PDFIUM_INFO).split("@", 1)[0]

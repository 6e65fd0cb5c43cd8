"""One bad file never stops a batch: every OSError on a file becomes that file's verdict."""

from __future__ import annotations

import errno
import io
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from resultcheck import Attachment, Category, Checker, Config, ConfigError, Dossier, InputError, Status
from resultcheck.errors import MissingFileError
from resultcheck.scan import scan
from tests.conftest import SAMPLES

EXE = Path(sys.executable).with_name("resultcheck")
GOOD = SAMPLES / "result" / "decision-sample-text_pdf.pdf"
INPUT = SAMPLES / "input_component" / "receipt-slip-sample-text_pdf.pdf"
NO_DAC = ["setpriv", "--bounding-set=-dac_override,-dac_read_search", "--inh-caps=-dac_override,-dac_read_search"]


def unprivileged() -> list[str]:
    """A prefix that runs a command without the right to read other people's files (as root:
    the DAC capabilities dropped), or [] when the tests already run unprivileged."""
    if os.geteuid() != 0:
        return []
    if not shutil.which("setpriv"):
        pytest.skip("needs setpriv to drop root's file capabilities")
    return NO_DAC


def unreadable_copy(folder: Path, name: str = "noperm.pdf") -> Path:
    path = folder / name
    shutil.copy(GOOD, path)
    path.chmod(0)
    return path


def fail_reading(monkeypatch, target: Path, err: int) -> None:
    """Opening `target` raises OSError(err), however it is opened (the in-process checker)."""
    real_open = io.open

    def fake_open(file, *args, **kwargs):
        if isinstance(file, (str, os.PathLike)) and os.fspath(file) == str(target):
            raise OSError(err, os.strerror(err), str(target))
        return real_open(file, *args, **kwargs)

    monkeypatch.setattr(io, "open", fake_open)
    monkeypatch.setattr("builtins.open", fake_open)


@pytest.fixture
def plain() -> Checker:
    return Checker(Config(ocr=False), isolate=False)


@pytest.mark.parametrize("err, words", [(errno.EACCES, "quyền"), (errno.EIO, "ổ đĩa"), (errno.ENOENT, None)])
def test_an_oserror_on_reading_is_the_files_verdict(plain, tmp_path, monkeypatch, err, words) -> None:
    path = tmp_path / "kq.pdf"
    shutil.copy(GOOD, path)
    fail_reading(monkeypatch, path, err)
    verdict = plain.check_file(path)
    assert verdict.category is Category.UNREADABLE
    if words:
        assert verdict.codes == ("FILE_NOT_READABLE",) and words in verdict.reasons[0].message
        assert "kq.pdf" in verdict.reasons[0].message
    else:  # deleted between looking and reading
        assert verdict.codes == ("FILE_MISSING",)


def test_path_too_long_and_undecodable_name_are_verdicts(plain, tmp_path) -> None:
    too_long = tmp_path / ("a" * 300 + ".pdf")
    verdict = plain.check_file(too_long)
    assert verdict.codes == ("FILE_NOT_READABLE",) and "quá dài" in verdict.reasons[0].message
    weird = os.fsdecode(bytes(tmp_path) + b"/kq-\xff.pdf")  # not UTF-8: a surrogate escape
    shutil.copy(GOOD, weird)
    assert plain.check_file(weird).category is not Category.UNREADABLE
    assert plain.check_file(str(tmp_path / "kq-\ud800.pdf")).codes == ("FILE_NOT_READABLE",)


def test_isolated_checker_turns_permission_denied_into_a_verdict(tmp_path) -> None:
    noperm = unreadable_copy(tmp_path)
    code = (
        "import json,sys; from resultcheck import Checker, Config; c = Checker(Config(ocr=False)); "
        "print(json.dumps([c.check_file(p).to_dict() for p in sys.argv[1:]]))"
    )
    proc = subprocess.run(
        [*unprivileged(), sys.executable, "-c", code, str(noperm), str(GOOD)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr
    bad, good = json.loads(proc.stdout)
    assert bad["category"] == "unreadable" and bad["reasons"][0]["code"] == "FILE_NOT_READABLE"
    assert good["category"] == "result"


def test_cli_check_goes_on_after_an_unreadable_file(tmp_path) -> None:
    noperm = unreadable_copy(tmp_path)
    proc = subprocess.run(
        [*unprivileged(), str(EXE), "check", "--json", "--no-ocr", str(noperm), str(GOOD)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert "Traceback" not in proc.stderr and proc.returncode == 0, proc.stderr
    bad, good = (json.loads(line) for line in proc.stdout.splitlines())
    assert bad["reasons"][0]["code"] == "FILE_NOT_READABLE" and good["category"] == "result"


def manifest(folder: Path, *results: str) -> Path:
    files = folder / "files"
    files.mkdir(exist_ok=True)
    shutil.copy(INPUT, files / "don.pdf")
    lines = [
        json.dumps(
            {
                "dossier_id": f"D{i}",
                "inputs": [{"path": "files/don.pdf", "name": "Đơn"}],
                "results": [{"path": f"files/{name}"}],
            }
        )
        for i, name in enumerate(results)
    ]
    path = folder / "manifest.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_local_scan_records_the_unreadable_dossier_and_the_good_one(tmp_path) -> None:
    source = manifest(tmp_path, "noperm.pdf", "kq.pdf")
    unreadable_copy(tmp_path / "files")
    shutil.copy(GOOD, tmp_path / "files" / "kq.pdf")
    (tmp_path / "files" / "don.pdf").chmod(0)  # an unreadable input never stops the dossier either
    out = tmp_path / "v.jsonl"
    proc = subprocess.run(
        [*unprivileged(), str(EXE), "scan", str(source), "--out", str(out), "--workers", "2", "--no-ocr", "--quiet"],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert "Traceback" not in proc.stderr and proc.returncode == 0, proc.stderr
    rows = {r["dossier_id"]: r for r in map(json.loads, out.read_text(encoding="utf-8").splitlines())}
    assert rows["D0"]["files"][0]["reasons"][0]["code"] == "FILE_NOT_READABLE"
    assert rows["D0"]["status"] == "fail"
    assert rows["D1"]["status"] == "pass"


def test_scan_with_oserror_injected_in_the_worker(tmp_path, monkeypatch) -> None:
    """The batch cache hashes before checking: an EIO there is the file's verdict too."""
    source = manifest(tmp_path, "eio.pdf", "kq.pdf")
    shutil.copy(GOOD, tmp_path / "files" / "kq.pdf")
    shutil.copy(GOOD, tmp_path / "files" / "eio.pdf")
    fail_reading(monkeypatch, (tmp_path / "files" / "eio.pdf").resolve(), errno.EIO)
    monkeypatch.setattr("resultcheck.scan.ProcessPoolExecutor", _InlinePool)
    out = tmp_path / "v.jsonl"
    scan(source, out, config=Config(ocr=False, isolate=False), workers=1, progress=False)
    rows = {r["dossier_id"]: r for r in map(json.loads, out.read_text(encoding="utf-8").splitlines())}
    assert rows["D0"]["files"][0]["reasons"][0]["code"] == "FILE_NOT_READABLE"
    assert "ổ đĩa" in rows["D0"]["files"][0]["reasons"][0]["message"]
    assert rows["D1"]["status"] == "pass"


class _InlinePool:
    """A ProcessPoolExecutor stand-in that runs in this process (so monkeypatching reaches it)."""

    def __init__(self, workers, initializer, initargs):
        initializer(*initargs[:2])

    def submit(self, fn, *args):
        from concurrent.futures import Future

        future: Future = Future()
        try:
            future.set_result(fn(*args))
        except Exception as exc:
            future.set_exception(exc)
        return future

    def shutdown(self, wait=True, cancel_futures=False):
        pass


def test_check_dossier_missing_attachment_is_file_missing(plain, tmp_path) -> None:
    dossier = Dossier(
        "D1", (Attachment("Đơn", tmp_path / "gone-input.pdf"),), (Attachment("Kết quả", tmp_path / "gone.pdf"),)
    )
    verdict = plain.check_dossier(dossier)
    assert verdict.files[0].verdict.codes == ("FILE_MISSING",) and verdict.status is Status.FAIL


def test_dossier_accepts_plain_paths(plain, tmp_path) -> None:
    dossier = Dossier("D2", inputs=(str(INPUT),), results=(GOOD,))
    assert dossier.results[0].name == GOOD.name and dossier.inputs[0].path == INPUT
    assert plain.check_dossier(dossier).status is Status.PASS
    with pytest.raises(InputError):
        Dossier("D3", results=(42,))


def test_missing_path_given_directly_is_still_misuse(plain, tmp_path) -> None:
    with pytest.raises(MissingFileError):
        plain.check_file(tmp_path / "none.pdf")
    with pytest.raises(InputError):
        plain.check_file(tmp_path)


def test_unknown_limit_is_a_config_error() -> None:
    with pytest.raises(ConfigError, match="bogus"):
        Config().with_limits(bogus=1)


def test_csv_skips_lines_that_are_not_dossier_verdicts(tmp_path) -> None:
    from resultcheck.scan import write_csv

    jsonl = tmp_path / "v.jsonl"
    jsonl.write_text(
        '{"dossier_id": "A", "status": "pass", "summary": "s", "files": [{"name": "kq", '
        '"category": "result"}]}\n[1]\n{torn\n{"dossier_id": "B"}\n',
        encoding="utf-8",
    )
    write_csv(jsonl, tmp_path / "v.csv")
    rows = (tmp_path / "v.csv").read_text(encoding="utf-8-sig").splitlines()
    assert len(rows) == 2 and rows[1].startswith("A,pass,s")


from resultcheck import scan as scan_module  # noqa: E402

_real_check_dossier = scan_module._check_dossier


def _crashing_check(dossier):
    """In a forked pool worker: BOOM kills its worker, BUG raises, the rest are checked."""
    if dossier.dossier_id == "BOOM":
        os._exit(3)
    if dossier.dossier_id == "BUG":
        raise RuntimeError("a detector bug")
    return _real_check_dossier(dossier)


def test_a_crashing_dossier_is_blamed_alone_and_a_bug_is_a_verdict(tmp_path, monkeypatch) -> None:
    files = tmp_path / "files"
    files.mkdir()
    shutil.copy(GOOD, files / "kq.pdf")
    ids = ["D1", "BOOM", "D2", "BUG", "D3", "D4"]
    (tmp_path / "m.jsonl").write_text(
        "".join(json.dumps({"dossier_id": i, "results": [{"path": "files/kq.pdf"}]}) + "\n" for i in ids),
        encoding="utf-8",
    )
    monkeypatch.setattr(scan_module, "_check_dossier", _crashing_check)  # the pool forks: workers inherit it
    out = tmp_path / "v.jsonl"
    scan(tmp_path / "m.jsonl", out, config=Config(ocr=False, isolate=False), workers=2, progress=False)
    rows = {r["dossier_id"]: r for r in map(json.loads, out.read_text(encoding="utf-8").splitlines())}
    assert sorted(rows) == sorted(ids)
    assert rows["BOOM"]["status"] == "review" and rows["BOOM"]["reasons"][0]["code"] == "WORKER_CRASHED"
    assert rows["BUG"]["status"] == "review" and rows["BUG"]["reasons"][0]["code"] == "WORKER_FAILED"
    assert "a detector bug" in rows["BUG"]["summary"]
    assert all(rows[i]["status"] == "pass" for i in ("D1", "D2", "D3", "D4"))  # never blamed for BOOM

"""The batch scan: parallel, exactly once after SIGKILL and --resume, shared files checked once."""

from __future__ import annotations

import json
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from fixtures.dossiers import write as write_dossiers
from resultcheck import Config
from resultcheck.errors import InputError
from resultcheck.scan import scan
from tests.conftest import ROOT

pytestmark = pytest.mark.slow
EXE = Path(sys.executable).with_name("resultcheck")
SAMPLE_DOSSIERS = ROOT / "fixtures" / "dossiers"


@pytest.fixture(scope="module")
def dossiers(tmp_path_factory) -> Path:
    """A generated set, with two extra dossiers sharing one result file."""
    out = tmp_path_factory.mktemp("dossiers")
    records = write_dossiers(out, 24, seed=8080, compact=True)
    shared = next(r for r in records if r["case"] == "genuine" or r["case"] == "merged")
    with (out / "manifest.jsonl").open("a", encoding="utf-8") as fh:
        for suffix in ("A", "B"):
            twin = {**shared, "dossier_id": shared["dossier_id"] + "-" + suffix}
            fh.write(json.dumps(twin, ensure_ascii=False) + "\n")
    return out / "manifest.jsonl"


def lines(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def test_scan_writes_every_dossier_once_with_csv_and_store(dossiers, tmp_path) -> None:
    out = tmp_path / "verdicts.jsonl"
    summary = scan(dossiers, out, config=Config(), workers=2, progress=False)
    rows = lines(out)
    ids = [r["dossier_id"] for r in rows]
    assert len(ids) == len(set(ids)) == summary.done == 26
    labels = {
        json.loads(line)["dossier_id"]: json.loads(line) for line in dossiers.read_text(encoding="utf-8").splitlines()
    }
    wrong = [
        (r["dossier_id"], labels[r["dossier_id"]]["case"], r["status"])
        for r in rows
        if r["status"] != labels[r["dossier_id"]]["expected_status"]
    ]
    assert not wrong
    csv_text = out.with_suffix(".csv").read_text(encoding="utf-8-sig")
    assert csv_text.splitlines()[0].startswith("dossier_id,status,summary") and len(csv_text.splitlines()) == 27
    # the file shared by the two twin dossiers was checked once: one row, identical verdicts
    twins = [r for r in rows if r["dossier_id"].endswith(("-A", "-B"))]
    assert twins[0]["files"][0]["elapsed_ms"] == twins[1]["files"][0]["elapsed_ms"]
    db = sqlite3.connect(out.with_suffix(".sqlite"))
    shas = [sha for (sha,) in db.execute("SELECT sha256 FROM files")]
    assert len(shas) == len(set(shas))


def test_existing_output_needs_resume(dossiers, tmp_path) -> None:
    out = tmp_path / "v.jsonl"
    out.write_text("", encoding="utf-8")
    with pytest.raises(InputError, match="--resume"):
        scan(dossiers, out, workers=1, progress=False)


def test_sigkill_mid_scan_then_resume_gives_every_dossier_exactly_once(dossiers, tmp_path) -> None:
    out = tmp_path / "killed.jsonl"
    cmd = [str(EXE), "scan", str(dossiers), "--out", str(out), "--workers", "2", "--quiet"]
    env = {**os.environ, "OMP_THREAD_LIMIT": "1"}
    proc = subprocess.Popen(cmd, env=env, start_new_session=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 240
    while time.monotonic() < deadline and (not out.exists() or len(out.read_bytes().splitlines()) < 6):
        time.sleep(0.05)
    os.killpg(proc.pid, signal.SIGKILL)  # parent and workers, no chance to clean up
    proc.wait()
    before = len(lines_tolerant(out))
    assert 0 < before < 26, "the kill must land part-way"
    with out.open("ab") as fh:  # and a torn line, as if killed inside a write
        fh.write(b'{"dossier_id": "torn')
    resumed = subprocess.run([*cmd, "--resume"], env=env, capture_output=True, text=True, timeout=600)
    assert resumed.returncode == 0, resumed.stderr
    rows = lines(out)
    ids = [r["dossier_id"] for r in rows]
    assert len(ids) == len(set(ids)) == 26
    clean = tmp_path / "clean.jsonl"
    scan(dossiers, clean, workers=2, progress=False)
    assert {r["dossier_id"]: r["status"] for r in rows} == {r["dossier_id"]: r["status"] for r in lines(clean)}


def test_killed_again_and_again_at_random_moments_the_outputs_stay_valid(dossiers, tmp_path) -> None:
    import random

    rng = random.Random(7)
    out = tmp_path / "often.jsonl"
    cmd = [str(EXE), "scan", str(dossiers), "--out", str(out), "--workers", "2", "--quiet"]
    env = {**os.environ, "OMP_THREAD_LIMIT": "1"}
    for attempt in range(4):
        proc = subprocess.Popen(
            cmd + (["--resume"] if attempt else []),
            env=env,
            start_new_session=True,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        time.sleep(rng.uniform(1.0, 4.0))
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()
        if out.exists():  # whatever the moment, every complete line is a valid verdict
            complete = [line for line in out.read_bytes().splitlines(keepends=True) if line.endswith(b"\n")]
            assert all(json.loads(line)["dossier_id"] for line in complete)
        db = sqlite3.connect(out.with_suffix(".sqlite"))
        assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        db.close()
    final = subprocess.run(cmd + ["--resume"], env=env, capture_output=True, text=True, timeout=600)
    assert final.returncode == 0, final.stderr
    ids = [r["dossier_id"] for r in lines(out)]
    assert len(ids) == len(set(ids)) == 26
    assert len(out.with_suffix(".csv").read_text(encoding="utf-8-sig").splitlines()) == 27


def lines_tolerant(path: Path) -> list[str]:
    return [line for line in path.read_bytes().splitlines() if line.endswith(b"}")]


def test_cli_scan_and_report_on_the_bundled_sample_dossiers(tmp_path) -> None:
    out = tmp_path / "demo.jsonl"
    done = subprocess.run(
        [str(EXE), "scan", str(SAMPLE_DOSSIERS / "manifest.jsonl"), "--out", str(out), "--quiet"],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stderr
    labels = {
        json.loads(line)["dossier_id"]: json.loads(line)["expected_status"]
        for line in (SAMPLE_DOSSIERS / "manifest.jsonl").read_text(encoding="utf-8").splitlines()
    }
    assert {r["dossier_id"]: r["status"] for r in lines(out)} == labels
    table = subprocess.run([str(EXE), "report", str(out)], capture_output=True, text=True, timeout=60)
    assert table.returncode == 0 and "MÃ HỒ SƠ" in table.stdout and "fail" in table.stdout
    shutil.rmtree(tmp_path)

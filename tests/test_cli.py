"""End to end through the installed `resultcheck` command, on the committed samples."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from tests.conftest import SAMPLES, load_manifest, matches

EXE = Path(sys.executable).with_name("resultcheck")


def run(*args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "OMP_THREAD_LIMIT": "1"}
    return subprocess.run([str(EXE), *args], capture_output=True, text=True, timeout=300, env=env, check=False)


def test_check_json_on_every_sample() -> None:
    rows = load_manifest(SAMPLES)
    proc = run("check", "--json", *(str(SAMPLES / r["path"]) for r in rows))
    assert proc.returncode == 0, proc.stderr
    verdicts = [json.loads(line) for line in proc.stdout.splitlines()]
    assert len(verdicts) == len(rows)
    for row, verdict in zip(rows, verdicts, strict=True):
        assert verdict["path"].endswith(row["path"])
        assert matches(row["category"], verdict["category"]), (row, verdict)
        codes = {r["code"] for r in verdict["reasons"]}
        assert set(row["codes"]) <= codes, (row["path"], codes)
        assert all(r["message"] for r in verdict["reasons"])
        assert verdict["versions"]["rules"]


def test_human_table_in_vietnamese() -> None:
    proc = run("check", str(SAMPLES / "blank" / "empty.pdf"), str(SAMPLES / "archive" / "ket-qua.zip"))
    assert proc.returncode == 0
    lines = proc.stdout.splitlines()
    assert lines[0].startswith("TỆP") and "LÝ DO" in lines[0]
    assert "blank" in lines[1] and "Tệp rỗng" in lines[1]
    assert "archive" in lines[2] and "ket-qua.pdf" in lines[2]


def test_missing_file_is_reported_and_others_still_checked() -> None:
    proc = run("check", "--json", "/nonexistent/kq.pdf", str(SAMPLES / "blank" / "empty.pdf"))
    assert proc.returncode == 1
    assert "no such file" in proc.stderr
    assert json.loads(proc.stdout)["category"] == "blank"


def test_bad_rules_file_is_a_clear_error(tmp_path) -> None:
    bad = tmp_path / "rules.toml"
    bad.write_text("not = [valid", encoding="utf-8")
    proc = run("--rules", str(bad), "check", str(SAMPLES / "blank" / "empty.pdf"))
    assert proc.returncode == 2 and "not valid TOML" in proc.stderr

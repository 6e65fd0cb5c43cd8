"""A killed or stopped scan leaves no process behind, and --resume completes it exactly."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from fixtures.dossiers import write as write_dossiers

pytestmark = pytest.mark.slow
EXE = Path(sys.executable).with_name("resultcheck")
ENV = {**os.environ, "OMP_THREAD_LIMIT": "1"}


def session_members(sid: int) -> list[int]:
    """Processes of a session (the scan was started in a session of its own), read from /proc."""
    found = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            stat = Path(f"/proc/{entry}/stat").read_text()
        except OSError:
            continue
        fields = stat[stat.rfind(")") + 2 :].split()
        if int(fields[3]) == sid and fields[0] != "Z":  # field 6 of stat: the session id
            found.append(int(entry))
    return found


def wait_until_gone(sid: int, seconds: float = 10.0) -> list[int]:
    deadline = time.monotonic() + seconds
    while (left := session_members(sid)) and time.monotonic() < deadline:
        time.sleep(0.1)
    return left


@pytest.fixture(scope="module")
def manifest(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("orphans")
    write_dossiers(out, 16, seed=3131, compact=True)
    return out / "manifest.jsonl"


def ids(path: Path) -> list[str]:
    return [json.loads(line)["dossier_id"] for line in path.read_text(encoding="utf-8").splitlines()]


@pytest.mark.parametrize("sig", [signal.SIGKILL, signal.SIGTERM])
def test_scan_killed_leaves_no_process_and_resumes_exactly(manifest, tmp_path, sig) -> None:
    out = tmp_path / "v.jsonl"
    cmd = [str(EXE), "scan", str(manifest), "--out", str(out), "--workers", "2", "--quiet"]
    proc = subprocess.Popen(cmd, env=ENV, start_new_session=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 240
        while time.monotonic() < deadline and (not out.exists() or len(out.read_bytes().splitlines()) < 2):
            time.sleep(0.05)
        members = session_members(proc.pid)
        assert len(members) >= 4, "scanner, 2 workers and their parser children should be running"
        os.kill(proc.pid, sig)  # the main process only: its children must follow by themselves
        proc.wait(60)
        left = wait_until_gone(proc.pid)
        assert not left, f"orphans left: {left}"
    finally:
        for pid in session_members(proc.pid):
            os.kill(pid, signal.SIGKILL)
    stderr = proc.stderr.read().decode()
    if sig == signal.SIGTERM:
        assert proc.returncode == 143 and "--resume" in stderr and "Traceback" not in stderr, stderr
        assert out.with_suffix(".csv").exists()  # flushed on the way out
    before = ids(out) if out.read_bytes().endswith(b"\n") else []
    assert 0 < len(before) < 16 or sig == signal.SIGKILL
    resumed = subprocess.run([*cmd, "--resume"], env=ENV, capture_output=True, text=True, timeout=600)
    assert resumed.returncode == 0, resumed.stderr
    done = ids(out)
    assert len(done) == len(set(done)) == 16


def test_parser_started_from_a_thread_dies_with_its_process(tmp_path) -> None:
    """The HTTP service starts parsers from worker threads: the kernel's death signal follows the
    thread, so a watchdog in the parser must notice the parent's death instead."""
    code = (
        "import sys, threading; from resultcheck import Checker, Config; c = Checker(Config(ocr=False)); "
        "t = threading.Thread(target=lambda: c.check_file(sys.argv[1])); t.start(); t.join(); "
        "print(c.files._process.pid, flush=True); sys.stdin.read()"
    )
    sample = Path(__file__).resolve().parent.parent / "fixtures" / "samples" / "result" / "decision-sample-text_pdf.pdf"
    proc = subprocess.Popen(
        [sys.executable, "-c", code, str(sample)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        env=ENV,
        start_new_session=True,
    )
    try:
        parser = int(proc.stdout.readline())
        assert parser in session_members(proc.pid)  # alive after the thread that started it ended
        proc.kill()
        proc.wait(10)
        assert wait_until_gone(proc.pid, 5) == []
    finally:
        for pid in session_members(proc.pid):
            os.kill(pid, signal.SIGKILL)

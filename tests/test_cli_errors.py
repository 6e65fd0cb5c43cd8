"""No user ever sees a traceback: one line in Vietnamese and English, and a documented exit code."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.conftest import SAMPLES

EXE = Path(sys.executable).with_name("resultcheck")
MANIFEST = Path(__file__).resolve().parent.parent / "fixtures" / "dossiers" / "manifest.jsonl"
GOOD = SAMPLES / "result" / "decision-sample-text_pdf.pdf"


def run(*args: str, stdin: bytes | None = None) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "OMP_THREAD_LIMIT": "1"}
    proc = subprocess.run([str(EXE), *args], capture_output=True, timeout=300, env=env, input=stdin)
    out = subprocess.CompletedProcess(proc.args, proc.returncode, proc.stdout.decode(), proc.stderr.decode())
    assert "Traceback" not in out.stderr, out.stderr
    return out


def one_line(stderr: str) -> str:
    lines = [line for line in stderr.splitlines() if line.strip()]
    assert len(lines) == 1, stderr
    return lines[0]


def test_scan_out_in_a_missing_folder(tmp_path) -> None:
    proc = run("scan", str(MANIFEST), "--out", str(tmp_path / "missing-dir" / "v.jsonl"))
    assert proc.returncode == 2
    assert "không tồn tại" in one_line(proc.stderr) and "does not exist" in proc.stderr


@pytest.mark.parametrize("broker, code", [("redis://127.0.0.1:1/0", 3), ("http://x", 2)])
def test_scan_with_a_bad_broker_leaves_nothing_behind(tmp_path, broker, code) -> None:
    out = tmp_path / "v.jsonl"
    for _ in range(2):  # the rerun is not blocked by leftovers
        proc = run("scan", str(MANIFEST), "--out", str(out), "--broker", broker)
        assert proc.returncode == code
        assert "Redis" in one_line(proc.stderr) or "redis://" in proc.stderr
    assert list(tmp_path.iterdir()) == []


def test_existing_output_says_resume_in_both_languages(tmp_path) -> None:
    out = tmp_path / "v.jsonl"
    out.write_text("", encoding="utf-8")
    proc = run("scan", str(MANIFEST), "--out", str(out))
    assert proc.returncode == 2 and "thêm --resume" in proc.stderr and "add --resume" in one_line(proc.stderr)


def verdict_line(dossier_id: str, status: str = "pass") -> str:
    return json.dumps({"dossier_id": dossier_id, "status": status, "summary": "ok", "reasons": [], "files": []})


def test_report_on_missing_file_folder_and_bad_lines(tmp_path) -> None:
    proc = run("report", str(tmp_path / "none.jsonl"))
    assert proc.returncode == 2 and "no such" in one_line(proc.stderr)
    proc = run("report", str(tmp_path))
    assert proc.returncode == 2 and "not a file" in one_line(proc.stderr)
    check_json = run("check", "--json", str(GOOD)).stdout.strip()
    bad = tmp_path / "v.jsonl"
    bad.write_text(
        "\n".join(
            [
                verdict_line("A"),
                json.dumps({"dossier_id": "B", "summary": "no status"}),
                check_json,
                "[1, 2]",
                "{torn",
                verdict_line("C", "fail"),
            ]
        )
        + "\n",
        encoding="utf-8",
    )
    proc = run("report", str(bad))
    assert proc.returncode == 0 and not proc.stderr
    assert "A " in proc.stdout and "C " in proc.stdout and "Bỏ qua 4 dòng" in proc.stdout  # counted, not silent
    html = tmp_path / "r.html"
    proc = run("report", str(bad), "--html", str(html))
    assert proc.returncode == 0 and "bỏ qua 4 dòng" in proc.stdout and html.exists()
    proc = run("report", str(bad), "--html", str(tmp_path / "missing-dir" / "r.html"))
    assert proc.returncode == 2 and "does not exist" in one_line(proc.stderr)
    assert not (tmp_path / "missing-dir").exists()


def test_serve_port_out_of_range() -> None:
    proc = run("serve", "--port", "99999")
    assert proc.returncode == 2 and "65535" in proc.stderr


def test_missing_rules_file_is_a_config_error(tmp_path) -> None:
    proc = run("--rules", str(tmp_path / "missing.toml"), "check", str(GOOD))
    assert proc.returncode == 2 and "no such rules file" in one_line(proc.stderr)


def test_check_walks_a_folder_and_reads_stdin(tmp_path) -> None:
    proc = run("check", "--json", "--no-ocr", str(SAMPLES / "blank"))
    assert proc.returncode == 0
    assert len(proc.stdout.splitlines()) == len(list((SAMPLES / "blank").iterdir()))
    proc = run("check", "--json", "-", stdin=GOOD.read_bytes())
    assert proc.returncode == 0 and json.loads(proc.stdout)["path"] == "<stdin>"
    assert json.loads(proc.stdout)["category"] == "result"


@pytest.mark.parametrize("command", ["check", "scan"])
def test_ctrl_c_is_one_line_and_exit_130(tmp_path, command) -> None:
    from fixtures.generate import Generator
    from tests.conftest import slow_scan
    from tests.test_orphans import session_members

    slow = tmp_path / "slow.pdf"
    slow.write_bytes(slow_scan(Generator(seed=1), pages=2))
    if command == "check":
        args, workers = ["check", str(slow)], 2  # the command and its parser child
    else:
        (tmp_path / "m.jsonl").write_text(
            "".join(json.dumps({"dossier_id": f"D{i}", "results": [{"path": "slow.pdf"}]}) + "\n" for i in range(2)),
            encoding="utf-8",
        )
        args, workers = ["scan", str(tmp_path / "m.jsonl"), "--out", str(tmp_path / "v.jsonl"), "--workers", "1"], 3
    proc = subprocess.Popen(
        [str(EXE), *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env={**os.environ, "OMP_THREAD_LIMIT": "1"},
        start_new_session=True,
    )

    def ours() -> list[int]:  # not a passing helper (ldconfig, run by ctypes.util.find_library on import)
        members = []
        for pid in session_members(proc.pid):
            try:
                cmdline = Path(f"/proc/{pid}/cmdline").read_bytes()
            except OSError:
                continue
            if b"resultcheck" in cmdline:
                members.append(pid)
        return members

    deadline, seen = time.monotonic() + 120, 0
    while seen < workers and time.monotonic() < deadline:
        time.sleep(0.05)  # until the work runs in its children (the parser is OCRing the slow scan)
        seen = len(ours())  # counted once: a child may end between two looks
    assert seen >= workers, "the work never started"
    os.killpg(proc.pid, signal.SIGINT)  # as the terminal does: the whole foreground group
    _, err = proc.communicate(timeout=60)
    stderr = err.decode()
    assert "Traceback" not in stderr, stderr
    assert proc.returncode == 130, stderr
    assert "Ctrl-C" in stderr or "--resume" in stderr


def test_serve_on_a_busy_port() -> None:
    import socket

    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        proc = run("serve", "--port", str(busy.getsockname()[1]))
    assert proc.returncode == 3 and "cannot listen" in one_line(proc.stderr)


def test_unreadable_folder_tree_leaves_no_output_behind(tmp_path) -> None:
    tree = tmp_path / "tree"
    (tree / "A" / "results").mkdir(parents=True)
    out = tmp_path / "out" / "v.jsonl"
    out.parent.mkdir()
    tree.chmod(0)
    try:
        drop = (
            ["setpriv", "--bounding-set=-dac_override,-dac_read_search", "--inh-caps=-dac_override,-dac_read_search"]
            if os.geteuid() == 0
            else []
        )
        proc = subprocess.run(
            [*drop, str(EXE), "scan", str(tree), "--out", str(out)], capture_output=True, text=True, timeout=120
        )
    finally:
        tree.chmod(0o755)
    assert proc.returncode == 2 and "cannot read folder" in one_line(proc.stderr) and "Traceback" not in proc.stderr
    assert list(out.parent.iterdir()) == []

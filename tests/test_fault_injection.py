"""The fault-injection run (issue 13): 200 dossiers, 10 % of the files fail with EIO when
read, some files deleted mid-scan, the scanner SIGKILLed twice and SIGTERMed once, then
resumed. Every dossier is written exactly once, every verdict on readable files equals an
uninterrupted run, and no process of the scan is left. Prints the figures for the issue."""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from fixtures.layout import Line, layout_lines, pdf_pages
from tests.test_orphans import session_members, wait_until_gone

pytestmark = pytest.mark.slow
EXE = Path(sys.executable).with_name("resultcheck")
HOOK = Path(__file__).resolve().parent / "faultinject"
DOSSIERS = 200

DECISION = [
    "ỦY BAN NHÂN DÂN HUYỆN BA BỂ",
    "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
    "Độc lập - Tự do - Hạnh phúc",
    "Số: {n}/QĐ-UBND",
    "QUYẾT ĐỊNH",
    "Về việc cấp giấy phép xây dựng",
    "CHỦ TỊCH ỦY BAN NHÂN DÂN HUYỆN",
    "Căn cứ Luật Xây dựng năm 2014;",
    "QUYẾT ĐỊNH:",
    "Điều 1. Cấp giấy phép xây dựng cho ông Nguyễn Văn An {n}.",
    "Điều 2. Quyết định này có hiệu lực kể từ ngày ký.",
    "Nơi nhận:",
    "TM. ỦY BAN NHÂN DÂN",
    "CHỦ TỊCH",
]
APPLICATION = [
    "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
    "Độc lập - Tự do - Hạnh phúc",
    "ĐƠN ĐỀ NGHỊ CẤP GIẤY PHÉP XÂY DỰNG",
    "Kính gửi: Ủy ban nhân dân huyện Ba Bể",
    "Tôi tên là Nguyễn Văn An {n}, sinh năm 1980.",
    "Tôi cam đoan những nội dung trên là đúng sự thật.",
    "Người làm đơn",
    "(Ký, ghi rõ họ tên)",
]


def pdf(lines: list[str], n: int) -> bytes:
    return pdf_pages([layout_lines([Line(t.format(n=n)) for t in lines], "dejavu-serif")], title=f"hs-{n}")


def make_corpus(root: Path, count: int = DOSSIERS) -> list[dict]:
    """Four kinds in turn: genuine result, application as result, blank page, copy of the input."""
    records = []
    for n in range(count):
        folder = root / "files" / f"{n:03d}"
        folder.mkdir(parents=True)
        (folder / "don.pdf").write_bytes(pdf(APPLICATION, n))
        result = {
            0: pdf(DECISION, n),
            1: pdf(APPLICATION, n + 10_000),
            2: pdf([], n),
            3: (folder / "don.pdf").read_bytes(),
        }[n % 4]
        (folder / "kq.pdf").write_bytes(result)
        records.append(
            {
                "dossier_id": f"HS-{n:03d}",
                "inputs": [{"path": f"files/{n:03d}/don.pdf", "name": "Đơn"}],
                "results": [{"path": f"files/{n:03d}/kq.pdf"}],
            }
        )
    (root / "manifest.jsonl").write_text(
        "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8"
    )
    return records


def count_lines(path: Path) -> int:
    return path.read_bytes().count(b"\n") if path.exists() else 0


def rows(path: Path) -> dict[str, dict]:
    found: dict[str, dict] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        row = json.loads(line)
        assert row["dossier_id"] not in found, f"duplicate {row['dossier_id']}"
        found[row["dossier_id"]] = row
    return found


def essence(row: dict) -> tuple:
    return row["status"], tuple(
        (f["category"], tuple(r["code"] for r in f["reasons"]), f.get("duplicate_of")) for f in row["files"]
    )


def test_fault_injection_run(tmp_path) -> None:
    started = time.monotonic()
    records = make_corpus(tmp_path)
    manifest = tmp_path / "manifest.jsonl"
    env = {**os.environ, "OMP_THREAD_LIMIT": "1"}
    reference = tmp_path / "reference.jsonl"
    base = ["scan", str(manifest), "--workers", "2", "--no-ocr", "--quiet"]
    subprocess.run(
        [str(EXE), *base, "--out", str(reference)], env=env, check=True, timeout=300, stderr=subprocess.DEVNULL
    )

    rng = random.Random(1313)
    files = sorted(str((tmp_path / r[k][0]["path"]).resolve()) for r in records for k in ("inputs", "results"))
    faulty = set(rng.sample(files, len(files) // 10))
    (tmp_path / "faults.txt").write_text("\n".join(sorted(faulty)) + "\n", encoding="utf-8")
    env_faults = {
        **env,
        "PYTHONPATH": os.pathsep.join(filter(None, [str(HOOK), env.get("PYTHONPATH")])),
        "RESULTCHECK_TEST_FAULTS": str(tmp_path / "faults.txt"),
    }
    out = tmp_path / "faulty.jsonl"
    cmd = [str(EXE), *base, "--out", str(out)]
    deleted: set[str] = set()
    figures = {"kills": [], "reaped_s": [], "first_line_after_restart_s": []}

    def run_until(lines: int, sig: int | None, resume: bool, on_the_way=None) -> subprocess.Popen:
        before = count_lines(out)
        restarted = time.monotonic()
        proc = subprocess.Popen(
            cmd + (["--resume"] if resume else []),
            env=env_faults,
            start_new_session=True,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        deadline = time.monotonic() + 240
        first = None
        while proc.poll() is None and time.monotonic() < deadline and count_lines(out) < lines:
            if first is None and count_lines(out) > before:
                first = time.monotonic() - restarted
            if on_the_way:
                on_the_way()
            time.sleep(0.02)
        if first is not None:
            figures["first_line_after_restart_s"].append(round(first, 2))
        if sig is not None:
            assert proc.poll() is None, "the scan ended before the planned kill"
            os.kill(proc.pid, sig)  # the main process only: workers and parsers must follow
            proc.wait(60)
            killed = time.monotonic()
            left = wait_until_gone(proc.pid, 15)
            assert not left, f"orphans after {signal.Signals(sig).name}: {left}"
            figures["kills"].append(signal.Signals(sig).name)
            figures["reaped_s"].append(round(time.monotonic() - killed, 2))
        return proc

    def delete_some() -> None:
        if not deleted and count_lines(out) >= 90:
            for n in range(150, 200, 10):  # dossiers not reached yet
                victim = tmp_path / "files" / f"{n:03d}" / "kq.pdf"
                victim.unlink()
                deleted.add(f"HS-{n:03d}")

    run_until(40, signal.SIGKILL, resume=False)
    run_until(110, signal.SIGKILL, resume=True, on_the_way=delete_some)
    term = run_until(160, signal.SIGTERM, resume=True)
    stderr = term.stderr.read().decode()
    assert term.returncode == 143 and "--resume" in stderr and "Traceback" not in stderr, stderr
    final = run_until(10**9, None, resume=True)
    final.wait(300)
    assert final.returncode == 0, final.stderr.read().decode()[-2000:]
    assert not session_members(final.pid)

    got, expected = rows(out), rows(reference)
    assert set(got) == set(expected) == {r["dossier_id"] for r in records}
    faulted_ids = {
        r["dossier_id"]
        for r in records
        if {str((tmp_path / r[k][0]["path"]).resolve()) for k in ("inputs", "results")} & faulty
    }
    clean = set(got) - faulted_ids - deleted
    differ = [i for i in clean if essence(got[i]) != essence(expected[i])]
    assert not differ, [(i, essence(got[i]), essence(expected[i])) for i in differ[:3]]
    for r in records:
        kq = str((tmp_path / r["results"][0]["path"]).resolve())
        verdict = got[r["dossier_id"]]["files"][0]
        if r["dossier_id"] in deleted:  # gone before or after its check: missing, or as before
            assert verdict["reasons"][0]["code"] in ("FILE_MISSING", "FILE_NOT_READABLE") or essence(
                got[r["dossier_id"]]
            ) == essence(expected[r["dossier_id"]])
        elif kq in faulty:
            assert verdict["reasons"][0]["code"] == "FILE_NOT_READABLE" and "ổ đĩa" in verdict["reasons"][0]["message"]
    print(
        f"\nFAULT INJECTION: dossiers {len(records)}, files {len(files)}, EIO faults injected {len(faulty)} "
        f"(dossiers touched {len(faulted_ids)}), deleted mid-scan {len(deleted)}, interruptions {figures['kills']}, "
        f"verdicts lost 0 (of {len(got)}), duplicates 0, mismatches on readable files 0 (of {len(clean)}), "
        f"orphans 0 (all reaped within {max(figures['reaped_s'])} s), first verdict after restart "
        f"{figures['first_line_after_restart_s']} s, total {time.monotonic() - started:.0f} s"
    )

"""Dossier status accuracy, and batch throughput with 1 and 2 workers.

    python -m benchmarks.dossiers --count 120 --seed 9090

Generates a fresh set of dossiers mixing every case, runs `resultcheck scan` through the
command line with --workers 1 and then 2 (separate outputs, so the second run redoes the
work), and reports status accuracy per case, genuine-result dossiers failed by a false
duplicate match, dossiers/s, the speed-up, and the peak RSS of every worker process
(sampled from /proc while the scan runs).
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path


def descendants(pid: int) -> list[int]:
    """Children, grandchildren…: the scan's workers and their isolated parser processes."""
    try:
        kids = [int(p) for p in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    except OSError:
        return []
    return kids + [d for kid in kids for d in descendants(kid)]


def peak_rss_mb(pid: int) -> float:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def run_scan(manifest: Path, out: Path, workers: int) -> tuple[float, dict[int, float], float]:
    """(seconds, peak RSS per worker pid in MB, parent peak RSS in MB)."""
    exe = Path(sys.executable).with_name("resultcheck")
    started = time.perf_counter()
    proc = subprocess.Popen(
        [str(exe), "scan", str(manifest), "--out", str(out), "--workers", str(workers), "--quiet"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    peaks: dict[int, float] = {}
    parent = 0.0
    while proc.poll() is None:
        parent = max(parent, peak_rss_mb(proc.pid))
        for child in descendants(proc.pid):
            peaks[child] = max(peaks.get(child, 0.0), peak_rss_mb(child))
        time.sleep(0.2)
    if proc.returncode != 0:
        raise SystemExit(proc.stderr.read().decode())
    return time.perf_counter() - started, peaks, parent


def accuracy(manifest: Path, verdicts: Path) -> dict:
    labels = {
        json.loads(line)["dossier_id"]: json.loads(line) for line in manifest.read_text(encoding="utf-8").splitlines()
    }
    rows = [json.loads(line) for line in verdicts.read_text(encoding="utf-8").splitlines()]
    by_case: Counter[tuple[str, str]] = Counter()
    wrong, false_duplicates = [], 0
    for row in rows:
        label = labels[row["dossier_id"]]
        by_case[(label["case"], row["status"])] += 1
        if row["status"] != label["expected_status"]:
            wrong.append((row["dossier_id"], label["case"], label["expected_status"], row["status"], row["summary"]))
        if (
            label["expected_status"] == "pass"
            and any(f.get("duplicate_of") for f in row["files"])
            and row["status"] != "pass"
        ):
            false_duplicates += 1
    correct = len(rows) - len(wrong)
    return {
        "dossiers": len(rows),
        "accuracy": correct / max(1, len(rows)),
        "review_rate": sum(r["status"] == "review" for r in rows) / max(1, len(rows)),
        "false_duplicate_fails": false_duplicates,
        "by_case": {f"{c}->{s}": n for (c, s), n in sorted(by_case.items())},
        "wrong": wrong,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--count", type=int, default=120)
    parser.add_argument("--seed", type=int, default=9090)
    parser.add_argument("--corpus", type=Path, help="an existing dossier folder with manifest.jsonl")
    args = parser.parse_args(argv)

    folder = args.corpus
    if folder is None:
        from fixtures.dossiers import write

        folder = Path(tempfile.mkdtemp(prefix="resultcheck-dossiers-"))
        write(folder, args.count, args.seed)
    manifest = folder / "manifest.jsonl"
    work = Path(tempfile.mkdtemp(prefix="resultcheck-scan-"))
    timings = {}
    for workers in (1, 2):
        seconds, peaks, parent = run_scan(manifest, work / f"w{workers}.jsonl", workers)
        timings[workers] = (seconds, peaks, parent)
    report = accuracy(manifest, work / "w2.jsonl")
    n = report["dossiers"]
    print(f"## Dossiers ({f'generated: --count {args.count} --seed {args.seed}' if not args.corpus else folder})")
    print(
        f"\n{n} dossiers; status accuracy **{report['accuracy']:.3f}**; review rate {report['review_rate']:.1%}; "
        f"genuine-result dossiers failed by a false duplicate match: {report['false_duplicate_fails']}\n"
    )
    print("| case -> status | dossiers |\n|---|---|")
    for key, count in report["by_case"].items():
        print(f"| {key} | {count} |")
    if report["wrong"]:
        print("\nWrong:\n" + "\n".join(f"- {w}" for w in report["wrong"]))
    print(
        "\n| workers | seconds | dossiers/s | peak RSS per process, workers and parsers (MB) | parent (MB) |"
        "\n|---|---|---|---|---|"
    )
    for workers, (seconds, peaks, parent) in timings.items():
        rss = ", ".join(f"{v:.0f}" for v in sorted(peaks.values(), reverse=True)[: 2 * workers])
        print(f"| {workers} | {seconds:.1f} | {n / seconds:.2f} | {rss} | {parent:.0f} |")
    print(f"\nSpeed-up with 2 workers: {timings[1][0] / timings[2][0]:.2f}x")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

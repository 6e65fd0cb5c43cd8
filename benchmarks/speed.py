"""Speed: latency per file kind on the upload path, and batch throughput with 1 and 2 workers.

    python -m benchmarks.speed [--per-kind 8] [--seed 5150] [--no-batch] [--batch-scans 120] [--kinds scan]

Upload path: one warm Checker in this process, check_file() on each file: p50/p95 per kind.
Batch: every file, and --batch-scans more distinct 1-page scans (long enough that start-up
does not hide the scaling), each the result of a one-file dossier, `resultcheck scan` with
--workers 1 and 2: files/s, pages/s, peak RSS per worker, and the 10^6-dossier projection.
The naive full-page-OCR peer is timed on the kinds that need OCR, for the ratio. Stage
profile: the same files again in this process (not isolated), timed per stage
(resultcheck.profile): p50/p95 per stage and kind.
"""

from __future__ import annotations

import argparse
import json
import statistics
import tempfile
import time
from pathlib import Path

from fixtures import containers as C
from fixtures.generate import Generator
from fixtures.layout import pdf_pages
from fixtures.scan import encode, encode_pages

from .dossiers import run_scan


def corpus(per_kind: int, seed: int) -> dict[str, list[tuple[str, bytes]]]:
    g = Generator(seed)
    kinds: dict[str, list[tuple[str, bytes]]] = {
        k: []
        for k in ("archive", "0-byte", "text-layer PDF", "DOCX", "blank scan", "1-page scan (OCR)", "3-page scan (OCR)")
    }
    for i in range(per_kind):
        _, page = g.document(g.rng.choice(["decision", "application", "building-permit", "declaration"]))
        kinds["archive"].append((f"a{i}.zip", C.zip_bytes({"kq.pdf": pdf_pages([page])})))
        kinds["0-byte"].append((f"e{i}.pdf", b""))
        kinds["text-layer PDF"].append((f"t{i}.pdf", pdf_pages([page])))
        kinds["DOCX"].append((f"d{i}.docx", C.docx_bytes([r.text for r in page.runs])))
        dpi = g.dpi()
        kinds["blank scan"].append(
            (f"b{i}.jpg", encode(g.scan(g.blank_layout(), dpi, specks=500), "jpeg", dpi, quality=60))
        )
        kinds["1-page scan (OCR)"].append((f"s{i}.pdf", encode(g.scan(page, dpi), "pdf", dpi, quality=60)))
        pages = [g.scan(g.document(k)[1], 200) for k in ("application", "contract", "declaration")]
        kinds["3-page scan (OCR)"].append((f"m{i}.pdf", encode_pages(pages, "pdf", 200, quality=60)))
    return kinds


def batch_scans(count: int, seed: int) -> list[tuple[str, bytes]]:
    """Distinct 1-page scans for the batch runs (the verdict cache makes repeated files free)."""
    g = Generator(seed)
    kinds = ["decision", "application", "building-permit", "declaration", "notice", "contract"]
    out = []
    for i in range(count):
        dpi = g.dpi()
        out.append((f"x{i}.pdf", encode(g.scan(g.document(kinds[i % len(kinds)])[1], dpi), "pdf", dpi, quality=60)))
    return out


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


_SERVE = """
import sys, time
from resultcheck import Checker
checker = Checker(isolate=False)
for line in sys.stdin:
    started = time.perf_counter()
    checker.check_file(line.rstrip("\\n"))
    print((time.perf_counter() - started) * 1000, flush=True)
"""


def baseline_table(files: dict[str, list[tuple[str, bytes]]], folder: Path, baseline: Path) -> None:
    """This tree and a baseline tree, each in its own process, alternating file by file (and
    which goes first), so that the load of a shared machine falls on both alike."""
    import os
    import subprocess
    import sys

    here = Path(__file__).resolve().parent.parent
    procs = {}
    for label, root in (("this", here), ("baseline", baseline.resolve())):
        env = {**os.environ, "PYTHONPATH": str(root), "OMP_THREAD_LIMIT": "1"}
        procs[label] = subprocess.Popen(
            [sys.executable, "-c", _SERVE],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            env=env,
            cwd=str(root),
        )

    def timed(label: str, path: Path) -> float:
        procs[label].stdin.write(f"{path}\n")
        procs[label].stdin.flush()
        return float(procs[label].stdout.readline())

    print("\n### This tree vs baseline, in-process, interleaved\n")
    print(
        "| kind | files | this p50 ms | this p95 ms | baseline p50 ms | baseline p95 ms | speed-up (p50) |"
        "\n|---|---|---|---|---|---|---|"
    )
    paths = {}
    for kind, items in files.items():
        paths[kind] = []
        for name, data in items:
            path = folder / "baseline-run" / kind.replace(" ", "_").replace("(", "").replace(")", "") / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(data)
            paths[kind].append(path)
    for label in procs:  # warm both
        for kind in paths:
            timed(label, paths[kind][0])
    for kind, kind_paths in paths.items():
        times: dict[str, list[float]] = {"this": [], "baseline": []}
        for i, path in enumerate(kind_paths):
            for label in ("this", "baseline") if i % 2 == 0 else ("baseline", "this"):
                times[label].append(timed(label, path))
        this, base = times["this"], times["baseline"]
        print(
            f"| {kind} | {len(kind_paths)} | {statistics.median(this):.0f} | {percentile(this, 0.95):.0f} | "
            f"{statistics.median(base):.0f} | {percentile(base, 0.95):.0f} | "
            f"{statistics.median(base) / statistics.median(this):.2f}x |"
        )
    for proc in procs.values():
        proc.stdin.close()
        proc.wait()


def instrument_pipeline() -> None:
    """Time the pipeline steps that live outside the classifier (sniff, open, blankness,
    read-and-hash) by wrapping them in place; for the speed benchmark only (idempotent)."""
    from resultcheck.detectors import filetype

    from resultcheck import pipeline
    from resultcheck.profile import timed

    targets = [
        (filetype, "sniff", "sniff"),
        (pipeline, "open_document", "open"),
        (pipeline.Pipeline, "_page_blankness", "blankness"),
        (pipeline.Pipeline, "_read", "fingerprint"),
    ]
    for owner, attr, name in targets:
        fn = getattr(owner, attr)
        if not getattr(fn, "__profiled__", False):
            setattr(owner, attr, timed(name, fn))


def stage_table(files: dict[str, list[tuple[str, bytes]]]) -> None:
    """Each file once more, in this process, with the stage recorder on: p50/p95 ms per stage."""
    from resultcheck import Checker, profile

    instrument_pipeline()
    checker = Checker(isolate=False)
    for warm in files.values():
        checker.check_file(warm[0][1], "warm")
    print("\n### Stages (in-process, exclusive ms per file; 'other' is the rest of the total)\n")
    print("| kind | stage | p50 ms | p95 ms | mean ms | share |\n|---|---|---|---|---|---|")
    for kind, items in files.items():
        per_file: list[dict[str, float]] = []
        for name, data in items:
            with profile.recording() as rec:
                started = time.perf_counter()
                checker.check_file(data, name)
                total = time.perf_counter() - started
            row = {k: v * 1000 for k, v in rec.seconds.items()}
            row["other"] = max(0.0, total * 1000 - sum(row.values()))
            row["total"] = total * 1000
            per_file.append(row)
        mean_total = statistics.fmean(r["total"] for r in per_file)
        for name in (*profile.STAGES, "other", "total"):
            values = [r.get(name, 0.0) for r in per_file]
            if max(values) < 0.5 and name != "total":
                continue
            print(
                f"| {kind} | {name} | {statistics.median(values):.0f} | {percentile(values, 0.95):.0f} | "
                f"{statistics.fmean(values):.0f} | {statistics.fmean(values) / mean_total:.0%} |"
            )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--per-kind", type=int, default=8)
    parser.add_argument("--seed", type=int, default=5150)
    parser.add_argument("--no-batch", action="store_true", help="skip the batch throughput runs")
    parser.add_argument("--batch-scans", type=int, default=120, help="extra distinct scans in the batch runs")
    parser.add_argument("--no-profile", action="store_true", help="skip the per-stage profile")
    parser.add_argument("--kinds", default="", help="only the kinds whose name contains this text")
    parser.add_argument(
        "--baseline",
        type=Path,
        metavar="CHECKOUT",
        help="also time another source tree of resultcheck (e.g. a `git archive` of main, with "
        "resultcheck/detectors linked to ../detectors) on the same files, interleaved",
    )
    args = parser.parse_args(argv)

    from resultcheck.detectors.keywords import Lexicon

    from resultcheck import Checker

    from . import peers

    files = {k: v for k, v in corpus(args.per_kind, args.seed).items() if args.kinds.lower() in k.lower()}
    folder = Path(tempfile.mkdtemp(prefix="resultcheck-speed-"))
    checker = Checker()
    for warm in ("text-layer PDF", "1-page scan (OCR)"):  # imports, models, first tesseract call
        if warm in files:
            checker.check_file(files[warm][0][1], "warm.pdf")
    print(f"## Speed (--per-kind {args.per_kind} --seed {args.seed})\n")
    print("Versions: " + ", ".join(f"{k} {v}" for k, v in checker.versions.items()) + "\n")
    print("| kind | files | p50 ms | p95 ms | naive full-OCR p50 ms |\n|---|---|---|---|---|")
    manifest = []
    scan_latencies: list[float] = []
    lexicon = Lexicon.load()
    for kind, items in files.items():
        latencies, naive = [], []
        for name, data in items:
            path = folder / kind.replace(" ", "_").replace("(", "").replace(")", "") / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(data)
            started = time.perf_counter()
            checker.check_file(path)
            latencies.append((time.perf_counter() - started) * 1000)
            if "OCR" in kind:
                naive.append(peers.naive_ocr(path, lexicon)[1] * 1000)
            manifest.append({"dossier_id": f"{kind}-{name}", "results": [{"path": str(path.relative_to(folder))}]})
        if kind.startswith("1-page scan"):
            scan_latencies = latencies
        naive_cell = (
            f"{statistics.median(naive):.0f} ({statistics.median(naive) / statistics.median(latencies):.1f}x)"
            if naive
            else "–"
        )
        print(
            f"| {kind} | {len(items)} | {statistics.median(latencies):.0f} | {percentile(latencies, 0.95):.0f} | "
            f"{naive_cell} |"
        )
    if args.baseline:
        baseline_table(files, folder, args.baseline)
    if not args.no_profile:
        stage_table(files)
    (folder / "manifest.jsonl").write_text("".join(json.dumps(m) + "\n" for m in manifest), encoding="utf-8")

    if args.no_batch:
        return 0
    for name, data in batch_scans(args.batch_scans, args.seed + 1):
        path = folder / "batch" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        manifest.append({"dossier_id": f"batch-{name}", "results": [{"path": str(path.relative_to(folder))}]})
    (folder / "manifest.jsonl").write_text("".join(json.dumps(m) + "\n" for m in manifest), encoding="utf-8")
    print(f"\nBatch: the files above and {args.batch_scans} more 1-page scans, each the result of a one-file dossier.")
    print(
        "\n| workers | files | seconds | files/s | pages/s | peak RSS per process, workers and parsers (MB) |"
        "\n|---|---|---|---|---|---|"
    )
    seconds_by_workers = {}
    for workers in (1, 2):
        out = folder / f"w{workers}.jsonl"
        seconds, peaks, _ = run_scan(folder / "manifest.jsonl", out, workers)
        verdicts = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
        pages = sum(f.get("pages") or 1 for v in verdicts for f in v["files"])
        seconds_by_workers[workers] = seconds
        rss = ", ".join(f"{v:.0f}" for v in sorted(peaks.values(), reverse=True)[: 2 * workers])
        print(
            f"| {workers} | {len(verdicts)} | {seconds:.1f} | {len(verdicts) / seconds:.2f} | {pages / seconds:.2f} | "
            f"{rss} |"
        )
    print(f"\nSpeed-up with 2 workers: {seconds_by_workers[1] / seconds_by_workers[2]:.2f}x")
    files_per_core_s = len(manifest) / seconds_by_workers[2] / 2  # with the 2-worker scaling loss in it
    scan_p50 = statistics.median(scan_latencies) / 1000 if scan_latencies else None
    print(projection(files_per_core_s, scan_p50))
    return 0


def projection(files_per_core_s: float, scan_seconds: float | None, dossiers: int = 10**6) -> str:
    """Hours for a province's archive: 10^6 dossiers of 2 result files (1-3 in practice), one
    worker process per core (a Celery worker with --concurrency=1 on each core is the same)."""
    rows = [("this benchmark's mix of kinds (batch, 2 workers)", files_per_core_s)]
    if scan_seconds:
        rows.append(("every file a 1-page scan (upload-path p50)", 1 / scan_seconds))
    lines = [
        f"\nProjection for {dossiers:,} dossiers x 2 result files, one worker per core:\n",
        "| files like | files/s per core | core-hours | 8 cores (h) | 32 cores (h) | N workers (h) |",
        "|---|---|---|---|---|---|",
    ]
    for label, rate in rows:
        core_hours = dossiers * 2 / rate / 3600
        lines.append(
            f"| {label} | {rate:.2f} | {core_hours:.0f} | {core_hours / 8:.1f} | {core_hours / 32:.1f} | "
            f"{core_hours:.0f} / N |"
        )
    return "\n".join(lines)


if __name__ == "__main__":
    raise SystemExit(main())

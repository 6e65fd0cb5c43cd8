"""Accuracy on a labelled corpus, through the real command line.

    python -m benchmarks.accuracy --generate 2 --seed 4711      # fresh corpus, never tuned on
    python -m benchmarks.accuracy --corpus DIR                  # DIR/manifest.jsonl + files
    python -m benchmarks.accuracy --wording                     # hand-written kinds and wording (fixtures.wording)
    python -m benchmarks.accuracy --real [--split holdout]      # public files nobody here made (fixtures/real)
    python -m benchmarks.accuracy --degraded [--count N]        # augraphy degradations (fixtures.degrade)

Runs `resultcheck check --json` over every file, then prints per-class precision, recall
and F1, macro-F1 over the categories present, the confusion matrix, the share of genuine results
flagged (called anything else) and of defects passed (called a result), a reliability
table (is a confidence of 0.9 right nine times in ten?), and every misclassified file with
its first reason; then the same files through the peers of benchmarks/peers.py, side by
side. Writes the same as JSON and Markdown.
"""

from __future__ import annotations

import argparse
import csv
import json
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

CATEGORIES = ("blank", "archive", "input_component", "result", "other", "unreadable", "unsupported")
REAL = Path(__file__).resolve().parent.parent / "fixtures" / "real"
BINS = ((0.0, 0.5), (0.5, 0.6), (0.6, 0.7), (0.7, 0.8), (0.8, 0.9), (0.9, 1.01))


def real_rows(split: str) -> list[dict]:
    """fixtures/real/labels.csv: labels made by looking at each public file (see its README)."""
    with (REAL / "labels.csv").open(encoding="utf-8") as fh:
        rows = [dict(r) for r in csv.DictReader(fh)]
    return [r for r in rows if split == "all" or r.get("split") == split]


def run_checker(corpus: Path, rows: list[dict], extra: list[str]) -> dict[str, dict]:
    exe = Path(sys.executable).with_name("resultcheck")
    paths = [str(corpus / r["path"]) for r in rows]
    proc = subprocess.run([str(exe), "check", "--json", *extra, *paths], capture_output=True, text=True, check=False)
    if proc.returncode not in (0, 1):
        raise SystemExit(f"resultcheck failed: {proc.stderr}")
    verdicts = [json.loads(line) for line in proc.stdout.splitlines()]
    return {str(Path(v["path"]).relative_to(corpus)): v for v in verdicts}


def score(rows: list[dict], verdicts: dict[str, dict]) -> dict:
    confusion: Counter[tuple[str, str]] = Counter()
    wrong = []
    for row in rows:
        verdict = verdicts[row["path"]]
        expected, actual = row["category"], verdict["category"]
        if expected == "not_blank":  # hard pages that only exist to prove the blank detector wrong
            if actual == "blank":
                wrong.append((row, verdict))
            continue
        confusion[(expected, actual)] += 1
        if expected != actual:
            wrong.append((row, verdict))
    per_class = {}
    for c in CATEGORIES:
        tp = confusion[(c, c)]
        predicted = sum(n for (e, a), n in confusion.items() if a == c)
        actual = sum(n for (e, a), n in confusion.items() if e == c)
        precision = tp / predicted if predicted else 1.0
        recall = tp / actual if actual else 1.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        per_class[c] = {"precision": precision, "recall": recall, "f1": f1, "support": actual, "predicted": predicted}
    results = sum(n for (e, _), n in confusion.items() if e == "result")
    defects = sum(n for (e, _), n in confusion.items() if e != "result")
    others = sum(n for (e, _), n in confusion.items() if e == "other")
    labelled = [(r, verdicts[r["path"]]) for r in rows if r["category"] != "not_blank"]
    return {
        "files": len(rows),
        # over the classes the corpus holds or the checker answered: an absent class is not a free 1.0
        "macro_f1": statistics.fmean(p["f1"] for p in per_class.values() if p["support"] or p["predicted"]),
        "per_class": per_class,
        "confusion": {f"{e}->{a}": n for (e, a), n in sorted(confusion.items())},
        "results_flagged": sum(n for (e, a), n in confusion.items() if e == "result" and a != "result")
        / max(1, results),
        "defects_passed": sum(n for (e, a), n in confusion.items() if e != "result" and a == "result")
        / max(1, defects),
        "others_called_input": confusion[("other", "input_component")] / max(1, others) if others else None,
        "results_passed_without_review": sum(
            1 for r, v in labelled if r["category"] == "result" and v["category"] == "result" and v["confidence"] >= 0.7
        )
        / max(1, results)
        if results
        else None,
        "reliability": reliability(labelled),
        "misclassified": [
            {
                "path": r["path"],
                "expected": r["category"],
                "actual": v["category"],
                "confidence": v["confidence"],
                "reason": v["reasons"][0]["message"] if v["reasons"] else "",
            }
            for r, v in wrong
        ],
    }


def reliability(labelled: list[tuple[dict, dict]]) -> dict:
    """Per confidence bin: how many verdicts, and the share that were right; and the two promises."""

    def right(r: dict, v: dict) -> bool:
        return r["category"] == v["category"]

    bins = []
    for lo, hi in BINS:
        inside = [right(r, v) for r, v in labelled if lo <= v["confidence"] < hi]
        bins.append(
            {
                "from": lo,
                "to": min(hi, 1.0),
                "count": len(inside),
                "correct": sum(inside) / len(inside) if inside else None,
            }
        )
    promises = {}
    for floor in (0.7, 0.9):
        sure = [right(r, v) for r, v in labelled if v["confidence"] >= floor]
        promises[str(floor)] = {"count": len(sure), "correct": sum(sure) / len(sure) if sure else None}
    return {"bins": bins, "at_least": promises}


def reliability_table(report: dict) -> str:
    rel = report["reliability"]
    lines = ["| confidence | verdicts | right |", "|---|---|---|"]
    for b in rel["bins"]:
        share = "–" if b["correct"] is None else f"{b['correct']:.1%}"
        lines.append(f"| {b['from']:.1f}–{b['to']:.1f} | {b['count']} | {share} |")
    for floor, target in (("0.7", "95 %"), ("0.9", "98 %")):
        p = rel["at_least"][floor]
        share = "–" if p["correct"] is None else f"{p['correct']:.1%}"
        lines.append(f"| **≥ {floor}** (promise: right ≥ {target}) | {p['count']} | **{share}** |")
    return "\n".join(lines)


def confusion_table(report: dict) -> str:
    short = {
        "blank": "blank",
        "archive": "archive",
        "input_component": "input",
        "result": "result",
        "unreadable": "unread.",
        "unsupported": "unsupp.",
        "other": "other",
    }
    lines = [
        "| expected \\ got | " + " | ".join(short[c] for c in CATEGORIES) + " |",
        "|---" * (len(CATEGORIES) + 1) + "|",
    ]
    for e in CATEGORIES:
        cells = [str(report["confusion"].get(f"{e}->{a}", 0) or "·") for a in CATEGORIES]
        lines.append(f"| {short[e]} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def markdown(report: dict, title: str) -> str:
    out = [
        f"## {title}",
        "",
        f"{report['files']} files; macro-F1 **{report['macro_f1']:.3f}**; genuine results "
        f"flagged {report['results_flagged']:.1%}; defects passed as results {report['defects_passed']:.1%}.",
        "",
        "| class | precision | recall | F1 | support |",
        "|---|---|---|---|---|",
    ]
    for c, p in report["per_class"].items():
        out.append(f"| {c} | {p['precision']:.3f} | {p['recall']:.3f} | {p['f1']:.3f} | {p['support']} |")
    extra = []
    if report.get("others_called_input") is not None:
        extra.append(f"unrelated files called input component {report['others_called_input']:.1%}")
    if report.get("results_passed_without_review") is not None:
        extra.append(f"genuine results passed without review (≥ 0.7) {report['results_passed_without_review']:.1%}")
    if extra:
        out += ["", "; ".join(extra) + "."]
    out += ["", confusion_table(report), "", "Reliability of the confidence:", "", reliability_table(report), ""]
    if report["misclassified"]:
        out += ["Misclassified:", ""] + [
            f"- `{m['path']}`: expected {m['expected']}, got {m['actual']} ({m['confidence']}): {m['reason']}"
            for m in report["misclassified"]
        ]
    else:
        out.append("No file misclassified.")
    return "\n".join(out) + "\n"


def compare_peers(corpus: Path, rows: list[dict], verdicts: dict[str, dict], ours: dict) -> str:
    """Side-by-side table: this project against each peer on the same files."""
    from resultcheck.detectors.keywords import Lexicon

    from . import peers

    table = [
        "| method | macro-F1 | results flagged | defects passed | blank F1 | "
        "result vs input accuracy | s/file (documents) |",
        "|---|---|---|---|---|---|---|",
    ]
    labelled = [r for r in rows if r["category"] != "not_blank"]
    for name, peer in (
        ("national index (any file = result)", peers.national_index),
        ("libmagic type + size", peers.libmagic_size),
    ):
        fake = {r["path"]: {"category": peer(corpus / r["path"]), "confidence": 1.0, "reasons": []} for r in rows}
        report = score(rows, fake)
        table.append(
            f"| {name} | {report['macro_f1']:.3f} | {report['results_flagged']:.1%} | "
            f"{report['defects_passed']:.1%} | – | – | – |"
        )

    def blank_f1(predict) -> str:
        tp = fp = fn = 0
        for r in rows:
            predicted = predict(r)
            if predicted is None:
                continue
            truth = r["category"] == "blank"
            tp, fp, fn = tp + (predicted and truth), fp + (predicted and not truth), fn + (truth and not predicted)
        return f"{2 * tp / (2 * tp + fp + fn):.3f}" if tp + fp + fn else "–"  # no blank, none called blank

    applicable = {r["path"]: peers.blank_rule(corpus / r["path"], "naps2") for r in rows}
    ours_blank = blank_f1(
        lambda r: None if applicable[r["path"]] is None else verdicts[r["path"]]["category"] == "blank"
    )
    for name, rule in (("NAPS2 blank rule", "naps2"), ("Stirling-PDF blank rule", "stirling")):
        f1 = blank_f1(lambda r, rule=rule: peers.blank_rule(corpus / r["path"], rule))
        table.append(f"| {name} | – | – | – | {f1} | – | – |")

    documents = [
        r
        for r in labelled
        if r["category"] in ("result", "input_component")
        and Path(r["path"]).suffix.lower() in (".pdf", ".jpg", ".png", ".tiff")
    ]
    lexicon = Lexicon.load()
    naive_right, naive_seconds = 0, 0.0
    for r in documents:
        category, seconds = peers.naive_ocr(corpus / r["path"], lexicon)
        naive_right += category == r["category"]
        naive_seconds += seconds
    our_right = sum(verdicts[r["path"]]["category"] == r["category"] for r in documents)
    our_seconds = sum(verdicts[r["path"]]["elapsed_ms"] for r in documents) / 1000
    n = max(1, len(documents))
    table.append(
        f"| naive full-page OCR + same lexicon | – | – | – | – | {naive_right / n:.3f} | {naive_seconds / n:.2f} |"
    )
    table.append(
        f"| **resultcheck** | **{ours['macro_f1']:.3f}** | {ours['results_flagged']:.1%} | "
        f"{ours['defects_passed']:.1%} | {ours_blank} | {our_right / n:.3f} | {our_seconds / n:.2f} |"
    )
    return (
        "\n".join(table) + f"\n\n({len(documents)} PDF/image documents for the last two columns; blank F1 over the "
        f"{sum(v is not None for v in applicable.values())} files a pixel rule applies to)\n"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    source = parser.add_mutually_exclusive_group(required=True)
    source.add_argument("--corpus", type=Path, help="directory with manifest.jsonl")
    source.add_argument("--generate", type=int, metavar="COPIES", help="generate a fresh corpus (variants per kind)")
    source.add_argument("--wording", action="store_true", help="the hand-written documents of fixtures.wording")
    source.add_argument("--real", action="store_true", help="public files nobody here made (fixtures/real/labels.csv)")
    source.add_argument(
        "--degraded",
        action="store_true",
        help="augraphy degradations (fixtures.degrade; the committed subset without augraphy)",
    )
    parser.add_argument(
        "--split",
        choices=("dev", "holdout", "all"),
        default="all",
        help="--real: rules may be tuned on dev only; holdout measures them",
    )
    parser.add_argument("--count", type=int, default=120, help="--degraded: files to generate")
    parser.add_argument("--seed", type=int, default=4711)
    parser.add_argument("--out", type=Path, default=Path("benchmarks/out"), help="where JSON and Markdown go")
    parser.add_argument("--no-peers", action="store_true", help="skip the peer comparison (it OCRs every page)")
    args = parser.parse_args(argv)

    corpus = args.corpus
    if args.real:
        corpus, rows = REAL, real_rows(args.split)
    else:
        if args.degraded:
            corpus = _degraded(args.count, args.seed)
        elif corpus is None:
            from fixtures import wording
            from fixtures.generate import Generator, write

            corpus = Path(tempfile.mkdtemp(prefix="resultcheck-corpus-"))
            write(wording.fixtures() if args.wording else Generator(args.seed).all(args.generate), corpus)
        rows = [json.loads(line) for line in (corpus / "manifest.jsonl").read_text(encoding="utf-8").splitlines()]
    started = time.perf_counter()
    verdicts = run_checker(corpus, rows, [])
    report = score(rows, verdicts)
    report["seconds"] = round(time.perf_counter() - started, 1)
    report["corpus"] = (
        str(corpus)
        if args.corpus
        else "hand-written: --wording"
        if args.wording
        else f"real: --real --split {args.split}"
        if args.real
        else f"augraphy: --degraded ({corpus.name})"
        if args.degraded
        else f"generated: --generate {args.generate} --seed {args.seed}"
    )
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "accuracy.json").write_text(json.dumps(report, ensure_ascii=False, indent=2), encoding="utf-8")
    text = markdown(report, f"File accuracy ({report['corpus']}, {report['seconds']} s)")
    if not args.no_peers:
        text += "\n### Side by side with peers (same files, same run)\n\n" + compare_peers(
            corpus, rows, verdicts, report
        )
    (args.out / "accuracy.md").write_text(text, encoding="utf-8")
    print(text)
    return 0


def _degraded(count: int, seed: int) -> Path:
    """A fresh augraphy corpus, or the committed subset where augraphy is not installed."""
    try:
        import augraphy  # noqa: F401
    except ImportError:
        print(
            "augraphy is not installed (pip install '.[bench]'): using the committed fixtures/degraded", file=sys.stderr
        )
        return Path(__file__).resolve().parent.parent / "fixtures" / "degraded"
    corpus = Path(tempfile.mkdtemp(prefix="resultcheck-degraded-"))
    subprocess.run(
        [sys.executable, "-m", "fixtures.degrade", "--out", str(corpus), "--seed", str(seed), "--count", str(count)],
        check=True,
    )
    return corpus


if __name__ == "__main__":
    raise SystemExit(main())

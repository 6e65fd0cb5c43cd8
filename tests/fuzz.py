"""Mutation fuzzing of check_file on the committed samples.

    python -m tests.fuzz --inputs 20000          # the longer run (CI runs 200 inputs through tests/test_fuzz.py)

Mutations: bit flips, byte runs overwritten, insertions, deletions, truncation, and splices
of two samples. Every input must give a verdict; a Python exception (INTERNAL_ERROR), a
parser crash or a hang (LIMIT_FILE_TIME) is a finding, saved under benchmarks/out/fuzz/.
"""

from __future__ import annotations

import argparse
import random
import time
from pathlib import Path

from resultcheck import Checker, Config

SAMPLES = Path(__file__).resolve().parent.parent / "fixtures" / "samples"
FINDINGS = ("INTERNAL_ERROR", "PARSER_CRASHED", "LIMIT_FILE_TIME")


def mutate(data: bytes, other: bytes, rng: random.Random) -> bytes:
    buf = bytearray(data)
    for _ in range(rng.randint(1, 6)):
        op = rng.randrange(6)
        if not buf:  # the 0-byte sample, or everything deleted
            buf = bytearray(other[:64] or b"\x00")
        at = rng.randrange(len(buf)) if buf else 0
        if op == 0:
            buf[at] ^= 1 << rng.randrange(8)
        elif op == 1:
            run = rng.randint(1, 64)
            buf[at : at + run] = bytes(rng.randrange(256) for _ in range(min(run, len(buf) - at)))
        elif op == 2:
            buf[at:at] = bytes(rng.choice([0, 255, 0x25, 0x50]) for _ in range(rng.randint(1, 32)))
        elif op == 3:
            del buf[at : at + rng.randint(1, 256)]
        elif op == 4:
            del buf[rng.randint(len(buf) // 4, len(buf)) :]
        else:
            cut = rng.randrange(len(other)) if other else 0
            buf = buf[:at] + bytearray(other[cut : cut + rng.randint(16, 4096)]) + buf[at:]
    return bytes(buf)


def run(inputs: int, seed: int = 1, max_file_bytes: int = 400_000) -> tuple[int, list[tuple[str, str]]]:
    """Check `inputs` mutants made from `seed` (the same ones on any machine, however fast)."""
    samples = [
        p.read_bytes()
        for p in sorted(SAMPLES.rglob("*"))
        if p.is_file() and p.name != "manifest.jsonl" and p.stat().st_size <= max_file_bytes
    ]
    rng = random.Random(seed)
    checker = Checker(Config().with_limits(seconds_per_file=30, ocr_seconds_per_file=10))
    findings: list[tuple[str, str]] = []
    tried = 0
    try:
        while tried < inputs:
            data = mutate(rng.choice(samples), rng.choice(samples), rng)
            verdict = checker.check_file(data, f"fuzz-{tried}")
            tried += 1
            bad = [r for r in verdict.reasons if r.code in FINDINGS]
            if bad or not verdict.reasons:
                out = Path("benchmarks/out/fuzz")
                out.mkdir(parents=True, exist_ok=True)
                (out / f"finding-{seed}-{tried}.bin").write_bytes(data)
                findings.append((f"finding-{seed}-{tried}.bin", bad[0].message if bad else "no reason"))
    finally:
        checker.close()
    return tried, findings


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--inputs", type=int, default=5000)
    parser.add_argument("--seed", type=int, default=int(time.time()))
    args = parser.parse_args()
    tried, findings = run(args.inputs, args.seed)
    print(f"{tried} inputs tried (seed {args.seed}); {len(findings)} findings")
    for name, message in findings:
        print(f"  {name}: {message}")
    return 1 if findings else 0


if __name__ == "__main__":
    raise SystemExit(main())

"""A short, bounded mutation-fuzz run of the whole check_file (the long run: python -m tests.fuzz)."""

from __future__ import annotations

import os

import pytest

from tests.fuzz import run

pytestmark = pytest.mark.slow


def test_fuzzing_finds_no_exception_crash_or_hang(capsys) -> None:
    seconds = float(os.environ.get("RESULTCHECK_FUZZ_SECONDS", "60"))
    tried, findings = run(seconds, seed=20261123)
    with capsys.disabled():
        print(f"\nfuzz: {tried} inputs in {seconds:.0f} s, {len(findings)} findings")
    assert tried >= 50
    assert not findings, findings

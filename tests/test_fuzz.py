"""A short, bounded mutation-fuzz run of the whole check_file (the long run: python -m tests.fuzz)."""

from __future__ import annotations

import os
import time

import pytest

from tests.fuzz import run

pytestmark = pytest.mark.slow


def test_fuzzing_finds_no_exception_crash_or_hang(capsys) -> None:
    inputs = int(os.environ.get("RESULTCHECK_FUZZ_INPUTS", "200"))
    started = time.monotonic()
    tried, findings = run(inputs, seed=20261123)
    with capsys.disabled():
        print(f"\nfuzz: {tried} inputs in {time.monotonic() - started:.0f} s, {len(findings)} findings")
    assert tried == inputs
    assert not findings, findings

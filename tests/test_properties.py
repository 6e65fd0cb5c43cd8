"""Property-based: whatever the bytes, sniffing and checking return a valid verdict quickly."""

from __future__ import annotations

import json
import random
import time

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from resultcheck.detectors.filetype import sniff

from resultcheck import FileVerdict
from tests.conftest import SAMPLES, load_manifest

PREFIXES = [
    b"",
    b"%PDF-1.7\n",
    b"PK\x03\x04",
    b"Rar!\x1a\x07\x01\x00",
    b"7z\xbc\xaf\x27\x1c",
    b"\x1f\x8b",
    b"\xff\xd8\xff",
    b"\x89PNG\r\n\x1a\n",
    b"II*\x00",
    b"MSCF\x00\x00\x00\x00",
    b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1",
]


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(prefix=st.sampled_from(PREFIXES), body=st.binary(max_size=4096))
def test_sniff_never_raises(prefix: bytes, body: bytes) -> None:
    found = sniff(prefix + body)
    assert found.format and "/" in found.mime  # always a named type, "unknown" at worst
    assert found == sniff(prefix + body)  # and the same answer for the same bytes


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(prefix=st.sampled_from(PREFIXES), body=st.binary(max_size=2048))
def test_check_file_always_returns_a_verdict(checker, prefix: bytes, body: bytes) -> None:
    started = time.monotonic()
    verdict = checker.check_file(prefix + body, "x")
    assert_sound(verdict)
    assert time.monotonic() - started < 30


def assert_sound(verdict: FileVerdict) -> None:
    """A verdict, explained, in range, that survives its JSON; never a detector bug caught and hidden."""
    assert "INTERNAL_ERROR" not in verdict.codes, verdict.reasons
    assert verdict.reasons and all(r.code and r.message for r in verdict.reasons)
    assert 0.0 <= verdict.confidence <= 1.0
    assert FileVerdict.from_dict(json.loads(verdict.to_json())).to_dict() == verdict.to_dict()


SMALL_SAMPLES = [r["path"] for r in load_manifest(SAMPLES) if (SAMPLES / r["path"]).stat().st_size < 200_000]


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    name=st.sampled_from(SMALL_SAMPLES),
    seed=st.integers(0, 2**32 - 1),
    flips=st.integers(1, 40),
    cut=st.floats(0.05, 1.0),
)
def test_mutated_samples_always_get_a_verdict(checker, name: str, seed: int, flips: int, cut: float) -> None:
    data = bytearray((SAMPLES / name).read_bytes())
    rng = random.Random(seed)
    for _ in range(flips if data else 0):
        data[rng.randrange(len(data))] = rng.randrange(256)
    mutated = bytes(data[: max(1, int(len(data) * cut))])
    assert_sound(checker.check_file(mutated, name))

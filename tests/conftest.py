from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from fixtures.generate import Generator, write
from resultcheck import Checker, Config

os.environ.setdefault("OMP_THREAD_LIMIT", "1")

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "fixtures" / "samples"


@pytest.fixture(scope="session")
def checker() -> Checker:
    """In-process (monkeypatching reaches it); the isolated parser has tests of its own."""
    return Checker(Config(), isolate=False)


@pytest.fixture(scope="session")
def generator() -> Generator:
    return Generator(seed=4242)


@pytest.fixture(scope="session")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[dict]]:
    """A freshly generated labelled corpus (a seed the rules were not tuned on)."""
    out = tmp_path_factory.mktemp("corpus")
    write(Generator(seed=90210).all(copies=1), out)
    rows = [json.loads(line) for line in (out / "manifest.jsonl").read_text(encoding="utf-8").splitlines()]
    return out, rows


def load_manifest(directory: Path) -> list[dict]:
    return [json.loads(line) for line in (directory / "manifest.jsonl").read_text(encoding="utf-8").splitlines()]


def matches(expected: str, actual: str) -> bool:
    """`not_blank` fixtures only prove the blank detector wrong: anything but blank is right."""
    if expected == "not_blank":
        return actual != "blank"
    return actual == expected


def slow_scan(generator: Generator, pages: int = 3) -> bytes:
    """Dense 300 dpi pages with no cue at all: title-zone OCR settles nothing, so the first page
    is read in full (several seconds) — for tests of time limits. (The later pages show no
    issuer's header: they are not read.)"""
    from fixtures.layout import Line, layout_lines
    from fixtures.scan import encode_pages

    text = "Danh sách các hộ gia đình tham gia chương trình nước sạch nông thôn tại thôn Nà Phầy năm 2024"
    images = [
        generator.scan(
            layout_lines([Line(f"{i + 1}. {text}", size=12) for i in range(38)], "dejavu-serif"), 300, noise_sigma=6
        )
        for _ in range(pages)
    ]
    return encode_pages(images, "pdf", 300, quality=75)

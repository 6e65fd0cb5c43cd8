"""Versions of the engines behind a verdict, stamped into every verdict for comparability."""

from __future__ import annotations

import functools
import importlib.util
import json
from pathlib import Path
from typing import TYPE_CHECKING

import PIL

from ._version import __version__
from .detectors import libtesseract
from .detectors.filetype import libmagic_version

if TYPE_CHECKING:
    from .config import Config


def pdfium_version() -> str:
    """PDFium's build ('159.0.8149.0'), read from the version file beside the library, since
    importing pypdfium2 loads PDFium itself (8 MB in a scan worker that renders nothing)."""
    spec = importlib.util.find_spec("pypdfium2_raw")
    if spec is not None and spec.origin is not None:
        try:
            info = json.loads(Path(spec.origin).with_name("version.json").read_text(encoding="utf-8"))
            return ".".join(str(info[k]) for k in ("major", "minor", "build", "patch"))
        except (OSError, ValueError, KeyError):
            pass
    import pypdfium2.version  # another layout: ask the package

    return str(pypdfium2.version.PDFIUM_INFO).split("@", 1)[0]


@functools.cache
def engine_versions() -> dict[str, str]:
    return {
        "tesseract": libtesseract.cli_version(),
        "libmagic": libmagic_version(),
        "pdfium": pdfium_version(),
        "pillow": PIL.__version__,
    }


def versions_for(config: Config) -> dict[str, str]:
    """Every version a verdict depends on: package, rules, lexicon, procedures and engines."""
    return {
        "resultcheck": __version__,
        "rules": config.rules.version,
        "lexicon": config.lexicon.version,
        "procedures": config.profiles.version,
        **engine_versions(),
    }

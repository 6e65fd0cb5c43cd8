"""libtesseract's C API through ctypes, bound once per process, and the engine's version.

The version stamped into verdicts is the command line's (`tesseract --version`, asked once
per process without loading anything); the library is used in process only where it is that
same version, so the stamp holds either way. Kept apart from the OCR module (OpenCV, numpy):
a scan worker whose files are parsed in its child stamps versions and loads neither."""

from __future__ import annotations

import ctypes
import ctypes.util
import functools
import os
import shutil
import subprocess
from typing import Any

_lib: Any = None


def load() -> Any:
    """The library with the signatures used here; OSError when it is not installed."""
    global _lib
    if _lib is None:
        lib = None
        for name in ("libtesseract.so.5", "libtesseract.5.dylib"):  # without find_library's subprocesses
            try:
                lib = ctypes.CDLL(name)
                break
            except OSError:
                continue
        if lib is None:
            found = ctypes.util.find_library("tesseract")
            if found is None:
                raise OSError("libtesseract not found")
            lib = ctypes.CDLL(found)
        p, i, s = ctypes.c_void_p, ctypes.c_int, ctypes.c_char_p
        for fn, res, args in (
            ("TessVersion", s, []),
            ("TessBaseAPICreate", p, []),
            ("TessBaseAPIDelete", None, [p]),
            ("TessBaseAPIInit2", i, [p, s, s, i]),
            ("TessBaseAPISetVariable", i, [p, s, s]),
            ("TessBaseAPIEnd", None, [p]),
            ("TessBaseAPISetPageSegMode", None, [p, i]),
            ("TessBaseAPISetImage", None, [p, s, i, i, i, i]),
            ("TessBaseAPISetSourceResolution", None, [p, i]),
            ("TessBaseAPIRecognize", i, [p, p]),
            ("TessBaseAPIGetTsvText", p, [p, i]),
            ("TessBaseAPIClear", None, [p]),
            ("TessDeleteText", None, [p]),
            ("TessMonitorCreate", p, []),
            ("TessMonitorDelete", None, [p]),
            ("TessMonitorSetDeadlineMSecs", None, [p, i]),
        ):
            getattr(lib, fn).restype = res
            getattr(lib, fn).argtypes = args
        quiet_leptonica()
        _lib = lib
    return _lib


LEPTONICA_SEVERITY_NONE = 6  # L_SEVERITY_NONE of Leptonica's environ.h


def quiet_leptonica() -> bool:
    """Leptonica writes its own complaints to the process's stderr ("Error in boxClipToRectangle:
    box outside rectangle") about boxes Tesseract clips anyway: noise in a caller's terminal or
    log, never a problem of the file. True when silenced."""
    for name in ("liblept.so.5", "libleptonica.so.6", "liblept.5.dylib", "libleptonica.6.dylib"):
        try:
            severity = ctypes.CDLL(name).setMsgSeverity
        except (OSError, AttributeError):
            continue
        severity.restype, severity.argtypes = ctypes.c_int, [ctypes.c_int]
        severity(LEPTONICA_SEVERITY_NONE)
        return True
    return False


@functools.cache
def cli_version() -> str:
    """`tesseract --version`'s first line ('5.3.0'), or 'absent'."""
    exe = shutil.which("tesseract")
    if exe is None:
        return "absent"
    try:
        out = subprocess.run([exe, "--version"], capture_output=True, text=True, timeout=10, check=False)
    except (OSError, subprocess.TimeoutExpired):
        return "unknown"
    first = (out.stdout or out.stderr).strip().splitlines()
    return first[0].removeprefix("tesseract ").strip() if first else "unknown"


def usable() -> bool:
    """The library loads and is the command line's version (else the command line reads)."""
    if os.environ.get("RESULTCHECK_OCR_ENGINE", "warm") == "cli":
        return False
    try:
        return cli_version().startswith(str(load().TessVersion().decode()))
    except (OSError, AttributeError):
        return False

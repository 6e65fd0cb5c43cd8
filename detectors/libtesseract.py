"""libtesseract's C API through ctypes, bound once per process. Kept apart from the OCR module
(OpenCV, numpy) so that a process that only stamps versions, such as a scan worker whose
files are parsed in its child, does not load the image stack."""

from __future__ import annotations

import ctypes
import ctypes.util
import os
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
        _lib = lib
    return _lib


def version() -> str | None:
    """libtesseract's version where the warm engine can load it ('5.3.0'), else None."""
    if os.environ.get("RESULTCHECK_OCR_ENGINE", "warm") == "cli":
        return None
    try:
        return str(load().TessVersion().decode())
    except (OSError, AttributeError):
        return None

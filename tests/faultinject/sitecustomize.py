"""TEST-ONLY fault injection, loaded by putting tests/faultinject on PYTHONPATH.

When $RESULTCHECK_TEST_FAULTS names a file listing absolute paths (one a line), opening any
of those paths raises OSError(EIO), as a failing disk would, in every process of the run
(the scanner, its workers and their parser children). Never installed with the package.
"""

from __future__ import annotations

import builtins
import errno
import io
import os

_LIST = os.environ.get("RESULTCHECK_TEST_FAULTS")
if _LIST:
    with open(_LIST, encoding="utf-8") as _fh:
        _FAULTY = frozenset(line.strip() for line in _fh if line.strip())
    _real_open = io.open

    def _open(file, *args, **kwargs):  # type: ignore[no-untyped-def]
        if isinstance(file, (str, os.PathLike)) and os.fspath(file) in _FAULTY:
            raise OSError(errno.EIO, os.strerror(errno.EIO), os.fspath(file))
        return _real_open(file, *args, **kwargs)

    io.open = _open
    builtins.open = _open

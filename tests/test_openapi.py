"""The OpenAPI as an integrator uses it: schemathesis generates requests from it against a running server.

Every documented operation gets up to 25 generated requests (valid and invalid, small generated
files), plus undocumented methods and missing keys; the run fails on any 500, any status code or
body the schema does not describe, invalid input accepted or valid input refused.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.test_service import Server

pytestmark = pytest.mark.slow
SCHEMATHESIS = Path(sys.executable).with_name("schemathesis")


def test_schemathesis_finds_nothing(tmp_path) -> None:
    assert SCHEMATHESIS.exists() or shutil.which("schemathesis"), "pip install -e '.[test]' installs schemathesis"
    srv = Server(tmp_path, "--checkers", "1", "--max-upload-mb", "2", "--request-seconds", "10", keys="khoa-thu")
    try:
        done = subprocess.run(
            [
                str(SCHEMATHESIS),
                "run",
                srv.url + "/openapi.json",
                "--checks",
                "all",
                "--max-examples",
                "25",
                "--workers",
                "1",
                "--seed",
                "1616",
                "--generation-database",
                "none",
                "--request-timeout",
                "60",
                "--header",
                "X-API-Key: khoa-thu",
                "--no-color",
                "--report-dir",
                str(tmp_path / "report"),
            ],
            capture_output=True,
            text=True,
            timeout=600,
            cwd=tmp_path,
        )
    finally:
        srv.stop()
    assert done.returncode == 0, done.stdout[-6000:] + done.stderr[-2000:]
    assert "5 selected / 5 total" in done.stdout and "Tested: 5" in done.stdout

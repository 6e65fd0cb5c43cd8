"""The HTTP service, through a real uvicorn server on a random loopback port."""

from __future__ import annotations

import concurrent.futures
import json
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from fixtures.generate import Generator
from fixtures.layout import pdf_pages
from fixtures.scan import encode
from tests.conftest import slow_scan as dense_scan

pytestmark = pytest.mark.slow
EXE = Path(sys.executable).with_name("resultcheck")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    def __init__(self, tmp: Path, *args: str, keys: str = "") -> None:
        self.port = free_port()
        self.tmp = tmp
        env = {**os.environ, "OMP_THREAD_LIMIT": "1", "TMPDIR": str(tmp), "RESULTCHECK_API_KEYS": keys}
        self.proc = subprocess.Popen([str(EXE), "serve", "--port", str(self.port), *args], env=env,
                                     stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, start_new_session=True)
        self.url = f"http://127.0.0.1:{self.port}"
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            try:
                if httpx.get(self.url + "/healthz", timeout=1).status_code == 200:
                    return
            except httpx.HTTPError:
                time.sleep(0.2)
        self.stop()
        raise RuntimeError("server did not start: " + self.proc.stderr.read().decode()[-2000:])

    def stop(self) -> None:
        os.killpg(self.proc.pid, signal.SIGTERM)
        try:
            self.proc.wait(20)
        except subprocess.TimeoutExpired:
            os.killpg(self.proc.pid, signal.SIGKILL)


@pytest.fixture(scope="module")
def gen() -> Generator:
    return Generator(seed=1212)


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("srv")
    srv = Server(tmp, "--checkers", "2", "--max-upload-mb", "8", "--request-seconds", "4")
    yield srv
    srv.stop()


@pytest.fixture(scope="module")
def slow_scan(gen) -> bytes:
    return dense_scan(gen)


def test_health_version_and_openapi(server) -> None:
    assert httpx.get(server.url + "/healthz").json() == {"status": "ok"}
    version = httpx.get(server.url + "/v1/version").json()
    assert {"resultcheck", "rules", "lexicon", "tesseract", "libmagic"} <= set(version)
    assert "/v1/files:check" in httpx.get(server.url + "/openapi.json").json()["paths"]


def test_check_a_file(server, gen) -> None:
    pdf = pdf_pages([gen.document("decision")[1]])
    answer = httpx.post(server.url + "/v1/files:check", files={"file": ("qd.pdf", pdf, "application/pdf")}, timeout=60)
    assert answer.status_code == 200
    verdict = answer.json()
    assert verdict["category"] == "result" and verdict["path"] == "qd.pdf" and verdict["reasons"]


def test_check_a_dossier_with_a_duplicate(server, gen) -> None:
    scan = encode(gen.scan(gen.document("application")[1], 200), "jpeg", 200, quality=60)
    files = [("inputs", ("don.jpg", scan, "image/jpeg")), ("results", ("kq.jpg", scan, "image/jpeg"))]
    meta = json.dumps({"dossier_id": "000.00.12.H33-250101-0001", "field": "Hộ tịch"}, ensure_ascii=False)
    answer = httpx.post(server.url + "/v1/dossiers:check", data={"metadata": meta}, files=files, timeout=120)
    assert answer.status_code == 200, answer.text
    verdict = answer.json()
    assert verdict["status"] == "fail" and verdict["files"][0]["duplicate_of"] == "don.jpg"
    assert not list(server.tmp.glob("resultcheck-upload-*")), "uploads must not stay on disk"


def test_bad_metadata_is_422(server) -> None:
    for meta in ("{not json", json.dumps({"field": "x"})):
        answer = httpx.post(server.url + "/v1/dossiers:check", data={"metadata": meta}, timeout=30)
        assert answer.status_code == 422 and answer.json()["error"]["code"] == "BAD_METADATA"
        assert answer.json()["error"]["message"] and answer.json()["error"]["message_en"]


def test_oversize_upload_is_413(server) -> None:
    answer = httpx.post(server.url + "/v1/files:check", files={"file": ("big.pdf", b"%PDF-1.4" + bytes(9 * 1024**2))},
                        timeout=30)
    assert answer.status_code == 413 and answer.json()["error"]["code"] == "UPLOAD_TOO_LARGE"
    assert "byte" in answer.json()["error"]["message"]


def test_slow_requests_time_out_into_a_verdict_and_do_not_stall_health(server, slow_scan) -> None:
    with concurrent.futures.ThreadPoolExecutor(4) as pool:
        slow = [pool.submit(httpx.post, server.url + "/v1/files:check", files={"file": ("cham.pdf", slow_scan)},
                            timeout=60) for _ in range(4)]
        time.sleep(0.5)
        started = time.monotonic()
        assert httpx.get(server.url + "/healthz", timeout=5).status_code == 200
        assert time.monotonic() - started < 0.5
        answers = [f.result() for f in slow]
    for answer in answers:
        assert answer.status_code == 200
        codes = [r["code"] for r in answer.json()["reasons"]]
        assert answer.json()["category"] != "blank"
        assert "LIMIT_REQUEST_TIME" in codes or answer.json()["category"] in ("result", "input_component")
    assert any("LIMIT_REQUEST_TIME" in [r["code"] for r in a.json()["reasons"]] for a in answers)


def test_api_key_is_required_when_configured(tmp_path, gen) -> None:
    srv = Server(tmp_path, "--checkers", "1", keys="khoa-bi-mat,other")
    try:
        pdf = pdf_pages([gen.document("decision")[1]])
        refused = httpx.post(srv.url + "/v1/files:check", files={"file": ("a.pdf", pdf)}, timeout=30)
        wrong = httpx.post(srv.url + "/v1/files:check", files={"file": ("a.pdf", pdf)},
                           headers={"X-API-Key": "sai"}, timeout=30)
        right = httpx.post(srv.url + "/v1/files:check", files={"file": ("a.pdf", pdf)},
                           headers={"X-API-Key": "khoa-bi-mat"}, timeout=60)
        assert refused.status_code == wrong.status_code == 401 and right.status_code == 200
        assert refused.json()["error"]["code"] == "UNAUTHORIZED"
    finally:
        srv.stop()


def test_serving_off_loopback_without_keys_is_refused() -> None:
    done = subprocess.run([str(EXE), "serve", "--host", "0.0.0.0", "--port", str(free_port())],
                          capture_output=True, text=True, timeout=60, env={**os.environ, "RESULTCHECK_API_KEYS": ""})
    assert done.returncode == 2 and "API keys" in done.stderr

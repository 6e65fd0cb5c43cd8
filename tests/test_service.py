"""The HTTP service, through a real uvicorn server on a random loopback port."""

from __future__ import annotations

import concurrent.futures
import json
import os
import re
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
    def __init__(self, tmp: Path, *args: str, keys: str = "", env: dict[str, str] | None = None) -> None:
        self.port = free_port()
        self.tmp = tmp
        env = {**os.environ, "OMP_THREAD_LIMIT": "1", "TMPDIR": str(tmp), "RESULTCHECK_API_KEYS": keys, **(env or {})}
        self.proc = subprocess.Popen(
            [str(EXE), "serve", "--port", str(self.port), *args],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            start_new_session=True,
        )
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
    spec = httpx.get(server.url + "/openapi.json").json()
    assert spec["components"]["securitySchemes"]["ApiKey"] == {
        "type": "apiKey",
        "in": "header",
        "name": "X-API-Key",
        "description": "one of the keys in RESULTCHECK_API_KEYS",
    }
    schemas = spec["components"]["schemas"]
    assert {"FileVerdict", "DossierVerdict", "Error"} <= set(schemas) and schemas["FileVerdict"]["examples"]
    for path, body_field, model in (
        ("/v1/files:check", "file", "FileVerdict"),
        ("/v1/dossiers:check", "metadata", "DossierVerdict"),
    ):
        post = spec["paths"][path]["post"]
        form = post["requestBody"]["content"]["multipart/form-data"]["schema"]
        assert form["required"] == [body_field] and post["security"] == [{"ApiKey": []}]
        assert post["responses"]["200"]["content"]["application/json"]["schema"]["$ref"].endswith("/" + model)
        for status in ("401", "413", "422", "503"):
            assert post["responses"][status]["content"]["application/json"]["schema"]["$ref"].endswith("/Error")
    metadata = spec["paths"]["/v1/dossiers:check"]["post"]["requestBody"]["content"]["multipart/form-data"]
    assert metadata["encoding"]["metadata"]["contentType"] == "application/json"
    assert "security" not in spec["paths"]["/healthz"]["get"]
    assert httpx.get(server.url + "/docs").status_code == 200


def test_unknown_paths_and_methods_answer_in_the_json_error_format(server) -> None:
    missing = httpx.get(server.url + "/v1/nothing-here")
    assert missing.status_code == 404 and missing.json()["error"]["code"] == "NOT_FOUND"
    wrong = httpx.delete(server.url + "/v1/files:check")
    assert wrong.status_code == 405 and wrong.json()["error"]["code"] == "METHOD_NOT_ALLOWED"
    assert wrong.headers["allow"] == "POST" and wrong.json()["error"]["message"]


def test_non_file_parts_and_non_string_metadata_are_422(server) -> None:
    meta = json.dumps({"dossier_id": "000.00.12.H33-250101-0001"})
    text_part = httpx.post(server.url + "/v1/dossiers:check", data={"metadata": meta, "results": "{}"}, timeout=30)
    assert text_part.status_code == 422 and text_part.json()["error"]["code"] == "BAD_REQUEST"
    for bad in ({"dossier_id": 7}, {"dossier_id": "x", "agency": {}}, ["x"]):
        answer = httpx.post(server.url + "/v1/dossiers:check", data={"metadata": json.dumps(bad)}, timeout=30)
        assert answer.status_code == 422 and answer.json()["error"]["code"] == "BAD_METADATA"


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
    answer = httpx.post(
        server.url + "/v1/files:check", files={"file": ("big.pdf", b"%PDF-1.4" + bytes(9 * 1024**2))}, timeout=30
    )
    assert answer.status_code == 413 and answer.json()["error"]["code"] == "UPLOAD_TOO_LARGE"
    assert "byte" in answer.json()["error"]["message"]


def test_chunked_oversize_upload_is_413_json(server) -> None:
    """No Content-Length: the limit is enforced while the body streams in, and the answer is still JSON."""
    boundary = "resultcheck-test"
    head = (
        f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="big.bin"\r\n'
        "Content-Type: application/octet-stream\r\n\r\n"
    ).encode()

    def body():
        yield head
        for _ in range(10):  # 10 MB > the server's 8 MB
            yield bytes(1024**2)
        yield f"\r\n--{boundary}--\r\n".encode()

    answer = httpx.post(
        server.url + "/v1/files:check",
        content=body(),
        timeout=60,
        headers={"Content-Type": f"multipart/form-data; boundary={boundary}"},
    )
    assert answer.status_code == 413 and answer.json()["error"]["code"] == "UPLOAD_TOO_LARGE"
    assert httpx.get(server.url + "/healthz").status_code == 200


def test_metrics(server, gen) -> None:
    pdf = pdf_pages([gen.document("decision")[1]])
    assert httpx.post(server.url + "/v1/files:check", files={"file": ("qd.pdf", pdf)}, timeout=60).status_code == 200
    httpx.get(server.url + "/v1/nothing-here")
    answer = httpx.get(server.url + "/metrics")
    assert answer.status_code == 200 and answer.headers["content-type"].startswith("text/plain")
    text = answer.text
    assert re.search(
        r'resultcheck_http_requests_total\{endpoint="/v1/files:check",method="POST",status="200"\} [1-9]', text
    )
    assert 'resultcheck_http_requests_total{endpoint="unmatched",method="GET",status="404"}' in text
    assert re.search(
        r'resultcheck_http_request_seconds_bucket\{endpoint="/v1/files:check",le="\+Inf",method="POST"\} '
        r"[1-9]",
        text,
    )
    assert re.search(r'resultcheck_files_total\{category="result"\} [1-9]', text)
    assert "resultcheck_ocr_seconds_total" in text and "resultcheck_parser_restarts_total" in text


def test_slow_requests_time_out_into_a_verdict_and_do_not_stall_health(server, slow_scan) -> None:
    with concurrent.futures.ThreadPoolExecutor(4) as pool:
        slow = [
            pool.submit(httpx.post, server.url + "/v1/files:check", files={"file": ("cham.pdf", slow_scan)}, timeout=60)
            for _ in range(4)
        ]
        time.sleep(0.5)
        started = time.monotonic()
        assert httpx.get(server.url + "/healthz", timeout=5).status_code == 200
        assert time.monotonic() - started < 0.5
        answers = [f.result() for f in slow]
    for answer in answers:
        assert answer.status_code == 200
        codes = [r["code"] for r in answer.json()["reasons"]]
        assert answer.json()["category"] != "blank"
        # in time: the honest verdict on a list with no cue of either side
        assert "LIMIT_REQUEST_TIME" in codes or answer.json()["category"] in ("result", "input_component", "other")
    assert any("LIMIT_REQUEST_TIME" in [r["code"] for r in a.json()["reasons"]] for a in answers)


def test_api_key_is_required_when_configured(tmp_path, gen) -> None:
    srv = Server(tmp_path, "--checkers", "1", keys="khoa-bi-mat,other")
    try:
        for path in ("/docs", "/openapi.json", "/healthz"):
            assert httpx.get(srv.url + path).status_code == 200, path
        for path in ("/metrics", "/v1/version", "/v1/nothing-here"):
            assert httpx.get(srv.url + path).status_code == 401, path
        assert httpx.get(srv.url + "/metrics", headers={"X-API-Key": "other"}).status_code == 200
        pdf = pdf_pages([gen.document("decision")[1]])
        refused = httpx.post(srv.url + "/v1/files:check", files={"file": ("a.pdf", pdf)}, timeout=30)
        wrong = httpx.post(
            srv.url + "/v1/files:check", files={"file": ("a.pdf", pdf)}, headers={"X-API-Key": "sai"}, timeout=30
        )
        right = httpx.post(
            srv.url + "/v1/files:check",
            files={"file": ("a.pdf", pdf)},
            headers={"X-API-Key": "khoa-bi-mat"},
            timeout=60,
        )
        assert refused.status_code == wrong.status_code == 401 and right.status_code == 200
        assert refused.json()["error"]["code"] == "UNAUTHORIZED"
    finally:
        srv.stop()


def test_deployment_switches_docs_off_metrics_public_and_busy_503(tmp_path, slow_scan) -> None:
    env = {"RESULTCHECK_DOCS": "0", "RESULTCHECK_PUBLIC_METRICS": "1", "RESULTCHECK_MAX_PENDING": "1"}
    srv = Server(tmp_path, "--checkers", "1", "--request-seconds", "3", keys="k", env=env)
    try:
        for path in ("/docs", "/openapi.json"):
            answer = httpx.get(srv.url + path, headers={"X-API-Key": "k"})
            assert answer.status_code == 404 and answer.json()["error"]["code"] == "NOT_FOUND"
        assert httpx.get(srv.url + "/metrics").status_code == 200  # no key needed
        with concurrent.futures.ThreadPoolExecutor(1) as pool:
            slow = pool.submit(
                httpx.post,
                srv.url + "/v1/files:check",
                files={"file": ("cham.pdf", slow_scan)},
                headers={"X-API-Key": "k"},
                timeout=60,
            )
            time.sleep(1.0)
            busy = httpx.post(srv.url + "/v1/files:check", files={"file": ("a.txt", b"x")}, headers={"X-API-Key": "k"})
            assert slow.result().status_code == 200
        assert busy.status_code == 503 and busy.json()["error"]["code"] == "BUSY" and busy.headers["retry-after"]
        assert (
            httpx.post(
                srv.url + "/v1/files:check", files={"file": ("a.txt", b"x")}, headers={"X-API-Key": "k"}, timeout=30
            ).status_code
            == 200
        )  # free again
    finally:
        srv.stop()


def test_serving_off_loopback_without_keys_is_refused() -> None:
    done = subprocess.run(
        [str(EXE), "serve", "--host", "0.0.0.0", "--port", str(free_port())],
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, "RESULTCHECK_API_KEYS": ""},
    )
    assert done.returncode == 2 and "API keys" in done.stderr

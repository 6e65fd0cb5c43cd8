"""The distributed scan with a real redis-server and two real Celery workers, one SIGKILLed mid-run."""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from fixtures.dossiers import write as write_dossiers
from resultcheck.scan import scan

pytestmark = pytest.mark.slow
EXE = Path(sys.executable).with_name("resultcheck")
REDIS = shutil.which("redis-server")
DOSSIERS = 10  # enough for two workers, a kill mid-run and redelivery; each label is known from its files


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def redis_url(tmp_path_factory):
    assert REDIS, "the tests need redis-server (scripts/install-system-deps.sh installs it)"
    port = free_port()
    folder = tmp_path_factory.mktemp("redis")
    proc = subprocess.Popen(
        [REDIS, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", str(folder)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            break
        except OSError:
            time.sleep(0.1)
    yield f"redis://127.0.0.1:{port}/0"
    proc.terminate()
    proc.wait(10)


@pytest.fixture(scope="module")
def dossiers(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("dd")
    write_dossiers(out, DOSSIERS, seed=4545, compact=True)
    return out


def start_worker(redis_url: str, root: Path, name: str) -> subprocess.Popen:
    env = {**os.environ, "OMP_THREAD_LIMIT": "1"}
    return subprocess.Popen(
        [
            str(EXE),
            "worker",
            "--broker",
            redis_url,
            "--concurrency",
            "1",
            "--root",
            str(root),
            "--visibility-timeout",
            "8",
            "--name",
            f"{name}@%h",
        ],
        env=env,
        start_new_session=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def lines(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def test_two_workers_one_killed_every_dossier_exactly_once(redis_url, dossiers, tmp_path) -> None:
    workers = [start_worker(redis_url, dossiers, f"w{i}") for i in (1, 2)]
    out = tmp_path / "distributed.jsonl"
    try:
        scanner = subprocess.Popen(
            [
                str(EXE),
                "scan",
                str(dossiers / "manifest.jsonl"),
                "--out",
                str(out),
                "--broker",
                redis_url,
                "--visibility-timeout",
                "8",
                "--quiet",
            ],
            env={**os.environ, "OMP_THREAD_LIMIT": "1"},
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        deadline = time.monotonic() + 300
        while time.monotonic() < deadline and (not out.exists() or len(out.read_bytes().splitlines()) < 3):
            time.sleep(0.2)
        os.killpg(workers[0].pid, signal.SIGKILL)  # the worker and its pool process, mid-task
        assert scanner.wait(600) == 0, scanner.stderr.read().decode()[-2000:]
    finally:
        for worker in workers:
            try:
                os.killpg(worker.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
    rows = lines(out)
    ids = [r["dossier_id"] for r in rows]
    assert len(ids) == len(set(ids)) == DOSSIERS
    # the generator made each dossier to be one status (a genuine result, a blank, an input re-scan…)
    expected = {r["dossier_id"]: r["expected_status"] for r in lines(dossiers / "manifest.jsonl")}
    assert {r["dossier_id"]: r["status"] for r in rows} == expected
    assert out.with_suffix(".csv").exists()


def test_workers_refuse_paths_outside_their_roots(redis_url, dossiers, tmp_path) -> None:
    redis_url = redis_url.rsplit("/", 1)[0] + "/1"  # a database of its own: task ids are per dossier
    elsewhere = tmp_path / "other-root"
    elsewhere.mkdir()
    worker = start_worker(redis_url, elsewhere, "w3")
    try:
        subset = tmp_path / "three.jsonl"
        subset.write_text(
            "".join((dossiers / "manifest.jsonl").read_text(encoding="utf-8").splitlines(True)[:3]), encoding="utf-8"
        )
        shutil.copytree(dossiers / "files", tmp_path / "files")
        out = tmp_path / "refused.jsonl"
        scan(subset, out, broker=redis_url, progress=False, visibility_timeout=8, queue="resultcheck")
        for row in lines(out):
            for f in row["files"]:
                assert f["reasons"][0]["code"] == "PATH_REFUSED"
    finally:
        os.killpg(worker.pid, signal.SIGKILL)

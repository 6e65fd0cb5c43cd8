"""Distributed scans never replay a stale verdict, recover from a dead worker's claim in
seconds, and a resumed scanner never queues twins of tasks still queued."""

from __future__ import annotations

import json
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
import redis

from resultcheck.distributed import RedisFileCache
from resultcheck.models import Category, FileVerdict
from resultcheck.scan import scan
from resultcheck.store import Store
from tests.conftest import SAMPLES
from tests.test_distributed import redis_url  # noqa: F401 - the module's redis-server fixture

pytestmark = pytest.mark.slow
EXE = Path(sys.executable).with_name("resultcheck")
ENV = {**os.environ, "OMP_THREAD_LIMIT": "1"}
GOOD = SAMPLES / "result" / "decision-sample-text_pdf.pdf"
BLANK = SAMPLES / "blank" / "empty-page.pdf"


def db(url: str, number: int) -> str:
    return url.rsplit("/", 1)[0] + f"/{number}"  # a database per test: no shared results or queues


def worker(url: str, root: Path, name: str, log: Path | None = None) -> subprocess.Popen:
    err = log.open("wb") if log else subprocess.DEVNULL
    return subprocess.Popen(
        [
            str(EXE),
            "worker",
            "--broker",
            url,
            "--concurrency",
            "1",
            "--root",
            str(root),
            "--visibility-timeout",
            "8",
            "--no-ocr",
            "--name",
            f"{name}@%h",
        ],
        env=ENV,
        start_new_session=True,
        stdout=subprocess.DEVNULL,
        stderr=err,
    )


def stop(proc: subprocess.Popen) -> None:
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    proc.wait(30)


def one_dossier(folder: Path, result: Path, count: int = 1) -> Path:
    (folder / "files").mkdir(parents=True, exist_ok=True)
    shutil.copy(result, folder / "files" / "kq.pdf")
    manifest = folder / "manifest.jsonl"
    manifest.write_text(
        "".join(
            json.dumps({"dossier_id": f"D{i}", "results": [{"path": "files/kq.pdf"}]}) + "\n" for i in range(count)
        ),
        encoding="utf-8",
    )
    return manifest


def rows(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def test_a_replaced_file_gets_a_fresh_verdict(redis_url, tmp_path) -> None:  # noqa: F811
    url = db(redis_url, 3)
    manifest = one_dossier(tmp_path, BLANK)
    w = worker(url, tmp_path, "fresh")
    try:
        scan(manifest, tmp_path / "first.jsonl", broker=url, progress=False, visibility_timeout=8)
        (first,) = rows(tmp_path / "first.jsonl")
        assert first["status"] == "fail" and first["files"][0]["category"] == "blank"
        shutil.copy(GOOD, tmp_path / "files" / "kq.pdf")  # the blank result replaced by the genuine one
        scan(manifest, tmp_path / "second.jsonl", broker=url, progress=False, visibility_timeout=8)
        (second,) = rows(tmp_path / "second.jsonl")
        assert second["status"] == "pass" and second["files"][0]["sha256"] != first["files"][0]["sha256"]
    finally:
        stop(w)


def test_fixed_worker_root_is_not_answered_with_the_old_refusal(redis_url, tmp_path) -> None:  # noqa: F811
    url = db(redis_url, 4)
    manifest = one_dossier(tmp_path / "data", GOOD)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    w = worker(url, elsewhere, "wrongroot")
    try:
        scan(manifest, tmp_path / "first.jsonl", broker=url, progress=False, visibility_timeout=8)
    finally:
        stop(w)
    assert rows(tmp_path / "first.jsonl")[0]["files"][0]["reasons"][0]["code"] == "PATH_REFUSED"
    w = worker(url, tmp_path / "data", "rightroot")
    try:
        scan(manifest, tmp_path / "second.jsonl", broker=url, progress=False, visibility_timeout=8)
    finally:
        stop(w)
    assert rows(tmp_path / "second.jsonl")[0]["status"] == "pass"


def test_unreadable_file_agrees_with_the_local_scan(redis_url, tmp_path) -> None:  # noqa: F811
    url = db(redis_url, 5)
    manifest = one_dossier(tmp_path, GOOD)
    (tmp_path / "files" / "kq.pdf").chmod(0)
    local = tmp_path / "local.jsonl"
    prefix = (
        ["setpriv", "--bounding-set=-dac_override,-dac_read_search", "--inh-caps=-dac_override,-dac_read_search"]
        if os.geteuid() == 0
        else []
    )
    subprocess.run(
        [*prefix, str(EXE), "scan", str(manifest), "--out", str(local), "--no-ocr", "--quiet"],
        env=ENV,
        check=True,
        timeout=300,
    )
    w = subprocess.Popen(
        [
            *prefix,
            str(EXE),
            "worker",
            "--broker",
            url,
            "--concurrency",
            "1",
            "--root",
            str(tmp_path),
            "--no-ocr",
            "--name",
            "noperm@%h",
        ],
        env=ENV,
        start_new_session=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        scan(manifest, tmp_path / "dist.jsonl", broker=url, progress=False, visibility_timeout=8)
    finally:
        stop(w)
    (a,), (b,) = rows(local), rows(tmp_path / "dist.jsonl")
    assert a["status"] == b["status"] == "fail"
    assert a["files"][0]["reasons"] == b["files"][0]["reasons"]
    assert b["files"][0]["reasons"][0]["code"] == "FILE_NOT_READABLE"


def test_resumed_scanner_does_not_queue_twins(redis_url, tmp_path) -> None:  # noqa: F811
    url = db(redis_url, 6)
    manifest = one_dossier(tmp_path, GOOD, count=12)
    out = tmp_path / "v.jsonl"
    cmd = [str(EXE), "scan", str(manifest), "--out", str(out), "--broker", url, "--quiet", "--visibility-timeout", "8"]
    client = redis.Redis.from_url(url)
    scanner = subprocess.Popen(cmd, env=ENV, start_new_session=True, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    while client.llen("resultcheck") < 12 and time.monotonic() < deadline:  # no worker yet: all queued
        time.sleep(0.05)
    stop(scanner)
    assert client.llen("resultcheck") == 12
    resumed = subprocess.Popen([*cmd, "--resume"], env=ENV, start_new_session=True, stderr=subprocess.PIPE)
    log = tmp_path / "worker.log"
    w = worker(url, tmp_path, "resume", log)
    try:
        _, err = resumed.communicate(timeout=300)
        assert resumed.returncode == 0, err.decode()
        assert client.llen("resultcheck") == 0, "the resumed scan queued twins of queued tasks"
    finally:
        stop(w)
    ids = [r["dossier_id"] for r in rows(out)]
    assert len(ids) == len(set(ids)) == 12
    assert log.read_text(errors="replace").count("succeeded in") == 12


def verdict(name: str) -> FileVerdict:
    return FileVerdict(name, "0" * 64, 1, "application/pdf", Category.RESULT, 0.9, (), {})


def test_a_dead_workers_redis_claim_expires_within_the_lease(redis_url, tmp_path) -> None:  # noqa: F811
    client = redis.Redis.from_url(db(redis_url, 7))
    path = tmp_path / "kq.pdf"
    shutil.copy(GOOD, path)
    dead = RedisFileCache(client, "k", lease=1.5)
    # a claim as a worker leaves it when SIGKILLed mid-check: set, never renewed
    from resultcheck.hashing import sha256_file

    client.set(f"resultcheck:file:{sha256_file(path)}|k", b"pending:dead", ex=2)
    started = time.monotonic()
    got = dead.cached_check(sha256_file(path), lambda: verdict("fresh"), wait_seconds=300)
    assert got.path == "fresh" and time.monotonic() - started < 5
    # a live claim is renewed: a long check is not taken over, and the other waits for its verdict
    other = tmp_path / "other.pdf"
    shutil.copy(BLANK, other)
    calls = []

    def slow() -> FileVerdict:
        calls.append(1)
        time.sleep(4)  # longer than the lease: only renewal keeps the claim
        return verdict("slow")

    first = threading.Thread(
        target=lambda: RedisFileCache(client, "k", lease=1.5).cached_check(sha256_file(other), slow, wait_seconds=300)
    )
    first.start()
    time.sleep(0.5)
    second = RedisFileCache(client, "k", lease=1.5).cached_check(
        sha256_file(other), lambda: calls.append(2) or verdict("twin"), wait_seconds=300
    )
    first.join()
    assert second.path == "slow" and calls == [1]


def test_a_stale_sqlite_claim_is_taken_over(tmp_path) -> None:
    store = Store(tmp_path / "s.sqlite")
    # a live process (pid 1) that stopped renewing: stale after the lease
    store.db.execute(
        "INSERT INTO files(key, sha256, state, owner, updated) VALUES ('abc|k', 'abc', 'pending', 1, ?)",
        (time.time() - 30,),
    )
    started = time.monotonic()
    got = store.cached_check("abc", "k", lambda: verdict("mine"), wait_seconds=300, lease=5)
    assert got.path == "mine" and time.monotonic() - started < 2
    from resultcheck.messages import reason

    unreadable = FileVerdict(
        "x", "", 0, "", Category.UNREADABLE, 1.0, (reason("FILE_NOT_READABLE", "access", path="x", why="w"),), {}
    )
    store.cached_check("def", "k", lambda: unreadable, wait_seconds=5)
    left = sqlite3.connect(tmp_path / "s.sqlite").execute("SELECT COUNT(*) FROM files WHERE sha256='def'").fetchone()
    assert left == (0,)


def test_broker_fault_run_worker_killed_faults_injected_file_changed(redis_url, tmp_path) -> None:  # noqa: F811
    """The fault-injection run over --broker: 60 dossiers, 10 % of files EIO, one of two workers
    SIGKILLed mid-run; then a file changed and scanned again gets a fresh verdict."""
    import random

    from tests.test_fault_injection import HOOK, essence, make_corpus
    from tests.test_fault_injection import rows as unique_rows

    url = db(redis_url, 8)
    records = make_corpus(tmp_path, 60)
    manifest = tmp_path / "manifest.jsonl"
    reference = tmp_path / "reference.jsonl"
    subprocess.run(
        [str(EXE), "scan", str(manifest), "--out", str(reference), "--workers", "2", "--no-ocr", "--quiet"],
        env=ENV,
        check=True,
        timeout=300,
        stderr=subprocess.DEVNULL,
    )
    files = sorted(str((tmp_path / r[k][0]["path"]).resolve()) for r in records for k in ("inputs", "results"))
    faulty = set(random.Random(77).sample(files, len(files) // 10))
    (tmp_path / "faults.txt").write_text("\n".join(sorted(faulty)) + "\n", encoding="utf-8")
    env = {
        **ENV,
        "PYTHONPATH": os.pathsep.join(filter(None, [str(HOOK), ENV.get("PYTHONPATH")])),
        "RESULTCHECK_TEST_FAULTS": str(tmp_path / "faults.txt"),
    }

    def start(name: str) -> subprocess.Popen:
        return subprocess.Popen(
            [
                str(EXE),
                "worker",
                "--broker",
                url,
                "--concurrency",
                "1",
                "--root",
                str(tmp_path),
                "--visibility-timeout",
                "8",
                "--no-ocr",
                "--name",
                f"{name}@%h",
            ],
            env=env,
            start_new_session=True,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )

    workers = [start("f1"), start("f2")]
    out = tmp_path / "dist.jsonl"
    try:
        scanner = subprocess.Popen(
            [
                str(EXE),
                "scan",
                str(manifest),
                "--out",
                str(out),
                "--broker",
                url,
                "--quiet",
                "--visibility-timeout",
                "8",
            ],
            env=env,
            stderr=subprocess.PIPE,
        )
        deadline = time.monotonic() + 300
        while time.monotonic() < deadline and (not out.exists() or out.read_bytes().count(b"\n") < 15):
            time.sleep(0.05)
        os.killpg(workers[0].pid, signal.SIGKILL)  # mid-task: its claim and its task are left behind
        killed = time.monotonic()
        trace = []
        while scanner.poll() is None and time.monotonic() - killed < 300:
            n = out.read_bytes().count(b"\n")
            if not trace or trace[-1][1] != n:
                trace.append((round(time.monotonic() - killed, 1), n))
            time.sleep(0.1)
        _, err = scanner.communicate(timeout=60)
        recovery = time.monotonic() - killed
        print("\nlines after the kill (s, lines):", trace)
        assert scanner.returncode == 0, err.decode()[-2000:]
        got, expected = unique_rows(out), unique_rows(reference)
        assert set(got) == set(expected) and len(got) == 60
        faulted = {
            r["dossier_id"]
            for r in records
            if {str((tmp_path / r[k][0]["path"]).resolve()) for k in ("inputs", "results")} & faulty
        }
        assert all(essence(got[i]) == essence(expected[i]) for i in set(got) - faulted)
        assert all(
            got[r["dossier_id"]]["files"][0]["reasons"][0]["code"] == "FILE_NOT_READABLE"
            for r in records
            if str((tmp_path / r["results"][0]["path"]).resolve()) in faulty
        )
        # a blank result replaced by the genuine one of another dossier: scanned again, a fresh verdict
        blank = next(r for n, r in enumerate(records) if n % 4 == 2 and r["dossier_id"] not in faulted)
        genuine = next(r for n, r in enumerate(records) if n % 4 == 0 and r["dossier_id"] not in faulted)
        shutil.copy(tmp_path / genuine["results"][0]["path"], tmp_path / blank["results"][0]["path"])
        again = tmp_path / "again.jsonl"
        scan(manifest, again, broker=url, progress=False, visibility_timeout=8)
        rescanned = unique_rows(again)
        assert got[blank["dossier_id"]]["status"] == "fail" and rescanned[blank["dossier_id"]]["status"] == "pass"
    finally:
        for w in workers:
            stop(w)
    print(
        f"\nBROKER FAULT RUN: dossiers 60, EIO faults {len(faulty)}, worker SIGKILLed mid-run, all 60 written once, "
        f"verdicts equal on {60 - len(faulted)} clean dossiers, scan finished {recovery:.1f} s after the kill "
        f"(visibility timeout 8 s, claim lease 10 s); changed file re-judged: fail -> pass"
    )

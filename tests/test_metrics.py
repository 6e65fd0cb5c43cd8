"""Metrics counted from verdicts: files by category, OCR seconds, limits hit, parser restarts."""

from __future__ import annotations

from prometheus_client.parser import text_string_to_metric_families

from resultcheck.messages import reason
from resultcheck.metrics import Metrics


def samples(metrics: Metrics) -> dict[tuple[str, tuple], float]:
    body, _ = metrics.exposition()
    return {
        (s.name, tuple(sorted(s.labels.items()))): s.value
        for family in text_string_to_metric_families(body.decode())
        for s in family.samples
    }


def file(category: str, *reasons) -> dict:
    return {"category": category, "reasons": [r.to_dict() for r in reasons]}


def test_counts_come_from_the_verdicts() -> None:
    metrics = Metrics()
    metrics.observe_file(file("result", reason("OCR_USED", "ocr", page=1, words=120, seconds=2.5)))
    metrics.observe_dossier(
        {
            "status": "fail",
            "reasons": [],
            "files": [
                file(
                    "blank",
                    reason("OCR_USED", "ocr", page=1, words=3, seconds=1.25),
                    reason("LIMIT_PAGES", "pdf", limit=20, count=31),
                ),
                file("unreadable", reason("PARSER_CRASHED", "isolation", detail="SIGSEGV")),
                file("unreadable", reason("LIMIT_FILE_TIME", "isolation", limit=60)),
                file("other"),
            ],
        }
    )
    got = samples(metrics)
    assert got[("resultcheck_files_total", (("category", "result"),))] == 1
    assert got[("resultcheck_files_total", (("category", "unreadable"),))] == 2
    assert got[("resultcheck_files_total", (("category", "other"),))] == 1
    assert got[("resultcheck_dossiers_total", (("status", "fail"),))] == 1
    assert abs(got[("resultcheck_ocr_seconds_total", ())] - 3.75) < 1e-9  # 2.5 + 1.25, read from the messages
    assert got[("resultcheck_limits_total", (("code", "LIMIT_PAGES"),))] == 1
    assert got[("resultcheck_limits_total", (("code", "LIMIT_FILE_TIME"),))] == 1
    assert got[("resultcheck_parser_restarts_total", (("code", "PARSER_CRASHED"),))] == 1
    assert got[("resultcheck_parser_restarts_total", (("code", "LIMIT_FILE_TIME"),))] == 1
    assert ("resultcheck_limits_total", (("code", "PARSER_CRASHED"),)) not in got


WORKER_SCRIPT = r"""
import json, multiprocessing, os, sys, urllib.request
from resultcheck.worker_metrics import install_from_environment, observe_task
port = install_from_environment(None)
verdict = {"dossier_id": "d", "status": "fail", "reasons": [], "files": [
    {"category": "archive", "reasons": [{"code": "LIMIT_ARCHIVE_MEMBERS", "detector": "archive", "message": "…"}]}]}
def task():  # what a Celery pool process does after each task
    observe_task(retval=json.dumps(verdict), state="SUCCESS")
    observe_task(retval="not json", state="SUCCESS")
    observe_task(retval=None, state="FAILURE")
workers = [multiprocessing.get_context("fork").Process(target=task) for _ in range(2)]
for w in workers: w.start()
for w in workers: w.join()
sys.stdout.write(urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=10).read().decode())
"""


def test_worker_processes_add_up_on_one_port(tmp_path) -> None:
    import os
    import subprocess
    import sys

    from tests.test_service import free_port

    env = {**os.environ, "RESULTCHECK_WORKER_METRICS_PORT": str(free_port()), "PROMETHEUS_MULTIPROC_DIR": str(tmp_path)}
    done = subprocess.run([sys.executable, "-c", WORKER_SCRIPT], capture_output=True, text=True, timeout=60, env=env)
    assert done.returncode == 0, done.stderr[-2000:]
    got = {
        (s.name, tuple(sorted(s.labels.items()))): s.value
        for family in text_string_to_metric_families(done.stdout)
        for s in family.samples
    }
    assert got[("resultcheck_files_total", (("category", "archive"),))] == 2  # one per pool process
    assert got[("resultcheck_dossiers_total", (("status", "fail"),))] == 2
    assert got[("resultcheck_limits_total", (("code", "LIMIT_ARCHIVE_MEMBERS"),))] == 2

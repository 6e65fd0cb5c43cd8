"""HTTP latency under concurrent clients, and distributed-scan throughput with 1 and 2 workers.

    python -m benchmarks.service [--requests 12] [--dossiers 40]

Starts a real `resultcheck serve` on a loopback port and 4 client threads posting a
text-layer PDF, then a scanned page; then a real redis-server, `resultcheck worker`s and
`resultcheck scan --broker` over generated dossiers with 1 and then 2 workers.
"""

from __future__ import annotations

import argparse
import concurrent.futures
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

from fixtures.dossiers import write as write_dossiers
from fixtures.generate import Generator
from fixtures.layout import pdf_pages
from fixtures.scan import encode

EXE = Path(sys.executable).with_name("resultcheck")
ENV = {**os.environ, "OMP_THREAD_LIMIT": "1"}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_http(url: str, seconds: float = 90) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            if httpx.get(url, timeout=1).status_code == 200:
                return
        except httpx.HTTPError:
            time.sleep(0.2)
    raise SystemExit(f"{url} did not answer")


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def http_latency(requests: int, clients: int = 4) -> list[str]:
    g = Generator(77)
    samples = {
        "text-layer PDF": ("qd.pdf", pdf_pages([g.document("decision")[1]])),
        "scanned page (OCR)": ("scan.jpg", encode(g.scan(g.document("application")[1], 200), "jpeg", 200, quality=70)),
    }
    port = free_port()
    server = subprocess.Popen(
        [str(EXE), "serve", "--port", str(port), "--checkers", "2"],
        env=ENV,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    rows = []
    try:
        url = f"http://127.0.0.1:{port}"
        wait_http(url + "/healthz")
        for kind, (name, data) in samples.items():
            httpx.post(url + "/v1/files:check", files={"file": (name, data)}, timeout=120)  # warm

            def one(_: int, name: str = name, data: bytes = data) -> float:
                started = time.perf_counter()
                answer = httpx.post(url + "/v1/files:check", files={"file": (name, data)}, timeout=120)
                answer.raise_for_status()
                return (time.perf_counter() - started) * 1000

            started = time.perf_counter()
            with concurrent.futures.ThreadPoolExecutor(clients) as pool:
                latencies = list(pool.map(one, range(requests)))
            seconds = time.perf_counter() - started
            rows.append(
                f"| {kind} | {clients} | {requests} | {percentile(latencies, 0.5):.0f} | "
                f"{percentile(latencies, 0.95):.0f} | {requests / seconds:.2f} |"
            )
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(30)
    return rows


def distributed_throughput(count: int) -> list[str]:
    redis = shutil.which("redis-server")
    if redis is None:
        return ["| (redis-server not installed) | | | |"]
    folder = Path(tempfile.mkdtemp(prefix="resultcheck-dist-"))
    write_dossiers(folder, count, seed=6060, compact=True)
    rows = []
    for workers in (1, 2):
        port = free_port()
        broker = f"redis://127.0.0.1:{port}/0"
        server = subprocess.Popen(
            [
                redis,
                "--port",
                str(port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                str(folder),
            ],
            stdout=subprocess.DEVNULL,
        )
        time.sleep(0.5)
        procs = [
            subprocess.Popen(
                [
                    str(EXE),
                    "worker",
                    "--broker",
                    broker,
                    "--concurrency",
                    "1",
                    "--root",
                    str(folder),
                    "--name",
                    f"bench{i}@%h",
                ],
                env=ENV,
                start_new_session=True,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
            for i in range(workers)
        ]
        try:
            time.sleep(3)
            out = folder / f"w{workers}.jsonl"
            started = time.perf_counter()
            subprocess.run(
                [str(EXE), "scan", str(folder / "manifest.jsonl"), "--out", str(out), "--broker", broker, "--quiet"],
                env=ENV,
                check=True,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
            seconds = time.perf_counter() - started
            rows.append((workers, seconds))
        finally:
            for proc in procs:
                os.killpg(proc.pid, signal.SIGKILL)
            server.terminate()
            server.wait(10)
    table = [f"| {w} | {count} | {s:.1f} | {count / s:.2f} |" for w, s in rows]
    table.append(f"\nSpeed-up with 2 workers: {rows[0][1] / rows[1][1]:.2f}x")
    return table


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--requests", type=int, default=12)
    parser.add_argument("--dossiers", type=int, default=40)
    args = parser.parse_args(argv)
    print("## HTTP service and distributed scan\n")
    print("| file | clients | requests | p50 ms | p95 ms | requests/s |\n|---|---|---|---|---|---|")
    print("\n".join(http_latency(args.requests)))
    print("\n| Celery workers | dossiers | seconds | dossiers/s |\n|---|---|---|---|")
    print("\n".join(distributed_throughput(args.dossiers)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

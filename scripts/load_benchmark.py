#!/usr/bin/env python
"""Load benchmark for a saring server on this machine (127.0.0.1/localhost only).

    python scripts/load_benchmark.py --url http://127.0.0.1:8000 [--api-key KEY]
    python scripts/load_benchmark.py --start-server --model models/default

Sends bounded loads: N single-text requests and M 32-text requests (default 400 and 60) at concurrency C
(default 8), after a short warm-up, and prints requests/s, texts/s, p50/p95/p99 latency and the error count
for each. `--start-server` starts `saring serve` on a free loopback port, waits for /readyz, and stops it
afterwards. Texts are synthetic Indonesian sentences written for this script.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlparse

import httpx

LOOPBACK = {"127.0.0.1", "localhost", "::1", "[::1]"}

SUBJECTS = [
    "warga",
    "pak lurah",
    "bupati itu",
    "kantor samsat",
    "petugas puskesmas",
    "anggota dewan",
    "pemerintah daerah",
    "orang kampung sebelah",
    "BMKG",
    "dinas pendidikan",
]
PREDICATES = [
    "sudah memperbaiki jalan di depan pasar",
    "katanya akan membagikan bantuan tunai lewat link",
    "dasar tukang korupsi dana desa",
    "menyebarkan kabar gempa besar besok malam",
    "melayani dengan cepat dan ramah",
    "harus diusir dari kampung ini",
    "lambat sekali mengurus ktp",
    "mengumumkan jadwal vaksinasi minggu depan",
    "bohong soal harga beras",
    "mohon info jam buka kantor",
]
TAILS = [
    "",
    " sebarkan!!",
    " gk percaya bgt",
    " tolong dicek",
    " https://bit.ly/abc",
    " @admin mohon dibalas",
    " semoga cepat selesai",
    " jgn mau ditipu",
]


def make_text(rng: random.Random) -> str:
    return f"{rng.choice(SUBJECTS)} {rng.choice(PREDICATES)}{rng.choice(TAILS)}"


@dataclass
class Result:
    name: str
    requests: int
    texts_per_request: int
    seconds: float
    latencies: list[float]
    errors: int
    statuses: dict[str, int]

    def percentile(self, q: float) -> float:
        if not self.latencies:
            return float("nan")
        xs = sorted(self.latencies)
        k = min(len(xs) - 1, max(0, round(q / 100 * (len(xs) - 1))))
        return xs[k]

    def row(self) -> dict[str, object]:
        ok = self.requests - self.errors
        return {
            "load": self.name,
            "requests": self.requests,
            "texts/request": self.texts_per_request,
            "requests/s": round(ok / self.seconds, 1) if self.seconds else 0.0,
            "texts/s": round(ok * self.texts_per_request / self.seconds, 1) if self.seconds else 0.0,
            "p50 ms": round(self.percentile(50) * 1000, 1),
            "p95 ms": round(self.percentile(95) * 1000, 1),
            "p99 ms": round(self.percentile(99) * 1000, 1),
            "errors": self.errors,
            "statuses": self.statuses,
        }


async def run_load(
    client: httpx.AsyncClient,
    url: str,
    name: str,
    n: int,
    batch: int,
    concurrency: int,
    seed: int,
    explain: bool = False,
) -> Result:
    rng = random.Random(seed)
    bodies = [
        # every text distinct (its own number): the server runs a text it has seen before from its logit cache
        {
            "explain": explain,
            "items": [{"text": f"{make_text(rng)} (no {seed}-{i}-{j})", "id": f"{i}-{j}"} for j in range(batch)],
        }
        for i in range(n)
    ]
    latencies: list[float] = []
    statuses: dict[str, int] = {}
    errors = 0
    queue: asyncio.Queue[dict] = asyncio.Queue()
    for b in bodies:
        queue.put_nowait(b)

    async def worker() -> None:
        nonlocal errors
        while True:
            try:
                body = queue.get_nowait()
            except asyncio.QueueEmpty:
                return
            t0 = time.perf_counter()
            try:
                resp = await client.post(f"{url}/v1/score", json=body)
                key = str(resp.status_code)
                good = resp.status_code == 200 and len(resp.json()["results"]) == len(body["items"])
            except (httpx.HTTPError, ValueError, KeyError) as e:
                key, good = type(e).__name__, False
            latencies.append(time.perf_counter() - t0)
            statuses[key] = statuses.get(key, 0) + 1
            errors += 0 if good else 1

    start = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(concurrency)))
    return Result(name, n, batch, time.perf_counter() - start, latencies, errors, statuses)


async def benchmark(
    url: str, api_key: str | None, n_single: int, n_batch: int, batch_size: int, concurrency: int, explain_n: int
) -> list[Result]:
    headers = {"X-API-Key": api_key} if api_key else {}
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    async with httpx.AsyncClient(headers=headers, timeout=60.0, limits=limits) as client:
        ready = await client.get(f"{url}/readyz")
        if ready.status_code != 200:
            raise SystemExit(f"{url}/readyz answered {ready.status_code}: {ready.text[:300]}")
        model = ready.json().get("model", {})
        print(f"server {url}: model {model.get('name')} {model.get('version')} ({model.get('kind')})")
        await run_load(client, url, "warm-up", min(20, n_single), 1, concurrency, seed=0)
        results = [
            await run_load(client, url, "single text", n_single, 1, concurrency, seed=1),
            await run_load(client, url, f"{batch_size} texts", n_batch, batch_size, concurrency, seed=2),
        ]
        if explain_n:
            results.append(
                await run_load(client, url, "single, explain", explain_n, 1, concurrency, seed=3, explain=True)
            )
        return results


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start_server(model: Path, port: int, data_dir: Path) -> subprocess.Popen[bytes]:
    # The benchmark measures the server, not the rate limiter: the started server has it off.
    env = {
        **os.environ,
        "SARING_DATA_DIR": str(data_dir),
        "SARING_LOG_LEVEL": "WARNING",
        "SARING_RATE_LIMIT_PER_MINUTE": "0",
    }
    env.pop("SARING_API_KEY_HASHES", None)
    env.pop("SARING_REQUIRE_API_KEY", None)
    cmd = [sys.executable, "-m", "serving", "--model", str(model), "--host", "127.0.0.1", "--port", str(port)]
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            err = proc.stderr.read().decode(errors="replace") if proc.stderr else ""
            raise SystemExit(f"the server exited with {proc.returncode}:\n{err[-2000:]}")
        try:
            if httpx.get(f"http://127.0.0.1:{port}/readyz", timeout=2).status_code == 200:
                # A server on a fresh data folder builds its claim store in the background after it is ready (the
                # e5 encoder loading on the same cores): measured at once, a handful of requests waited for it (p99
                # 260-285 ms for 400 requests, 48 ms against a settled server). A claims request waits until the
                # store is there, so the figures are the steady state's.
                httpx.get(f"http://127.0.0.1:{port}/v1/claims", params={"limit": 1}, timeout=300).raise_for_status()
                return proc
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    proc.terminate()
    raise SystemExit("the server did not become ready within 300 s")


def stop_server(proc: subprocess.Popen[bytes]) -> None:
    proc.send_signal(signal.SIGTERM)
    try:
        proc.wait(timeout=30)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


def print_table(results: list[Result]) -> None:
    rows = [r.row() for r in results]
    cols = [c for c in rows[0] if c != "statuses"]
    widths = {c: max(len(c), *(len(str(r[c])) for r in rows)) for c in cols}
    print("  ".join(c.rjust(widths[c]) for c in cols))
    for r in rows:
        print("  ".join(str(r[c]).rjust(widths[c]) for c in cols))
    for r in rows:
        if r["errors"]:
            print(f"{r['load']}: statuses {r['statuses']}")


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--url", default="http://127.0.0.1:8000", help="server on 127.0.0.1/localhost")
    p.add_argument("--api-key", default=os.environ.get("SARING_API_KEY"), help="key, if the server needs one")
    p.add_argument("--start-server", action="store_true", help="start `saring serve` on a free port first")
    p.add_argument("--model", type=Path, help="model directory for --start-server")
    p.add_argument("--requests", type=int, default=400, help="single-text requests")
    p.add_argument("--batch-requests", type=int, default=60, help="requests of --batch-size texts")
    p.add_argument("--batch-size", type=int, default=32)
    p.add_argument("--concurrency", type=int, default=8)
    p.add_argument("--explain-requests", type=int, default=0, help="also time explained single texts")
    p.add_argument("--json", type=Path, help="also write the figures as JSON")
    args = p.parse_args(argv)

    for name in ("requests", "batch_requests", "batch_size", "concurrency"):
        if not 1 <= getattr(args, name) <= 100_000:
            p.error(f"--{name.replace('_', '-')} must be between 1 and 100000")
    proc = None
    if args.start_server:
        if args.model is None:
            p.error("--start-server needs --model DIR")
        import tempfile

        port = free_port()
        tmp = tempfile.TemporaryDirectory(prefix="saring-bench-")
        t0 = time.perf_counter()
        proc = start_server(args.model, port, Path(tmp.name))
        print(f"started saring serve on 127.0.0.1:{port} (ready in {time.perf_counter() - t0:.1f} s)")
        url = f"http://127.0.0.1:{port}"
    else:
        url = args.url.rstrip("/")
        host = urlparse(url).hostname or ""
        if host not in LOOPBACK and f"[{host}]" not in LOOPBACK:
            p.error(f"refusing to load-test {host!r}: this script only targets a server on 127.0.0.1/localhost")
    try:
        results = asyncio.run(
            benchmark(
                url,
                args.api_key,
                args.requests,
                args.batch_requests,
                args.batch_size,
                args.concurrency,
                args.explain_requests,
            )
        )
    finally:
        if proc is not None:
            stop_server(proc)
    print(f"concurrency {args.concurrency}; latency is per request, client side")
    print_table(results)
    if args.json:
        args.json.write_text(json.dumps([r.row() for r in results], indent=2))
    return 1 if any(r.errors for r in results) else 0


if __name__ == "__main__":
    sys.exit(main())

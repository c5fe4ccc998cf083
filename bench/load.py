"""HTTP load against a served app: sequential latency with one keep-alive client, and concurrent throughput."""

from __future__ import annotations

import asyncio
import itertools
import statistics
import time
from dataclasses import dataclass

import httpx


@dataclass(frozen=True)
class LoadResult:
    """Latencies (ms) of the requests that succeeded, the failures, and the answers per second."""

    clients: int
    latencies_ms: list[float]
    errors: int
    seconds: float

    @property
    def throughput(self) -> float:
        return len(self.latencies_ms) / self.seconds

    def percentile(self, p: float) -> float:
        return percentile(self.latencies_ms, p)


def percentile(values: list[float], p: float) -> float:
    """The p-th percentile (0-100) of `values`, interpolated."""
    if not values:
        return float("nan")
    if len(values) == 1:
        return values[0]
    return statistics.quantiles(values, n=1000, method="inclusive")[min(998, max(0, round(p * 10) - 1))]


def sequential(url: str, questions: list[str], requests: int) -> LoadResult:
    """`requests` questions one after another on one keep-alive connection."""
    latencies, errors = [], 0
    cycle = itertools.cycle(questions)
    with httpx.Client(base_url=url, timeout=60) as client:
        client.post("/ask", json={"question": questions[0]})  # open the connection first
        started = time.perf_counter()
        for _ in range(requests):
            sent = time.perf_counter()
            response = client.post("/ask", json={"question": next(cycle)})
            if response.status_code == 200:
                latencies.append((time.perf_counter() - sent) * 1000)
            else:
                errors += 1
        return LoadResult(1, latencies, errors, time.perf_counter() - started)


def concurrent(url: str, questions: list[str], clients: int, seconds: float) -> LoadResult:
    """`clients` keep-alive clients asking back to back for `seconds`."""
    return asyncio.run(_concurrent(url, questions, clients, seconds))


async def _concurrent(url: str, questions: list[str], clients: int, seconds: float) -> LoadResult:
    latencies: list[float] = []
    errors = 0
    limits = httpx.Limits(max_connections=clients, max_keepalive_connections=clients)
    async with httpx.AsyncClient(base_url=url, timeout=120, limits=limits) as client:

        async def worker(n: int, deadline: float) -> None:
            nonlocal errors
            for i in itertools.count(n):
                if time.perf_counter() >= deadline:
                    return
                sent = time.perf_counter()
                try:
                    response = await client.post("/ask", json={"question": questions[i % len(questions)]})
                    ok = response.status_code == 200
                except httpx.HTTPError:
                    ok = False
                if ok:
                    latencies.append((time.perf_counter() - sent) * 1000)
                else:
                    errors += 1

        await asyncio.gather(*(worker(n, time.perf_counter() + 1.0) for n in range(clients)))  # warm-up
        latencies.clear()
        errors = 0
        started = time.perf_counter()
        await asyncio.gather(*(worker(n * 7, started + seconds) for n in range(clients)))
        return LoadResult(clients, latencies, errors, time.perf_counter() - started)

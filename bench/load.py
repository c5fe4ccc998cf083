"""HTTP load against a served app: sequential latency with one keep-alive client, and concurrent throughput."""

from __future__ import annotations

import asyncio
import itertools
import json
import statistics
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import httpx

from server.timing import parse


@dataclass(frozen=True)
class LoadResult:
    """Latencies (ms) of the requests that succeeded, the failures, and the answers per second."""

    clients: int
    latencies_ms: list[float]
    errors: int
    seconds: float
    stages_ms: list[dict[str, float]] = field(default_factory=list)  # each answer's Server-Timing, when sent

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


Asked = str | dict[str, Any]  # a question, or a whole /ask body (with history, say)


def sequential(url: str, questions: Sequence[Asked], seconds: float) -> LoadResult:
    """One keep-alive client asking back to back for `seconds`: latency with nothing else in flight."""
    return concurrent(url, questions, 1, seconds)


def concurrent(url: str, questions: Sequence[Asked], clients: int, seconds: float) -> LoadResult:
    """`clients` keep-alive connections asking back to back for `seconds`.

    The client is a bare HTTP/1.1 writer and reader on uvloop, like wrk: on a 2-core machine a
    heavier client would take the CPU the servers under test need, and measure itself.
    """
    import uvloop

    return uvloop.run(_concurrent(url, questions, clients, seconds))


async def _concurrent(url: str, questions: Sequence[Asked], clients: int, seconds: float) -> LoadResult:
    address = httpx.URL(url)
    requests = [_request(address.host, q) for q in questions]
    latencies: list[float] = []
    stages: list[dict[str, float]] = []
    errors = 0

    async def worker(n: int, deadline: float, record: bool) -> None:
        nonlocal errors
        reader, writer = await asyncio.open_connection(address.host, address.port)
        try:
            for i in itertools.count(n):
                if time.perf_counter() >= deadline:
                    return
                sent = time.perf_counter()
                writer.write(requests[i % len(requests)])
                try:
                    status, timing = await _read_response(reader)
                except (ConnectionError, asyncio.IncompleteReadError, ValueError):
                    errors += record
                    reader, writer = await asyncio.open_connection(address.host, address.port)
                    continue
                if status == 200 and record:
                    latencies.append((time.perf_counter() - sent) * 1000)
                    stages.append(parse(timing) if timing else {})
                elif status != 200:
                    errors += record
        finally:
            writer.close()

    await asyncio.gather(*(worker(n, time.perf_counter() + 1.0, False) for n in range(clients)))  # warm-up
    started = time.perf_counter()
    await asyncio.gather(*(worker(n * 7, started + seconds, True) for n in range(clients)))
    return LoadResult(clients, latencies, errors, time.perf_counter() - started, stages)


def _request(host: str, asked: Asked) -> bytes:
    body = json.dumps(asked if isinstance(asked, dict) else {"question": asked}).encode()
    head = (
        f"POST /ask HTTP/1.1\r\nHost: {host}\r\nContent-Type: application/json\r\nContent-Length: {len(body)}\r\n\r\n"
    )
    return head.encode() + body


async def _read_response(reader: asyncio.StreamReader) -> tuple[int, str | None]:
    """The status and the Server-Timing header (None when not sent) of one response, its body read."""
    head = await reader.readuntil(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split(" ", 2)[1])
    headers = {k.strip().lower(): v.strip() for k, _, v in (line.partition(":") for line in lines[1:])}
    await reader.readexactly(int(headers.get("content-length", 0)))
    return status, headers.get("server-timing")

"""The OpenAI-compatible route against /ask: the same questions, one keep-alive client, the same server."""

from __future__ import annotations

import itertools
import statistics
import time
from collections.abc import Callable
from pathlib import Path

import httpx

from bench.processes import free_port, launch, our_server
from bench.serving import NO_CACHE


def chat_lines(index_dir: Path, questions: list[str], seconds: float) -> list[str]:
    """Serve the index, time /ask, /v1/chat/completions and its streamed form in interleaved turns; a section."""
    port = free_port()
    with launch(our_server(index_dir, port), port, env=NO_CACHE) as served, httpx.Client(base_url=served.url) as client:
        model = client.get("/v1/models").json()["data"][0]["id"]
        routes: dict[str, Callable[[str], None]] = {
            "`POST /ask`": lambda q: _ok(client.post("/ask", json={"question": q})),
            "`POST /v1/chat/completions`": lambda q: _ok(client.post("/v1/chat/completions", json=_chat(model, q))),
            "`POST /v1/chat/completions`, `stream: true`": lambda q: _streamed(client, model, q),
        }
        times: dict[str, list[float]] = {name: [] for name in routes}
        asked = itertools.cycle(questions)
        deadline = time.perf_counter() + seconds * len(routes)
        while time.perf_counter() < deadline:  # each question asked on every route in turn: drift touches all
            question = next(asked)
            for name, ask in routes.items():
                started = time.perf_counter()
                ask(question)
                times[name].append((time.perf_counter() - started) * 1000)
    base = statistics.median(times["`POST /ask`"])
    lines = [
        "",
        "## The chat API against /ask (one keep-alive client, httpx, the same questions interleaved)",
        "",
        "| route | p50 ms | vs /ask |",
        "|---|---:|---:|",
    ]
    for name, measured in times.items():
        p50 = statistics.median(measured)
        lines.append(f"| {name} | {p50:.1f} | {p50 / base:.2f}x |")
    return lines


def _chat(model: str, question: str, stream: bool = False) -> dict[str, object]:
    return {"model": model, "messages": [{"role": "user", "content": question}], "stream": stream}


def _ok(response: httpx.Response) -> None:
    response.raise_for_status()


def _streamed(client: httpx.Client, model: str, question: str) -> None:
    with client.stream("POST", "/v1/chat/completions", json=_chat(model, question, stream=True)) as response:
        response.raise_for_status()
        for _ in response.iter_bytes():  # read to the last chunk, [DONE] included
            pass

"""Where a request's time goes, stage by stage, at 1 and at 16 clients: the bench's table of it.

The server reports its stages in each response's Server-Timing header; what it cannot see (the
client, the loopback network, uvicorn's parsing and writing) is the client's latency less the
server's total. Search and composition run as one stage in the server; their split is timed
in-process on the same questions and index.
"""

from __future__ import annotations

import statistics
import time

from answering import answer_question
from bench.load import LoadResult
from index import Searcher
from server.timing import STAGES

# The table's rows between HTTP and the rest: the server's own stages, as its header names them.
ROWS = {name: description for name, description in STAGES.items() if name != "total"}
SEARCH_LIMIT = 20  # what answer_question asks the searcher for


def split_answering(searcher: Searcher, questions: list[str]) -> tuple[float, float]:
    """Mean ms of search, and of the rest of composing an answer, per question, in-process."""
    vectors = searcher.embedder.embed(questions)
    search, whole = [], []
    for question, vector in zip(questions, vectors, strict=True):
        started = time.perf_counter()
        searcher.search(question, limit=SEARCH_LIMIT, vector=vector)
        searched = time.perf_counter()
        answer_question(searcher, question, vector=vector)
        search.append(searched - started)
        whole.append(time.perf_counter() - searched)
    search_ms, whole_ms = statistics.mean(search) * 1000, statistics.mean(whole) * 1000
    return search_ms, max(0.0, whole_ms - search_ms)


def stage_lines(one: LoadResult, sixteen: LoadResult, split: tuple[float, float]) -> list[str]:
    """The stage table: mean ms per answer and share of the client's latency, at 1 and 16 clients."""
    columns = [_means(one), _means(sixteen)]
    lines = [
        "",
        "## Where a request's time goes",
        "",
        "Means over every answer of the median round (Server-Timing headers); shares are of the client's latency. "
        "HTTP in and out is the client's latency less the server's total: the client, loopback, uvicorn's "
        "parsing and writing. Queueing includes the wait behind the other questions of a batch; embedding is "
        "the whole batch's forward pass, which each of its questions waits through.",
        "",
        "| stage | what | 1 client ms | share | 16 clients ms | share |",
        "|---|---|---:|---:|---:|---:|",
    ]
    rows = [("http", "client, loopback, HTTP parse and write"), *ROWS.items(), ("other", "middleware, routing")]
    for name, what in rows:
        lines.append(f"| {name} | {what} | " + " | ".join(_cell(c, name) for c in columns) + " |")
    lines.append("| **latency** | as the client saw it | " + " | ".join(_cell(c, "latency") for c in columns) + " |")
    search_ms, composition_ms = split
    lines += [
        "",
        f"In-process on the same questions, answering splits into search {search_ms:.2f} ms and composition "
        f"{composition_ms:.2f} ms per question.",
    ]
    return lines


def _means(result: LoadResult) -> dict[str, float]:
    timed = [(latency, stages) for latency, stages in zip(result.latencies_ms, result.stages_ms, strict=True) if stages]
    if not timed:
        return {}
    means = {name: statistics.mean(stages.get(name, 0.0) for _, stages in timed) for name in ROWS}
    means["latency"] = statistics.mean(latency for latency, _ in timed)
    means["http"] = statistics.mean(latency - stages.get("total", 0.0) for latency, stages in timed)
    means["other"] = statistics.mean(
        stages.get("total", 0.0) - sum(stages.get(name, 0.0) for name in ROWS) for _, stages in timed
    )
    return means


def _cell(means: dict[str, float], name: str) -> str:
    if name not in means:
        return "- | -"
    return f"{means[name]:.2f} | {means[name] / means['latency']:.0%}"

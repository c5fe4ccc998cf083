"""The bench's table of where a request's time goes, from Server-Timing headers."""

from __future__ import annotations

from bench.load import LoadResult
from bench.stages import stage_lines


def _result(clients: int, latency_ms: float, stages: dict[str, float]) -> LoadResult:
    return LoadResult(clients, [latency_ms, latency_ms], 0, 1.0, [stages, stages])


def test_each_stage_is_its_mean_and_http_is_what_the_server_did_not_see() -> None:
    one = _result(1, 12.0, {"validation": 0.5, "embedding": 9.0, "answering": 0.5, "total": 10.5})
    sixteen = _result(16, 60.0, {"queue": 10.0, "embedding": 40.0, "handoff": 6.0, "total": 57.0})
    rows = {line.split(" | ")[0].strip("| *"): line for line in stage_lines(one, sixteen, (0.3, 0.2))}
    assert rows["http"].endswith("| 1.50 | 12% | 3.00 | 5% |")  # latency less the server's total
    assert rows["embedding"].endswith("| 9.00 | 75% | 40.00 | 67% |")
    assert rows["queue"].endswith("| 0.00 | 0% | 10.00 | 17% |")  # a stage a request never met counts 0
    assert rows["other"].endswith("| 0.50 | 4% | 1.00 | 2% |")  # the total less the named stages
    assert rows["latency"].endswith("| 12.00 | 100% | 60.00 | 100% |")
    assert any("search 0.30 ms and composition 0.20 ms" in line for line in rows.values())


def test_a_server_that_sends_no_header_leaves_its_column_empty() -> None:
    silent = LoadResult(1, [10.0], 0, 1.0, [{}])
    lines = stage_lines(silent, silent, (0.0, 0.0))
    assert any(line.startswith("| embedding |") and line.endswith("| - | - | - | - |") for line in lines)

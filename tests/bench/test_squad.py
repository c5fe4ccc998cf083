"""The SQuAD section's pieces that need no server."""

from __future__ import annotations

from bench.load import LoadResult
from bench.squad import _merged


def test_stretches_of_one_load_merge_into_one_result() -> None:
    merged = _merged([LoadResult(1, [5.0, 7.0], 0, 2.0), LoadResult(1, [6.0], 1, 2.5)])
    assert merged.latencies_ms == [5.0, 7.0, 6.0]
    assert merged.errors == 1 and merged.seconds == 4.5 and merged.clients == 1
    assert merged.percentile(50) == 6.0

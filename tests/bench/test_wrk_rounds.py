"""The wrk rounds' report: the round of median share, each share against its own round's model."""

from __future__ import annotations

from bench.serving import WrkRound, WrkRounds
from bench.wrk import WrkResult


def _round(throughput_16: float, model_16: float) -> WrkRound:
    def result(clients: int, throughput: float) -> WrkResult:
        return WrkResult(clients, throughput, 10.0, 12.0, 14.0, 20.0, 0, 0.005)

    return WrkRound({1: result(1, 100.0), 16: result(16, throughput_16)}, {1: 150.0, 16: model_16})


def test_the_round_shown_is_the_median_share_of_its_own_models_rate() -> None:
    # The fastest server round met the slowest model: throughput alone would pick another round.
    rounds = WrkRounds([_round(300.0, 400.0), _round(250.0, 500.0), _round(280.0, 450.0)])
    assert [round(r.share(), 3) for r in rounds.rounds] == [0.75, 0.5, 0.622]
    assert rounds.median() is rounds.rounds[2]

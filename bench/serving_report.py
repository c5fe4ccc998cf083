"""The serving sections of bench/results.md: latency against the floor, throughput, targets."""

from __future__ import annotations

import os
import statistics

from bench import profiling, threads
from bench.load import LoadResult, percentile
from bench.serving import LEVELS, Load, Serving


def serving_lines(serving: Serving, load: Load, model_rates: dict[int, float], profile: bool) -> list[str]:
    """The serving sections of the results."""
    lines = _latency_lines(serving) + _throughput_lines(serving, load) + _target_lines(serving, load)
    lines += _model_share_lines(serving, model_rates) + _wrk_lines(serving, load)
    # The model's rate is the wrk round's shown.
    model_ms = 1000 / serving.wrk_ours.median().model_rates[16]
    lines += threads.thread_lines(serving.thread_cpu, model_ms, os.cpu_count() or 1)
    if profile and profiling.PROFILE.is_file():
        lines += profiling.summary()
    return lines


def _latency_lines(serving: Serving) -> list[str]:
    floor = serving.floor
    return [
        "",
        "## Latency against the floor",
        "",
        f"Floor: bare `model.encode` of one question, in-process, p50 **{floor:.1f} ms** (timed before "
        "and after the server's rounds). Sequential is one keep-alive client, the median round of the "
        "1-client level below.",
        "",
        "| system | sequential p50 ms | p95 ms | p99 ms | p50 / floor |",
        "|---|---:|---:|---:|---:|",
        _seq_row("ours", serving.ours.median(1), floor),
        _seq_row("ours, repeated question (answer cache)", serving.cached, floor),
        _seq_row("LangChain peer (1000/200 chunks, FAISS, top 4)", serving.peer.median(1), floor),
    ]


def _throughput_lines(serving: Serving, load: Load) -> list[str]:
    lines = [
        "",
        "## Throughput under concurrency (keep-alive clients, back to back)",
        "",
        f"Each level ran {load.rounds} times for {load.seconds:g} s, the levels interleaved; each row is the round "
        "with the median throughput, errors are summed over all rounds.",
        "",
        "| clients | ours answers/s | ours p95 ms | ours errors | peer answers/s | peer p95 ms | peer errors |",
        "|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for clients in LEVELS:
        a, b = serving.ours.median(clients), serving.peer.median(clients)
        lines.append(
            f"| {clients} | {a.throughput:.1f} | {a.percentile(95):.1f} | {serving.ours.errors(clients)} "
            f"| {b.throughput:.1f} | {b.percentile(95):.1f} | {serving.peer.errors(clients)} |"
        )
    return lines


def _target_lines(serving: Serving, load: Load) -> list[str]:
    floor, ours = serving.floor, serving.ours
    p50 = ours.median(1).percentile(50)
    at16, peer16 = ours.median(16).throughput, serving.peer.median(16).throughput
    gains = sorted(ours.ratios(16))
    gain = statistics.median(gains)
    rounds = f"median of {load.rounds} rounds" if load.rounds > 1 else "one round"
    cold_start = statistics.median(serving.cold_starts)
    cold_starts = ", ".join(f"{c:.2f}" for c in sorted(serving.cold_starts))
    return [
        "",
        "## Targets",
        "",
        "| target | measured | met |",
        "|---|---|---|",
        _target(
            "sequential /ask p50 <= 1.5x floor", f"{p50 / floor:.2f}x ({p50:.1f} / {floor:.1f} ms)", p50 <= 1.5 * floor
        ),
        _target(
            "16 clients >= 3x sequential throughput",
            f"{gain:.2f}x ({rounds}: " + ", ".join(f"{g:.2f}x" for g in gains) + ")",
            gain >= 3,
        ),
        _target(
            "16 clients >= 2x the peer's",
            f"{at16 / peer16:.2f}x ({at16:.1f} / {peer16:.1f} answers/s)",
            at16 >= 2 * peer16,
        ),
        _target("no errors at 64 clients", f"{ours.errors(64)} errors", ours.errors(64) == 0),
        _target(
            "cold start < 6 s (launch to first answer)", f"{cold_start:.2f} s (median of {cold_starts})", cold_start < 6
        ),
        _target(
            "server RSS < 800 MB (peak, under load)",
            f"{serving.rss:.0f} MB (on {serving.allocator})",
            serving.rss < 800,
        ),
    ]


def _model_share_lines(serving: Serving, model_rates: dict[int, float]) -> list[str]:
    healthz = serving.healthz
    alone, at16 = serving.ours.median(1).throughput, serving.ours.median(16).throughput
    return [
        "",
        f"Under 64 clients, `/healthz` p50 {percentile(healthz, 50):.1f} ms, max {max(healthz):.1f} ms "
        "(CPU work runs off the event loop).",
        f"Peer: cold start {serving.peer_cold:.2f} s, peak RSS {serving.peer_rss:.0f} MB.",
        "",
        # What bounds the 16-clients-vs-sequential ratio: the model's own gain from batching.
        "The model alone, packing batches as the service does, answers "
        f"{model_rates[16] / model_rates[1]:.2f}x as many questions per second in batches of 16 as one at a "
        f"time ({model_rates[1]:.0f} and {model_rates[16]:.0f}; table below). The "
        f"service reaches {alone / model_rates[1]:.0%} of the model's one-at-a-time rate sequentially and "
        f"{at16 / model_rates[16]:.0%} of its batch-16 rate at 16 clients: its gain is the model's, scaled by "
        "those two shares.",
    ]


def _wrk_lines(serving: Serving, load: Load) -> list[str]:
    chosen = serving.wrk_ours.median()
    ours, peer, floor = chosen.levels, serving.wrk_peer.median().levels, serving.floor
    model_rates = chosen.model_rates
    shares = ", ".join(f"{r.share():.0%}" for r in serving.wrk_ours.rounds)
    lines = [
        "",
        "## Load from wrk",
        "",
        "The same questions and servers, driven by `wrk` (C, epoll; `bench/wrk.lua`) for the same time, after a "
        "second's warm-up. Generator CPU is wrk's own CPU time as a share of the machine's cores over the run. "
        f"Each server ran {load.rounds} rounds, each just after the model alone was timed in-process on the same "
        "questions (batches of 1 and 16); shown is the round whose 16-client throughput is the median share of "
        f"its model's batch-16 rate (ours, round by round: {shares}). In the round shown, the model answered "
        f"{model_rates[1]:.0f} questions/s one at a time and {model_rates[16]:.0f} in batches of 16.",
        "",
        "| system | clients | answers/s | p50 ms | p95 ms | p99 ms | max ms | errors | generator CPU |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for name, runs in (("ours", ours), ("peer", peer)):
        lines += [
            f"| {name} | {r.clients} | {r.throughput:.1f} | {r.p50:.1f} | {r.p95:.1f} | {r.p99:.1f} | {r.max:.1f} "
            f"| {r.errors} | {r.generator_cpu:.1%} |"
            for r in runs.values()
        ]
    one, sixteen = ours[1], ours[16]
    model_one_ms = 1000 / model_rates[1]
    share = sixteen.throughput / model_rates[16]
    lines += [
        "",
        "| target (issue 23), under wrk | measured | met |",
        "|---|---|---|",
        _target(
            "sequential p50 <= 1.4x the model's own time for one question",
            f"{one.p50 / model_one_ms:.2f}x ({one.p50:.1f} / {model_one_ms:.1f} ms; in-process floor {floor:.1f} ms)",
            one.p50 <= 1.4 * model_one_ms,
        ),
        _target("sequential p50 below the peer's", f"{one.p50:.1f} / {peer[1].p50:.1f} ms", one.p50 < peer[1].p50),
        _target(
            "16 clients >= 65% of the model's batch-16 rate",
            f"{share:.0%} ({sixteen.throughput:.1f} / {model_rates[16]:.1f} answers/s)",
            share >= 0.65,
        ),
        _target(
            "at 16 clients no request slower than 4x the sequential p95",
            f"max {sixteen.max:.1f} ms against {4 * one.p95:.1f} ms",
            sixteen.max <= 4 * one.p95,
        ),
    ]
    return lines


def _seq_row(name: str, result: LoadResult, floor: float) -> str:
    p50 = result.percentile(50)
    return f"| {name} | {p50:.1f} | {result.percentile(95):.1f} | {result.percentile(99):.1f} | {p50 / floor:.2f} |"


def _target(name: str, measured: str, met: bool) -> str:
    return f"| {name} | {measured} | {'yes' if met else '**no**'} |"

"""`make bench`: measure the service against its floor and its peer; write bench/results.md.

Run: `python -m bench [--squad FILE] [--questions FILE] [--seconds S] [--rounds N] [--skip-squad]`.
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from bench.load import LoadResult, concurrent, percentile, sequential
from bench.processes import ROOT, free_port, launch, our_server, peer_server
from index.build import build_index
from index.embed import SentenceTransformerEmbedder
from index.evaluate import read_jsonl, read_squad, sample, write_squad_corpus
from index.precision import Precision
from index.search import CANDIDATES, Searcher, nearest
from index.settings import IndexSettings
from index.store import load_current

LEVELS = (1, 4, 16, 64)
COLD_STARTS = 3  # launches timed; one varies by a second on this machine
RESULTS = ROOT / "bench" / "results.md"
PROFILE = ROOT / "bench" / "profile-16-clients.txt"
# Leaf frames of parked threads: pool workers and the batcher waiting for work, the event loop in select.
WAITING = {"Condition.wait", "_worker", "Runner.run", "Event.wait", "select", "_gather", "get", "MicroBatcher._run"}
# Every request does the real work: the answer cache is measured on its own.
NO_CACHE = {"RATE_LIMIT_PER_MINUTE": "0", "QA_ANSWER_CACHE_SIZE": "0"}


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("--questions", type=Path, default=ROOT.parent / "shared/eval/essay-dev.jsonl")
    parser.add_argument("--squad", type=Path, default=ROOT.parent / "shared/eval/squad-dev-v1.1.json")
    parser.add_argument("--seconds", type=float, default=6.0, help="duration of each concurrency level")
    parser.add_argument("--rounds", type=int, default=3, help="times each concurrency level is measured")
    parser.add_argument("--skip-squad", action="store_true", help="skip the SQuAD build, latency and HNSW parts")
    parser.add_argument("--no-profile", action="store_true", help="skip the py-spy profile at 16 clients")
    args = parser.parse_args()
    os.environ.setdefault("HF_HUB_OFFLINE", "1")

    questions = [q.question for q in read_jsonl(args.questions)]
    lines = _header()
    work = Path(tempfile.mkdtemp(prefix="bench-"))
    try:
        # The precision a server would choose for a new index here; the peer and our servers run in it too.
        settings = IndexSettings(index_dir=work / "essay-index")
        precision = settings.precision()
        os.environ["QA_MODEL_PRECISION"] = precision
        other: Precision = "bfloat16" if precision == "float32" else "float32"
        # Measured first and closed before ours loads: a second live torch thread slows every forward pass.
        other_embedder = SentenceTransformerEmbedder(settings.model_path, precision=other)
        other_scaling = _batch_scalings(other_embedder, questions)
        other_embedder.close()
        embedder = SentenceTransformerEmbedder(settings.model_path, precision=precision)
        scaling = _batch_scalings(embedder, questions) | other_scaling
        essay_index = work / "essay-index"
        builds = _essay_builds(embedder, settings, essay_index)
        model_rates = {size: size / ms * 1000 for size, ms in scaling[(embedder.precision, "packed (`embed`)")].items()}
        load = Load(questions, args.seconds, args.rounds)
        serving, floor = _serving(embedder, essay_index, load, model_rates, not args.no_profile, work)
        lines += serving
        lines += [
            "",
            "## The model alone: questions per second by batch size (in-process)",
            "",
            "This bounds what micro-batching can win on this machine, before any HTTP. The service runs "
            f"in {embedder.precision} (`QA_MODEL_PRECISION`) and packs each batch's questions into one unpadded "
            "sequence (`index/packing.py`); the other precision and the model's own padded batches are shown "
            "for comparison.",
            "",
            "| precision | batches | size | ms per batch | questions/s | vs size 1 |",
            "|---|---|---:|---:|---:|---:|",
        ]
        lines += [
            f"| {precision} | {path} | {b} | {ms:.1f} | {b / ms * 1000:.0f} | {b / ms / (1 / times[1]):.2f}x |"
            for (precision, path), times in scaling.items()
            for b, ms in times.items()
        ]
        lines += ["", "## Index builds (in-process, same model)", "", "| corpus | build | seconds |", "|---|---|---:|"]
        lines += [f"| {corpus} | {kind} | {seconds:.1f} |" for corpus, kind, seconds in builds]
        if not args.skip_squad:
            lines += _squad(embedder, settings, args.squad, work, floor)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    RESULTS.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print("\n".join(lines))
    print(f"\nwritten to {RESULTS}")


def _header() -> list[str]:
    cpu = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if "model name" in line
        ),
        platform.processor() or "unknown",
    )
    import torch

    return [
        "# Benchmark results",
        "",
        f"Written by `make bench` on {time.strftime('%Y-%m-%d %H:%M')}.",
        f"Machine: {cpu}, {os.cpu_count()} cores, Python {platform.python_version()}, torch {torch.__version__}.",
        "Questions: the essay dev set's, cycled. Server: `python -m server`, answer cache off unless stated.",
    ]


def _floor_times(embedder: SentenceTransformerEmbedder, questions: list[str]) -> list[float]:
    """Milliseconds of the bare model.encode of one question, in-process, for each question three times."""
    model = embedder.sentence_transformer()

    def timed(question: str) -> float:
        started = time.perf_counter()
        model.encode([question])
        return (time.perf_counter() - started) * 1000

    # On the embedder's own torch thread: a second thread running torch would slow both (index/embed.py).
    for question in questions[:5]:
        embedder.run(timed, question)
    return [embedder.run(timed, question) for question in questions * 3]


def _batch_scalings(
    embedder: SentenceTransformerEmbedder, questions: list[str]
) -> dict[tuple[str, str], dict[int, float]]:
    """Batch scaling of the embedder's packed batches and of the model's own padded ones, on its torch thread."""
    return {
        (embedder.precision, "packed (`embed`)"): _batch_scaling(embedder.embed, questions),
        (embedder.precision, "padded (`model.encode`)"): _batch_scaling(
            lambda batch: embedder.run(embedder.sentence_transformer().encode, batch), questions
        ),
    }


def _batch_scaling(encode: Callable[[list[str]], object], questions: list[str]) -> dict[int, float]:
    """Median ms of `encode` on a batch of b questions, for b in 1, 4, 16, 32.

    The sizes take turns, a few batches each, so that drift in the machine's speed touches them alike.
    """
    cycled = questions * 40
    times: dict[int, list[float]] = {size: [] for size in (1, 4, 16, 32)}
    for turn in range(5):
        for size, taken in times.items():
            for first in range(4 * turn * size, 4 * (turn + 1) * size, size):
                started = time.perf_counter()
                encode(cycled[first : first + size])
                taken.append((time.perf_counter() - started) * 1000)
    return {size: statistics.median(taken) for size, taken in times.items()}


def _essay_builds(
    embedder: SentenceTransformerEmbedder, settings: IndexSettings, index_dir: Path
) -> list[tuple[str, str, float]]:
    first = build_index(settings.corpus_dir, index_dir, embedder, settings.model_name)
    again = build_index(settings.corpus_dir, index_dir, embedder, settings.model_name)
    return [("essay", "fresh", first.seconds), ("essay", f"unchanged (embedded {again.embedded})", again.seconds)]


@dataclass(frozen=True)
class Load:
    """The questions to cycle, how long each concurrency level runs, and how many times."""

    questions: list[str]
    seconds: float
    rounds: int


@dataclass(frozen=True)
class Levels:
    """Each concurrency level measured in interleaved rounds.

    This machine's speed drifts by 10-15% from one run to the next. Interleaving lets drift touch
    every level alike; the median round of each level is reported, and the 16-vs-1 ratio is taken
    within each round, so both sides of a ratio saw the same conditions.
    """

    runs: dict[int, list[LoadResult]]

    def median(self, clients: int) -> LoadResult:
        """The round with the median throughput at this level."""
        ordered = sorted(self.runs[clients], key=lambda r: r.throughput)
        return ordered[len(ordered) // 2]

    def errors(self, clients: int) -> int:
        """Failed requests at this level, over all rounds."""
        return sum(run.errors for run in self.runs[clients])

    def ratios(self, clients: int) -> list[float]:
        """Throughput at `clients` over throughput at 1 client, round by round."""
        return [many.throughput / one.throughput for many, one in zip(self.runs[clients], self.runs[1], strict=True)]


def _levels(url: str, load: Load) -> Levels:
    runs: dict[int, list[LoadResult]] = {clients: [] for clients in LEVELS}
    for _ in range(load.rounds):
        for clients in LEVELS:
            runs[clients].append(concurrent(url, load.questions, clients, load.seconds))
    return Levels(runs)


def _serving(
    embedder: SentenceTransformerEmbedder,
    index_dir: Path,
    load: Load,
    model_rates: dict[int, float],
    profile: bool,
    work: Path,
) -> tuple[list[str], float]:
    """The serving sections of the results, and the floor they were measured against."""
    questions, seconds = load.questions, load.seconds
    # The floor is timed before our server's launches and after its rounds, so drift touches both sides.
    floor_times = _floor_times(embedder, questions)
    cold_starts = []
    for _ in range(COLD_STARTS):
        port = free_port()
        with launch(our_server(index_dir, port), port, env={"RATE_LIMIT_PER_MINUTE": "0"}) as served:
            cold_starts.append(served.cold_start_s)
            cached = sequential(served.url, questions[:1], 3)
    cold_start = statistics.median(cold_starts)
    port = free_port()
    with launch(our_server(index_dir, port), port, env=NO_CACHE, log=work / "server.log") as served:
        ours_levels = _levels(served.url, load)
        healthz = _healthz_under_load(served.url, questions, seconds)
        rss = served.peak_rss_mb()
        recorder = _py_spy(served.process.pid, work) if profile else None
        if recorder:  # profiled apart from the measured runs: sampling slows the server down
            concurrent(served.url, questions, 16, 6)
            recorder.wait()
    floor_times += _floor_times(embedder, questions)
    floor = statistics.median(floor_times)
    port = free_port()
    with launch(peer_server(ROOT / "corpus", port), port) as peer_served:
        peer_cold = peer_served.cold_start_s
        peer_levels = _levels(peer_served.url, load)
        peer_rss = peer_served.peak_rss_mb()

    ours = {clients: ours_levels.median(clients) for clients in LEVELS}
    peer = {clients: peer_levels.median(clients) for clients in LEVELS}
    ours_seq, peer_seq = ours[1], peer[1]
    p50 = ours_seq.percentile(50)
    at16, alone, peer16 = ours[16].throughput, ours_seq.throughput, peer[16].throughput
    gains = sorted(ours_levels.ratios(16))
    gain = statistics.median(gains)
    rounds = f"median of {load.rounds} rounds" if load.rounds > 1 else "one round"
    lines = [
        "",
        "## Latency against the floor",
        "",
        f"Floor: bare `model.encode` of one question, in-process, p50 **{floor:.1f} ms** (timed before "
        "and after the server's rounds). Sequential is one keep-alive client, the median round of the "
        "1-client level below.",
        "",
        "| system | sequential p50 ms | p95 ms | p99 ms | p50 / floor |",
        "|---|---:|---:|---:|---:|",
        _seq_row("ours", ours_seq, floor),
        _seq_row("ours, repeated question (answer cache)", cached, floor),
        _seq_row("LangChain peer (1000/200 chunks, FAISS, top 4)", peer_seq, floor),
        "",
        "## Throughput under concurrency (keep-alive clients, back to back)",
        "",
        f"Each level ran {load.rounds} times for {seconds:g} s, the levels interleaved; each row is the round with "
        "the median throughput, errors are summed over all rounds.",
        "",
        "| clients | ours answers/s | ours p95 ms | ours errors | peer answers/s | peer p95 ms | peer errors |",
        "|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for clients in LEVELS:
        a, b = ours[clients], peer[clients]
        lines.append(
            f"| {clients} | {a.throughput:.1f} | {a.percentile(95):.1f} | {ours_levels.errors(clients)} "
            f"| {b.throughput:.1f} | {b.percentile(95):.1f} | {peer_levels.errors(clients)} |"
        )
    lines += [
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
        _target(
            "no errors at 64 clients",
            f"{ours_levels.errors(64)} errors",
            ours_levels.errors(64) == 0,
        ),
        _target(
            "cold start < 6 s (launch to first answer)",
            f"{cold_start:.2f} s (median of " + ", ".join(f"{c:.2f}" for c in sorted(cold_starts)) + ")",
            cold_start < 6,
        ),
        _target("server RSS < 800 MB (peak, under load)", f"{rss:.0f} MB", rss < 800),
        "",
        f"Under 64 clients, `/healthz` p50 {percentile(healthz, 50):.1f} ms, max {max(healthz):.1f} ms "
        "(CPU work runs off the event loop).",
        f"Peer: cold start {peer_cold:.2f} s, peak RSS {peer_rss:.0f} MB.",
        "",
        # What bounds the 16-clients-vs-sequential ratio: the model's own gain from batching.
        "The model alone, packing batches as the service does, answers "
        f"{model_rates[16] / model_rates[1]:.2f}x as many questions per second in batches of 16 as one at a "
        f"time ({model_rates[1]:.0f} and {model_rates[16]:.0f}; table below). The "
        f"service reaches {alone / model_rates[1]:.0%} of the model's one-at-a-time rate sequentially and "
        f"{at16 / model_rates[16]:.0%} of its batch-16 rate at 16 clients: its gain is the model's, scaled by "
        "those two shares.",
    ]
    if profile and PROFILE.is_file():
        lines += _profile_summary(PROFILE)
    return lines, floor


def _profile_summary(path: Path) -> list[str]:
    """Where the server's threads spent their samples at 16 clients, from py-spy's raw output."""
    threads: Counter[str] = Counter()
    leaves: Counter[str] = Counter()
    for line in path.read_text().splitlines():
        stack, _, count = line.rpartition(" ")
        frames = stack.split(";")
        if frames[-1].split(" ")[0] in WAITING:
            continue  # a parked thread (idle pool worker, event loop in select) is not where time goes
        threads[frames[0].split(" ", 2)[-1]] += int(count)
        leaves[frames[-1]] += int(count)
    total = sum(threads.values()) or 1
    lines = [
        "",
        f"## Profile at 16 clients (py-spy, raw stacks in `{path.relative_to(ROOT)}`)",
        "",
        "Samples of threads at work (parked threads left out), as a share of all such samples.",
        "",
        "| thread | share of samples |",
        "|---|---:|",
    ]
    lines += [f"| {name} | {count / total:.0%} |" for name, count in threads.most_common(4)]
    lines += ["", "| hottest frames | share |", "|---|---:|"]
    lines += [f"| `{frame}` | {count / total:.0%} |" for frame, count in leaves.most_common(8)]
    return lines


def _seq_row(name: str, result: LoadResult, floor: float) -> str:
    p50 = result.percentile(50)
    return f"| {name} | {p50:.1f} | {result.percentile(95):.1f} | {result.percentile(99):.1f} | {p50 / floor:.2f} |"


def _target(name: str, measured: str, met: bool) -> str:
    return f"| {name} | {measured} | {'yes' if met else '**no**'} |"


def _healthz_under_load(url: str, questions: list[str], seconds: float) -> list[float]:
    import threading

    import httpx

    timings: list[float] = []
    stop = threading.Event()

    def probe() -> None:
        with httpx.Client(base_url=url, timeout=30) as client:
            while not stop.is_set():
                started = time.perf_counter()
                client.get("/healthz")
                timings.append((time.perf_counter() - started) * 1000)
                time.sleep(0.05)

    thread = threading.Thread(target=probe)
    thread.start()
    concurrent(url, questions, 64, min(seconds, 5))
    stop.set()
    thread.join()
    return timings


def _py_spy(pid: int, work: Path) -> subprocess.Popen[bytes] | None:
    py_spy = shutil.which("py-spy") or str(Path(sys.executable).with_name("py-spy"))
    if not Path(py_spy).exists():
        return None
    target = ROOT / "bench" / "profile-16-clients.txt"
    return subprocess.Popen(
        [
            py_spy,
            "record",
            "--pid",
            str(pid),
            "--duration",
            "6",
            "--format",
            "raw",
            "--output",
            str(target),
            "--threads",
        ],
        stdout=subprocess.DEVNULL,
        stderr=(work / "py-spy.log").open("wb"),
    )


def _squad(
    embedder: SentenceTransformerEmbedder, settings: IndexSettings, squad: Path, work: Path, floor: float
) -> list[str]:
    documents, questions = read_squad(squad)
    corpus, flat_dir, hnsw_dir = work / "squad-corpus", work / "squad-flat", work / "squad-hnsw"
    write_squad_corpus(documents, corpus)
    fresh = build_index(corpus, flat_dir, embedder, settings.model_name)
    again = build_index(corpus, flat_dir, embedder, settings.model_name)
    shutil.copytree(flat_dir / "cache", hnsw_dir / "cache")
    hnsw_build = build_index(corpus, hnsw_dir, embedder, settings.model_name, index_type="hnsw")
    asked = [q.question for q in sample(questions, 300, seed=13)]

    port = free_port()
    with launch(our_server(flat_dir, port), port, env=NO_CACHE) as served:
        squad_seq = sequential(served.url, asked, 8)
        squad_16 = concurrent(served.url, asked, 16, 8)
        squad_rss = served.peak_rss_mb()

    flat, hnsw = Searcher(load_current(flat_dir), embedder), Searcher(load_current(hnsw_dir), embedder)
    vectors = embedder.embed(asked)
    recall, same_best, flat_ms, hnsw_ms = [], 0, [], []
    k = min(CANDIDATES, flat.size * 2)
    for vector, question in zip(vectors, asked, strict=True):
        started = time.perf_counter()
        _, exact = nearest(flat.stored.vectors, vector[None, :], k)
        flat_ms.append((time.perf_counter() - started) * 1000)
        started = time.perf_counter()
        _, approx = nearest(hnsw.stored.vectors, vector[None, :], k)
        hnsw_ms.append((time.perf_counter() - started) * 1000)
        recall.append(len(set(exact[0]) & set(approx[0])) / k)
        same_best += flat.search(question, 1, vector)[0].row == hnsw.search(question, 1, vector)[0].row
    n_vectors = flat.stored.vectors.ntotal
    ms_per_vector = statistics.median(flat_ms) / n_vectors
    quarter, whole = 0.25 * floor / ms_per_vector, floor / ms_per_vector
    return [
        "",
        f"## SQuAD v1.1 dev corpus ({len(documents)} articles, {flat.size} sentences, {n_vectors} vectors)",
        "",
        "| measure | value |",
        "|---|---:|",
        f"| build, fresh | {fresh.seconds:.1f} s |",
        f"| rebuild, unchanged (embedded {again.embedded}) | {again.seconds:.1f} s |",
        f"| build with `QA_INDEX_TYPE=hnsw`, embeddings cached | {hnsw_build.seconds:.1f} s |",
        f"| /ask sequential p50 / p95 | {squad_seq.percentile(50):.1f} / {squad_seq.percentile(95):.1f} ms |",
        f"| /ask at 16 clients | {squad_16.throughput:.1f} answers/s, p95 {squad_16.percentile(95):.1f} ms |",
        f"| server peak RSS | {squad_rss:.0f} MB |",
        f"| flat FAISS search (top {k}) p50 | {statistics.median(flat_ms):.2f} ms |",
        f"| HNSW (M=32, efSearch=256) search p50 | {statistics.median(hnsw_ms):.2f} ms |",
        f"| HNSW recall of flat's top {k} | {np.mean(recall):.3f} |",
        f"| same best sentence, HNSW vs flat | {same_best}/{len(asked)} |",
        "",
        f"Flat search costs about {ms_per_vector * 1e6:.0f} ms per million vectors here and grows linearly with "
        "the corpus (two vectors per sentence). It adds a quarter of the encode floor to every question at about "
        f"{quarter:,.0f} vectors ({quarter / 2:,.0f} sentences) and a whole floor at about {whole:,.0f} vectors "
        f"({whole / 2:,.0f} sentences). The essay (a few hundred sentences) is far below; the SQuAD corpus is "
        "near the first mark. Past it, set `QA_INDEX_TYPE=hnsw`: its search time grows only with the log of "
        "the size, at the recall shown above, for about twice the memory of the vectors.",
    ]


if __name__ == "__main__":
    main()

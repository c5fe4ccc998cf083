"""Our server and the peer over HTTP: cold start, latency, throughput by concurrency, memory."""

from __future__ import annotations

import statistics
import threading
import time
from dataclasses import dataclass
from pathlib import Path

import httpx

from bench import profiling, threads, wrk
from bench.load import LoadResult, concurrent, sequential
from bench.model import floor_times, model_rates
from bench.processes import ROOT, free_port, launch, our_server, peer_server
from index import SentenceTransformerEmbedder

LEVELS = (1, 4, 16, 64)
WRK_LEVELS = (1, 16)
COLD_STARTS = 3  # launches timed; one varies by a second on this machine
# Every request does the real work: the answer cache is measured on its own.
NO_CACHE = {"RATE_LIMIT_PER_MINUTE": "0", "QA_ANSWER_CACHE_SIZE": "0"}


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


@dataclass(frozen=True)
class WrkRound:
    """wrk at 1 and 16 clients, and the model alone measured in-process just before, on the same questions.

    Issue 23's targets are ratios of the two. The machine's speed drifts between runs and within
    one (the model's batch-16 rate measured 423 and 547 questions/s in two runs of the same code), so
    each side of a ratio is taken in the same round.
    """

    levels: dict[int, wrk.WrkResult]  # by clients
    model_rates: dict[int, float]  # questions/s of the model's packed batches of 1 and 16

    def share(self) -> float:
        """The 16-client throughput as a share of the model's batch-16 rate."""
        return self.levels[16].throughput / self.model_rates[16]


@dataclass(frozen=True)
class WrkRounds:
    """The rounds of one server under wrk, in the order run."""

    rounds: list[WrkRound]

    def median(self) -> WrkRound:
        """The round whose 16-client share of the model's batch-16 rate is the median."""
        return sorted(self.rounds, key=WrkRound.share)[len(self.rounds) // 2]


@dataclass(frozen=True)
class Serving:
    """What the serving runs measured, ours and the peer's."""

    floor: float  # ms of the bare model.encode of one question
    cold_starts: list[float]
    cached: LoadResult
    ours: Levels
    healthz: list[float]
    rss: float
    allocator: str  # our server's malloc: jemalloc or the system's
    peer: Levels
    peer_cold: float
    peer_rss: float
    wrk_ours: WrkRounds  # the same load from wrk
    wrk_peer: WrkRounds
    thread_cpu: list[threads.ThreadCpu]  # our server's CPU by thread under wrk, at 1 client and 16


def levels(url: str, load: Load) -> Levels:
    """Every concurrency level against `url`, `load.rounds` times, interleaved."""
    runs: dict[int, list[LoadResult]] = {clients: [] for clients in LEVELS}
    for _ in range(load.rounds):
        for clients in LEVELS:
            runs[clients].append(concurrent(url, load.questions, clients, load.seconds))
    return Levels(runs)


def measure(embedder: SentenceTransformerEmbedder, index_dir: Path, load: Load, profile: bool, work: Path) -> Serving:
    """Launch our server (timed cold starts, then measured under load) and the peer, and measure both."""
    questions = load.questions
    bodies = wrk.write_bodies(questions, work / "bodies.jsonl")
    # The floor is timed before our server's launches and after its rounds, so drift touches both sides.
    floor = floor_times(embedder, questions)
    cold_starts = []
    for _ in range(COLD_STARTS):
        port = free_port()
        with launch(our_server(index_dir, port), port, env={"RATE_LIMIT_PER_MINUTE": "0"}) as served:
            cold_starts.append(served.cold_start_s)
            cached = sequential(served.url, questions[:1], 3)
    port = free_port()
    with launch(our_server(index_dir, port), port, env=NO_CACHE, log=work / "server.log") as served:
        ours = levels(served.url, load)
        wrk_ours = wrk_rounds(served.url, bodies, load, embedder)
        thread_cpu = [
            cpu_by_thread(served.url, served.process.pid, bodies, clients, load.seconds) for clients in (1, 16)
        ]
        healthz = healthz_under_load(served.url, questions, load.seconds)
        rss = served.peak_rss_mb()
        allocator = served.allocator()
        recorder = profiling.record(served.process.pid, work) if profile else None
        if recorder:  # profiled apart from the measured runs: sampling slows the server down
            concurrent(served.url, questions, 16, 6)
            recorder.wait()
    floor += floor_times(embedder, questions)
    port = free_port()
    with launch(peer_server(ROOT / "corpus", port), port) as peer_served:
        peer_cold = peer_served.cold_start_s
        peer = levels(peer_served.url, load)
        wrk_peer = wrk_rounds(peer_served.url, bodies, load, embedder)
        peer_rss = peer_served.peak_rss_mb()
    return Serving(
        statistics.median(floor),
        cold_starts,
        cached,
        ours,
        healthz,
        rss,
        allocator,
        peer,
        peer_cold,
        peer_rss,
        wrk_ours,
        wrk_peer,
        thread_cpu,
    )


def wrk_rounds(url: str, bodies: Path, load: Load, embedder: SentenceTransformerEmbedder) -> WrkRounds:
    """`load.rounds` rounds of the model alone, then wrk at one client and 16.

    The model runs in this process while the server idles, on the embedder's own torch thread.
    """
    wrk.run(url + "/ask", bodies, 16, 1)  # warm-up
    rounds = []
    for _ in range(load.rounds):
        rates = model_rates(embedder, load.questions)
        levels = {clients: wrk.run(url + "/ask", bodies, clients, load.seconds) for clients in WRK_LEVELS}
        rounds.append(WrkRound(levels, rates))
    return WrkRounds(rounds)


def cpu_by_thread(url: str, pid: int, bodies: Path, clients: int, seconds: float) -> threads.ThreadCpu:
    """Our server's CPU by thread while wrk asks at `clients` for `seconds`."""

    def run() -> int:
        return round(wrk.run(url + "/ask", bodies, clients, seconds).throughput * seconds)

    return threads.measure(pid, clients, run)


def healthz_under_load(url: str, questions: list[str], seconds: float) -> list[float]:
    """Milliseconds of /healthz probes sent while 64 clients ask questions."""
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

"""The SQuAD v1.1 dev corpus: build times, /ask under load, and flat against HNSW search."""

from __future__ import annotations

import shutil
import statistics
import time
from pathlib import Path
from typing import Any

import httpx
import numpy as np

from answering.evaluate import read_squad, sample, write_squad_corpus
from answering.evaluate_conversations import Conversation, read_conversations
from bench import wrk
from bench.load import LoadResult, concurrent, sequential
from bench.processes import free_port, launch, our_server
from bench.serving import NO_CACHE, Load, wrk_rounds
from index import CANDIDATES, IndexSettings, Searcher, SentenceTransformerEmbedder, build_index, open_index


def squad_lines(
    embedder: SentenceTransformerEmbedder,
    settings: IndexSettings,
    squad: Path,
    conversations: Path,
    work: Path,
    floor: float,
    rounds: int,
) -> list[str]:
    """Build the SQuAD corpus flat and HNSW, serve it, compare the two searches; the results section."""
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
        squad_load = Load(asked, 6, rounds)
        under_wrk = wrk_rounds(served.url, wrk.write_bodies(asked, work / "squad-bodies.jsonl"), squad_load, embedder)
        first_turns, follow_ups = _conversation_turns(served.url, read_conversations(conversations))
        first_seq, follow_seq = _interleaved(served.url, first_turns, follow_ups, 8)
        squad_rss = served.peak_rss_mb()
        squad_allocator = served.allocator()

    flat = open_index(flat_dir, embedder, settings.model_name)
    hnsw = open_index(hnsw_dir, embedder, settings.model_name)
    k = min(CANDIDATES, flat.size * 2)
    flat_ms, hnsw_ms, recall, same_best = _compare_searches(flat, hnsw, embedder, asked, k)
    n_vectors = 2 * flat.size
    chosen = under_wrk.median()
    one, sixteen, model_rates = chosen.levels[1], chosen.levels[16], chosen.model_rates
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
        f"| /ask under wrk ({rounds} rounds, each after the model alone on the same questions; the median one), "
        "1 client: p50 / p95, and p50 over the model's time for one question "
        f"| {one.p50:.1f} / {one.p95:.1f} ms, {one.p50 * model_rates[1] / 1000:.2f}x |",
        f"| /ask under wrk, 16 clients: answers/s, max, and share of the model's batch-16 rate "
        f"| {sixteen.throughput:.1f}, {sixteen.max:.1f} ms, {sixteen.throughput / model_rates[16]:.0%} |",
        f"| /ask p50, first turns of {conversations.name} | {first_seq.percentile(50):.1f} ms |",
        f"| /ask p50, their follow-ups (with the first turn as history) | {follow_seq.percentile(50):.1f} ms "
        f"({follow_seq.percentile(50) / first_seq.percentile(50):.2f}x) |",
        f"| server peak RSS | {squad_rss:.0f} MB (on {squad_allocator}) |",
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


def _interleaved(
    url: str, first_turns: list[str], follow_ups: list[dict[str, Any]], seconds: float, turns: int = 4
) -> tuple[LoadResult, LoadResult]:
    """First turns and follow-ups, one client, `seconds` each in all, in alternating stretches: drift touches both."""
    stretch = seconds / turns
    firsts: list[LoadResult] = []
    follows: list[LoadResult] = []
    for _ in range(turns):
        firsts.append(sequential(url, first_turns, stretch))
        follows.append(sequential(url, follow_ups, stretch))
    return _merged(firsts), _merged(follows)


def _merged(results: list[LoadResult]) -> LoadResult:
    """One result of several runs of the same load, one after another."""
    return LoadResult(
        results[0].clients,
        [ms for result in results for ms in result.latencies_ms],
        sum(result.errors for result in results),
        sum(result.seconds for result in results),
    )


def _conversation_turns(url: str, conversations: list[Conversation]) -> tuple[list[str], list[dict[str, Any]]]:
    """Each conversation's first question, and its second asked with the first and the service's answer."""
    first_turns, follow_ups = [], []
    with httpx.Client(base_url=url, timeout=60) as client:
        for conversation in conversations:
            first, second = conversation.turns[0].question, conversation.turns[1].question
            answer = client.post("/ask", json={"question": first}).json()["answer"]
            first_turns.append(first)
            follow_ups.append({"question": second, "history": [{"question": first, "answer": answer}]})
    return first_turns, follow_ups


def _compare_searches(
    flat: Searcher, hnsw: Searcher, embedder: SentenceTransformerEmbedder, asked: list[str], k: int
) -> tuple[list[float], list[float], list[float], int]:
    """Per question: flat and HNSW search times (ms), HNSW's recall of flat's top k, and same best sentences."""
    vectors = embedder.embed(asked)
    recall, same_best, flat_ms, hnsw_ms = [], 0, [], []
    for vector, question in zip(vectors, asked, strict=True):
        started = time.perf_counter()
        exact = flat.nearest(vector, k)
        flat_ms.append((time.perf_counter() - started) * 1000)
        started = time.perf_counter()
        approx = hnsw.nearest(vector, k)
        hnsw_ms.append((time.perf_counter() - started) * 1000)
        recall.append(len(set(exact) & set(approx)) / k)
        same_best += flat.search(question, 1, vector)[0].row == hnsw.search(question, 1, vector)[0].row
    return flat_ms, hnsw_ms, recall, same_best

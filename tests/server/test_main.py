"""`python -m server`, the entry point `make run` starts, as its own process."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx

from bench.processes import free_port, launch, our_server
from index.embedding.precision import native_bfloat16
from index.store import current_version_path, read_manifest
from server.allocator import allocator_in_use


def test_the_served_process_answers_and_logs_nothing_but_json_lines(essay_index: Path, tmp_path: Path) -> None:
    port = free_port()
    log_path = tmp_path / "server.log"
    questions = ["What is JNAAM?", "When was the trilateral naval agreement signed?", "Who is William Tow?"]
    # Asked concurrently, so the model runs a batch.
    with (
        launch(our_server(essay_index, port), port, log=log_path) as served,
        ThreadPoolExecutor(len(questions)) as pool,
    ):
        replies = list(pool.map(lambda q: httpx.post(f"{served.url}/ask", json={"question": q}, timeout=30), questions))
        allocator = allocator_in_use(served.process.pid)
    assert allocator == "jemalloc", "the server did not restart on jemalloc"
    assert [r.status_code for r in replies] == [200] * len(questions)
    assert replies[0].json()["answered"]
    lines = log_path.read_text(encoding="utf-8").splitlines()
    assert lines, "the server logged nothing"
    records = [json.loads(line) for line in lines]  # a stray progress bar or print fails here
    assert sum(r["message"] == "request" for r in records) > len(questions)  # launch asks once too
    assert [r["allocator"] for r in records if r["message"] == "starting"] == ["jemalloc"]


def test_the_server_keeps_the_system_allocator_when_asked(essay_index: Path) -> None:
    port = free_port()
    with launch(our_server(essay_index, port), port, env={"QA_ALLOCATOR": "system"}) as served:
        allocator = allocator_in_use(served.process.pid)
        assert httpx.post(f"{served.url}/ask", json={"question": "What is JNAAM?"}, timeout=30).status_code == 200
    assert allocator == "system"


def test_the_default_build_and_server_agree_on_precision_and_answer_alike_alone_or_together_on_both_lanes(
    tmp_path: Path,
) -> None:
    # `make run`'s path: a new index in the precision this CPU runs best, served in the index's own.
    env = {**os.environ, "QA_MODEL_PRECISION": "auto"}
    index_dir = tmp_path / "index"
    build = subprocess.run(
        [sys.executable, "-m", "index", "build", "--out", str(index_dir)], env=env, capture_output=True, text=True
    )
    assert build.returncode == 0, build.stderr
    built_in = read_manifest(current_version_path(index_dir))["model"]["precision"]
    assert built_in == ("bfloat16" if native_bfloat16() else "float32")
    questions = [
        "What is JNAAM?",
        "When was the trilateral naval agreement signed?",
        "Who is William Tow?",
        "How does Tokyo view Russia?",
        "What share of Japanese trade passes through the South China Sea?",
        "Why is trilateralism with Washington hard?",
    ]
    port = free_port()
    with launch(our_server(index_dir, port), port, env={"QA_ANSWER_CACHE_SIZE": "0", **env}) as served:
        with httpx.Client(base_url=served.url, timeout=30) as client:
            alone = [client.post("/ask", json={"question": q}).json() for q in questions]
        # Twelve clients, each asking again as soon as answered: batches on both model lanes at once.
        asked = questions * 8
        with ThreadPoolExecutor(12) as pool:
            together = list(
                pool.map(lambda q: httpx.post(f"{served.url}/ask", json={"question": q}, timeout=30).json(), asked)
            )
        metrics = httpx.get(f"{served.url}/metrics").text
    batch_size = re.search(r"^qa_answer_batch_size_mean (\S+)$", metrics, re.MULTILINE)
    assert batch_size and float(batch_size.group(1)) > 1, "the concurrent questions were not batched"
    second_lane = re.search(r'^qa_answer_lane_batches\{lane="1"\} (\S+)$', metrics, re.MULTILINE)
    assert second_lane and float(second_lane.group(1)) > 0, "no batch ran on the second lane"
    assert all(a["answered"] for a in alone[:3])
    answers = [(a["answer"], a["citations"]) for a in alone] * 8
    assert answers == [(t["answer"], t["citations"]) for t in together]

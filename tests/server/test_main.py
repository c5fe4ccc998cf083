"""`python -m server`, the entry point `make run` starts, as its own process."""

from __future__ import annotations

import json
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx

from bench.processes import free_port, launch, our_server


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
    assert [r.status_code for r in replies] == [200] * len(questions)
    assert replies[0].json()["answered"]
    lines = log_path.read_text(encoding="utf-8").splitlines()
    assert lines, "the server logged nothing"
    records = [json.loads(line) for line in lines]  # a stray progress bar or print fails here
    assert sum(r["message"] == "request" for r in records) > len(questions)  # launch asks once too

"""`python -m server`, the entry point `make run` starts, as its own process."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx

from index.settings import PROJECT_ROOT
from tests.conftest import free_port


def test_the_served_process_answers_and_logs_nothing_but_json_lines(essay_index: Path, tmp_path: Path) -> None:
    port = free_port()
    log_path = tmp_path / "server.log"
    command = [sys.executable, "-m", "server", "--port", str(port), "--index", str(essay_index)]
    with log_path.open("wb") as log:
        process = subprocess.Popen(command, cwd=PROJECT_ROOT, stdout=log, stderr=subprocess.STDOUT)
    try:
        url = f"http://127.0.0.1:{port}"
        _wait_until_ready(url, process)
        questions = ["What is JNAAM?", "When was the trilateral naval agreement signed?", "Who is William Tow?"]
        with ThreadPoolExecutor(len(questions)) as pool:  # concurrent, so the model runs a batch
            replies = list(pool.map(lambda q: httpx.post(f"{url}/ask", json={"question": q}, timeout=30), questions))
        assert [r.status_code for r in replies] == [200] * len(questions)
        assert replies[0].json()["answered"]
    finally:
        process.send_signal(signal.SIGINT)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            raise
    lines = log_path.read_text(encoding="utf-8").splitlines()
    assert lines, "the server logged nothing"
    records = [json.loads(line) for line in lines]  # a stray progress bar or print fails here
    assert sum(r["message"] == "request" for r in records) >= len(questions)


def _wait_until_ready(url: str, process: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        assert process.poll() is None, "the server exited during startup"
        try:
            if httpx.get(f"{url}/readyz", timeout=2).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.1)
    raise AssertionError("the server did not become ready in 60 s")

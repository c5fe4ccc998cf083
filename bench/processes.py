"""Start the served apps as real processes, time their cold start, and read their memory."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx

from server.allocator import allocator_in_use

ROOT = Path(__file__).resolve().parent.parent


@dataclass
class Served:
    """A served app: its URL, process and the seconds from launch to its first good answer."""

    url: str
    process: subprocess.Popen[bytes]
    cold_start_s: float

    def peak_rss_mb(self) -> float:
        """The process's peak resident memory so far (VmHWM), in MB."""
        for line in Path(f"/proc/{self.process.pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
        return float("nan")

    def allocator(self) -> str:
        """'jemalloc' if the process has it loaded (server/allocator.py), else 'system'."""
        return allocator_in_use(self.process.pid)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def launch(
    command: list[str], port: int, env: dict[str, str] | None = None, log: Path | None = None
) -> Iterator[Served]:
    """Run `command` (which serves on `port`) until the block ends; time launch to first 200 on /ask."""
    url = f"http://127.0.0.1:{port}"
    with (log or Path(os.devnull)).open("wb") as output:
        started = time.perf_counter()
        process = subprocess.Popen(
            command, cwd=ROOT, env={**os.environ, **(env or {})}, stdout=output, stderr=subprocess.STDOUT
        )
        try:
            cold_start = _first_answer(url, process, started)
            yield Served(url, process, cold_start)
        finally:
            process.send_signal(signal.SIGINT)
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()


def _first_answer(url: str, process: subprocess.Popen[bytes], started: float) -> float:
    name = " ".join(str(a) for a in process.args) if isinstance(process.args, list) else str(process.args)
    deadline = started + 120
    with httpx.Client(base_url=url, timeout=30) as client:
        while time.perf_counter() < deadline:
            if process.poll() is not None:
                raise RuntimeError(f"{name} exited with {process.returncode} before answering")
            try:
                if client.post("/ask", json={"question": "What is this about?"}).status_code == 200:
                    return time.perf_counter() - started
            except httpx.TransportError:
                pass
            time.sleep(0.02)
    raise RuntimeError(f"{name} did not answer within 120 s")


def our_server(index_dir: Path, port: int) -> list[str]:
    """The command line that serves our app."""
    return [sys.executable, "-m", "server", "--port", str(port), "--index", str(index_dir)]


def peer_server(corpus_dir: Path, port: int) -> list[str]:
    """The command line that serves the LangChain peer."""
    return [sys.executable, "-m", "bench.peer", str(corpus_dir), str(port)]

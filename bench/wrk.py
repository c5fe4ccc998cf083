"""Load from wrk (C, epoll): the server measured without a Python client taking its CPU.

Each level runs `wrk` with bench/wrk.lua over distinct questions; the generator's own CPU time
(its user and system seconds, read from the kernel when it exits) is reported as a share of the
machine's cores over the run, so what the load costs is on the table beside what it measured.
"""

from __future__ import annotations

import json
import os
import resource
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

SCRIPT = Path(__file__).with_name("wrk.lua")


class WrkMissingError(Exception):
    """wrk is not installed; `make bench` installs it (Debian's package)."""


@dataclass(frozen=True)
class WrkResult:
    """One wrk run: answers per second, latency percentiles (ms), errors, and wrk's share of the CPU."""

    clients: int
    throughput: float
    p50: float
    p95: float
    p99: float
    max: float
    errors: int
    generator_cpu: float  # wrk's CPU seconds over (run seconds x cores)


def write_bodies(questions: list[str], target: Path) -> Path:
    """One /ask JSON body a line, for wrk.lua."""
    target.write_text("".join(json.dumps({"question": q}) + "\n" for q in questions), encoding="utf-8")
    return target


def run(url: str, bodies: Path, clients: int, seconds: float) -> WrkResult:
    """`clients` keep-alive connections asking back to back for `seconds`, on as many wrk threads as cores allow."""
    wrk = shutil.which("wrk")
    if wrk is None:
        raise WrkMissingError("wrk is not installed: apt-get install wrk (make bench does)")
    threads = max(1, min(clients, os.cpu_count() or 1))
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    done = subprocess.run(
        [
            wrk,
            f"-t{threads}",
            f"-c{clients}",
            f"-d{seconds:g}s",
            "--timeout",
            "30s",
            "-s",
            str(SCRIPT),
            url,
            "--",
            str(bodies),
        ],
        check=True,
        capture_output=True,
        text=True,
    )
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    summary = json.loads(done.stdout.strip().splitlines()[-1])
    run_seconds = summary["duration_us"] / 1e6
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return WrkResult(
        clients=clients,
        throughput=summary["requests"] / run_seconds,
        p50=summary["p50_us"] / 1000,
        p95=summary["p95_us"] / 1000,
        p99=summary["p99_us"] / 1000,
        max=summary["max_us"] / 1000,
        errors=summary["errors"],
        generator_cpu=cpu / (run_seconds * (os.cpu_count() or 1)),
    )

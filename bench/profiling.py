"""Where a served process spends its time: a py-spy recording and its summary."""

from __future__ import annotations

import shutil
import subprocess
import sys
from collections import Counter
from pathlib import Path

from bench.processes import ROOT

PROFILE = ROOT / "bench" / "profile-16-clients.txt"
# Frames where a thread is parked, not working: left out of the shares.
WAITING = {"Condition.wait", "_worker", "Runner.run", "Event.wait", "select", "_gather", "get", "MicroBatcher._run"}


def record(pid: int, work: Path, seconds: int = 6) -> subprocess.Popen[bytes] | None:
    """Start py-spy recording `pid` into PROFILE for `seconds`; None when py-spy is not installed."""
    py_spy = shutil.which("py-spy") or str(Path(sys.executable).with_name("py-spy"))
    if not Path(py_spy).exists():
        return None
    command = [py_spy, "record", "--pid", str(pid), "--duration", str(seconds), "--format", "raw"]
    return subprocess.Popen(
        [*command, "--output", str(PROFILE), "--threads"],
        stdout=subprocess.DEVNULL,
        stderr=(work / "py-spy.log").open("wb"),
    )


def summary(path: Path = PROFILE) -> list[str]:
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

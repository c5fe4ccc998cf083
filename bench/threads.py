"""Where the server's CPU goes, thread by thread: the kernel's count of each thread's CPU time under wrk.

py-spy's samples show Python threads at work. A native thread (torch's OpenMP workers), or one
spinning while it waits for work, is invisible there, yet it takes a core the others could use. The
kernel counts both. Threads are named as `py-spy dump` names them (Python's own thread names); the
others are native.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

NATIVE = "native threads (torch's OpenMP workers, ...)"
_DUMPED_THREAD = re.compile(r'^Thread (\d+) \([^)]*\): "([^"]*)"', re.MULTILINE)


@dataclass(frozen=True)
class ThreadCpu:
    """One run's CPU seconds by thread name, with how many answers it gave in how many seconds."""

    clients: int
    answers: int
    seconds: float
    cpu: dict[str, float]  # thread name -> CPU seconds during the run; native threads summed under NATIVE

    def cores(self, name: str | None = None) -> float:
        """Cores the thread (or, without a name, the whole process) kept busy on average."""
        return self._seconds(name) / self.seconds

    def ms_per_answer(self, name: str | None = None) -> float:
        """CPU milliseconds the thread (or the whole process) spent per answer."""
        return self._seconds(name) / max(self.answers, 1) * 1000

    def _seconds(self, name: str | None) -> float:
        return sum(self.cpu.values()) if name is None else self.cpu.get(name, 0.0)


def cpu_seconds(pid: int) -> dict[int, float]:
    """Each live thread of `pid` (by its OS id) and its user plus system CPU seconds so far."""
    ticks = os.sysconf("SC_CLK_TCK")
    seconds = {}
    for task in Path(f"/proc/{pid}/task").iterdir():
        try:
            fields = (task / "stat").read_text().rsplit(")", 1)[1].split()
        except FileNotFoundError:  # the thread ended meanwhile
            continue
        seconds[int(task.name)] = (int(fields[11]) + int(fields[12])) / ticks
    return seconds


def python_thread_names(pid: int) -> dict[int, str]:
    """The Python threads of `pid` by OS id, as `py-spy dump` names them; empty without py-spy."""
    py_spy = shutil.which("py-spy") or str(Path(sys.executable).with_name("py-spy"))
    if not Path(py_spy).exists():
        return {}
    dumped = subprocess.run([py_spy, "dump", "--pid", str(pid)], capture_output=True, text=True, check=False)
    return parse_dump(dumped.stdout)


def parse_dump(text: str) -> dict[int, str]:
    """Thread ids and names from `py-spy dump` output ('Thread 123 (idle): "MainThread"')."""
    return {int(tid): name for tid, name in _DUMPED_THREAD.findall(text)}


def measure(pid: int, clients: int, run: Callable[[], int]) -> ThreadCpu:
    """Run the load at `clients` (`run` returns how many answers it got), counting each thread's CPU by name."""
    names = python_thread_names(pid)
    before, started = cpu_seconds(pid), time.perf_counter()
    answers = run()
    after, seconds = cpu_seconds(pid), time.perf_counter() - started
    by_name: dict[str, float] = {}
    for tid, total in after.items():
        name = names.get(tid, NATIVE)
        by_name[name] = by_name.get(name, 0.0) + total - before.get(tid, 0.0)
    return ThreadCpu(clients, answers, seconds, by_name)


def thread_lines(runs: list[ThreadCpu], model_ms: float, cores: int) -> list[str]:
    """The results section: cores and CPU ms per answer of each thread, at each level, beside the model's own.

    `cores` is the machine's, on each of which the model ran a thread (QA_TORCH_THREADS' default).
    """
    busiest = {name: max(r.cores(name) for r in runs) for name in {name for run in runs for name in run.cpu}}
    names = sorted((name for name, cores in busiest.items() if cores >= 0.005), key=lambda name: -busiest[name])
    header = " | ".join(f"{r.clients} client{'s' if r.clients > 1 else ''}: cores, CPU ms per answer" for r in runs)
    lines = [
        "",
        "## Server CPU by thread, under wrk",
        "",
        "The kernel's count of each server thread's CPU time over a wrk run (`bench/threads.py`), named as "
        "`py-spy dump` names Python's threads; native threads (torch's OpenMP workers) are summed. Unlike the "
        "py-spy profile, this counts threads outside Python and threads spinning while they wait. For "
        f"comparison, the model alone in batches of 16 took {model_ms:.2f} ms a question on {cores} "
        f"threads: at most {model_ms * cores:.2f} CPU ms per question.",
        "",
        f"| thread | {header} |",
        "|---|" + "---:|" * len(runs),
    ]
    for name in names:
        cells = " | ".join(f"{r.cores(name):.2f}, {r.ms_per_answer(name):.2f}" for r in runs)
        lines.append(f"| {name} | {cells} |")
    totals = " | ".join(f"**{r.cores():.2f}**, **{r.ms_per_answer():.2f}**" for r in runs)
    rates = ", ".join(f"{r.answers / r.seconds:.0f}/s" for r in runs)
    lines.append(f"| **whole process** ({rates}; {cores} cores) | {totals} |")
    return lines

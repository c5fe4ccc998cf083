"""The server's CPU by thread: the kernel's counts, py-spy's names, and the table made of them."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time

from bench import threads

DUMP = """Process 4242: python -m server
Python v3.11.7 (/usr/bin/python3.11)

Thread 4242 (idle): "MainThread"
    select (selectors.py:468)
Thread 4250 (active): "torch_0"
    forward (index/embedding/bert.py:113)
Thread 4251 (idle+gil): "answerer"
"""


def test_py_spy_dump_names_threads_by_their_os_id() -> None:
    assert threads.parse_dump(DUMP) == {4242: "MainThread", 4250: "torch_0", 4251: "answerer"}


def test_a_busy_thread_counts_cpu_and_an_idle_one_none() -> None:
    done = threading.Event()

    def spin() -> None:
        while not done.is_set():
            pass

    busy = threading.Thread(target=spin)
    busy.start()
    before = threads.cpu_seconds(os.getpid())
    time.sleep(0.5)
    after = threads.cpu_seconds(os.getpid())
    done.set()
    busy.join()
    assert busy.native_id is not None
    assert after[busy.native_id] - before[busy.native_id] > 0.2


def test_a_run_is_counted_under_python_s_thread_names() -> None:
    # A child process with a named thread that spins: py-spy names it, the kernel counts its CPU.
    code = (
        "import threading, time\n"
        "def spin():\n"
        "    end = time.time() + 20\n"
        "    while time.time() < end: pass\n"
        "threading.Thread(target=spin, name='spinner').start()\n"
    )
    child = subprocess.Popen([sys.executable, "-c", code])
    try:
        time.sleep(0.5)
        run = threads.measure(child.pid, 1, lambda: time.sleep(0.5) or 10)
    finally:
        child.kill()
        child.wait()
    assert run.cores("spinner") > 0.5 and run.ms_per_answer("spinner") > 20
    assert run.cores() >= run.cores("spinner") and run.answers == 10


def test_the_table_has_a_row_per_busy_thread_and_the_process_total() -> None:
    one = threads.ThreadCpu(1, 100, 1.0, {"torch_0": 0.8, threads.NATIVE: 0.9, "MainThread": 0.1, "idle": 0.0})
    sixteen = threads.ThreadCpu(16, 250, 1.0, {"torch_0": 0.6, threads.NATIVE: 0.7, "MainThread": 0.2})
    lines = threads.thread_lines([one, sixteen], 1.9, 2)
    rows = [line for line in lines if line.startswith("| ") and not line.startswith("| thread")]
    assert rows[0] == f"| {threads.NATIVE} | 0.90, 9.00 | 0.70, 2.80 |"
    assert rows[1] == "| torch_0 | 0.80, 8.00 | 0.60, 2.40 |"
    assert rows[2] == "| MainThread | 0.10, 1.00 | 0.20, 0.80 |"
    assert rows[3].startswith("| **whole process** (100/s, 250/s; 2 cores)") and "**1.80**, **18.00**" in rows[3]
    assert not any(line.startswith("| idle") for line in lines)
    assert "3.80 CPU ms per question" in " ".join(lines)

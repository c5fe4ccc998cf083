"""Serve on jemalloc: the process starts itself again with it preloaded, before torch is imported.

glibc's malloc gives each busy thread an arena of its own and keeps what a thread freed there. Under
load the forward passes of the model lanes, of many batch sizes, left about 190 MB resident in five
arenas that nothing used again; jemalloc returns such memory, and the served process peaked about
125 MB lower, its speed unchanged within the machine's drift (README, Performance). An allocator
can only be chosen before the process starts, so `python -m server` starts itself again, once,
with `LD_PRELOAD` naming it.
"""

from __future__ import annotations

import ctypes.util
import os
import sys
from collections.abc import Mapping

# Set in the restarted process, so that it does not restart again.
RESTARTED = "QA_ALLOCATOR_RESTARTED"


def jemalloc_environment(environ: Mapping[str, str]) -> dict[str, str] | None:
    """The environment to restart in with jemalloc preloaded, or None to go on as we are.

    None when QA_ALLOCATOR is "system", when this process is already the restarted one or has
    jemalloc preloaded, and when jemalloc is not installed (Debian's libjemalloc2).
    """
    choice = environ.get("QA_ALLOCATOR", "jemalloc")
    if choice not in ("jemalloc", "system"):
        raise SystemExit(f"QA_ALLOCATOR must be 'jemalloc' or 'system', not {choice!r}")
    preloaded = environ.get("LD_PRELOAD", "")
    if choice == "system" or RESTARTED in environ or "jemalloc" in preloaded:
        return None
    library = ctypes.util.find_library("jemalloc")
    if library is None:
        return None
    return {**environ, "LD_PRELOAD": f"{library} {preloaded}".strip(), RESTARTED: "1"}


def restart_on_jemalloc() -> None:
    """Replace this process by the same command with jemalloc preloaded, when `jemalloc_environment` says so."""
    environment = jemalloc_environment(os.environ)
    if environment is not None:
        sys.stdout.flush()
        sys.stderr.flush()
        os.execve(sys.executable, [sys.executable, *sys.orig_argv[1:]], environment)


def allocator_in_use(pid: int | None = None) -> str:
    """'jemalloc' if process `pid` (by default this one) has it loaded, else 'system'."""
    try:
        with open(f"/proc/{pid or 'self'}/maps", encoding="utf-8") as maps:
            return "jemalloc" if any("libjemalloc" in line for line in maps) else "system"
    except OSError:  # not Linux
        return "system"

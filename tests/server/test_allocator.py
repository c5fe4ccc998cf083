"""server/allocator.py: when `python -m server` restarts itself on jemalloc, and when it does not."""

from __future__ import annotations

import pytest

from server.allocator import RESTARTED, jemalloc_environment


def test_a_plain_launch_restarts_with_jemalloc_preloaded_before_what_was_preloaded() -> None:
    environment = jemalloc_environment({"PATH": "/usr/bin", "LD_PRELOAD": "libother.so"})
    assert environment is not None, "libjemalloc2 is not installed (make jemalloc)"
    first, *rest = environment["LD_PRELOAD"].split()
    assert "libjemalloc" in first and rest == ["libother.so"]
    assert environment[RESTARTED] == "1" and environment["PATH"] == "/usr/bin"


@pytest.mark.parametrize(
    "environ",
    [{"QA_ALLOCATOR": "system"}, {RESTARTED: "1"}, {"LD_PRELOAD": "/usr/lib/x86_64-linux-gnu/libjemalloc.so.2"}],
    ids=["asked-for-the-system-allocator", "already-restarted", "already-preloaded"],
)
def test_no_restart_when_asked_not_to_or_already_on_jemalloc(environ: dict[str, str]) -> None:
    assert jemalloc_environment(environ) is None


def test_an_unknown_allocator_stops_the_launch_saying_what_is_allowed() -> None:
    with pytest.raises(SystemExit, match="QA_ALLOCATOR must be 'jemalloc' or 'system', not 'tcmalloc'"):
        jemalloc_environment({"QA_ALLOCATOR": "tcmalloc"})

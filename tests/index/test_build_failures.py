"""Builds that go wrong on the real CLI: a corrupt cache, a full disk, a build already running, pruning."""

from __future__ import annotations

import json
import os
import resource
import shutil
import signal
import subprocess
import sys
from pathlib import Path

from index import PROJECT_ROOT, build_index
from index.build import build_lock
from index.store import CURRENT, VERSIONS, current_version_path, prune_versions
from tests.conftest import CORPUS, FakeEmbedder


def _build(corpus: Path, out: Path, file_size_limit: int | None = None) -> subprocess.CompletedProcess[str]:
    def limit_file_size() -> None:  # what a full disk looks like to a writer: the write fails
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (file_size_limit or 0, file_size_limit or 0))

    command = [sys.executable, "-m", "index", "build", "--corpus", str(corpus), "--out", str(out)]
    return subprocess.run(
        command,
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
        preexec_fn=limit_file_size if file_size_limit else None,
    )


def test_a_corrupt_embedding_cache_is_set_aside_and_rebuilt(tmp_path: Path) -> None:
    out = tmp_path / "idx"
    assert _build(CORPUS, out).returncode == 0
    cache = out / "cache" / "embeddings.sqlite"
    cache.write_bytes(os.urandom(8192))
    again = _build(CORPUS, out)
    assert again.returncode == 0, again.stderr
    assert "Traceback" not in again.stderr
    warnings = [line for line in again.stderr.splitlines() if "embedding cache" in line]
    assert len(warnings) == 1 and "set aside" in warnings[0]
    assert "embedded 100" in again.stdout  # rebuilt from nothing
    assert len(list(cache.parent.glob("embeddings.sqlite.corrupt-*"))) == 1
    assert "reused 100" in _build(CORPUS, out).stdout  # and the new cache works


def test_a_full_disk_ends_the_build_with_one_line_and_keeps_the_live_index(tmp_path: Path) -> None:
    out = tmp_path / "idx"
    assert _build(CORPUS, out).returncode == 0
    live = current_version_path(out)
    (out / "cache" / "embeddings.sqlite").unlink()  # so the build has to write
    failed = _build(CORPUS, out, file_size_limit=64 * 1024)
    assert failed.returncode == 1
    lines = [line for line in failed.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("error: ") and "Traceback" not in failed.stderr
    assert current_version_path(out) == live
    assert not list((out / VERSIONS).glob(".building-*"))


def test_the_lock_is_taken_before_the_corpus_or_the_model_is_read(tmp_path: Path) -> None:
    out = tmp_path / "idx"
    with build_lock(out):
        result = _build(tmp_path / "no-such-corpus", out)
    assert result.returncode == 1
    assert "another build" in result.stderr and "not found" not in result.stderr


def test_versions_are_pruned_by_recorded_build_time_never_the_live_one(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    out, embedder = tmp_path / "idx", FakeEmbedder()
    paths = []
    for n in range(3):
        (corpus / "a.txt").write_text(f"Version {n} of the notes on harbours.", encoding="utf-8")
        paths.append(build_index(corpus, out, embedder, "fake").path)
    assert sorted(p.name for p in (out / VERSIONS).iterdir()) == sorted(p.name for p in paths[1:])
    # Restored from a backup, the oldest-named version was in truth built last; the live one is older.
    restored = out / VERSIONS / "00000000T000000000000Z-restored"
    paths[1].rename(restored)
    manifest = json.loads((restored / "manifest.json").read_text(encoding="utf-8"))
    manifest["built_at"] = "2999-01-01T00:00:00+00:00"
    (restored / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    (corpus / "a.txt").write_text("Version 3 of the notes on harbours.", encoding="utf-8")
    newest = build_index(corpus, out, embedder, "fake").path
    kept = {p.name for p in (out / VERSIONS).iterdir()}
    assert kept == {restored.name, newest.name}  # the two built last, by their manifests
    # The live version is never pruned, however old its build.
    old_live = out / VERSIONS / "29990101T000000000000Z-old-live"
    shutil.copytree(newest, old_live)
    manifest = json.loads((old_live / "manifest.json").read_text(encoding="utf-8"))
    manifest["built_at"] = "1999-01-01T00:00:00+00:00"
    (old_live / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    (out / CURRENT).unlink()
    (out / CURRENT).symlink_to(Path(VERSIONS) / old_live.name)
    prune_versions(out, keep=set())
    assert {p.name for p in (out / VERSIONS).iterdir()} == {restored.name, newest.name, old_live.name}

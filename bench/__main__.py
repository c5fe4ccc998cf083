"""`make bench`: measure the service against its floor and its peer; write bench/results.md.

Run: `python -m bench [--squad FILE] [--conversations FILE] [--questions FILE] [--seconds S] [--rounds N]
[--skip-squad]`.
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import tempfile
import time
from pathlib import Path

from answering.evaluate import read_jsonl
from bench import serving
from bench.chat import chat_lines
from bench.model import batch_scalings, rates, scaling_lines
from bench.processes import ROOT
from bench.serving_report import serving_lines
from bench.squad import squad_lines
from bench.stages import split_answering, stage_lines
from index import IndexSettings, Precision, SentenceTransformerEmbedder, build_index, open_index

RESULTS = ROOT / "bench" / "results.md"


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("--questions", type=Path, default=ROOT.parent / "shared/eval/essay-dev.jsonl")
    parser.add_argument("--squad", type=Path, default=ROOT.parent / "shared/eval/squad-dev-v1.1.json")
    parser.add_argument("--conversations", type=Path, default=ROOT.parent / "shared/eval/squad-conversations-dev.jsonl")
    parser.add_argument("--seconds", type=float, default=6.0, help="duration of each concurrency level")
    parser.add_argument("--rounds", type=int, default=3, help="times each concurrency level is measured")
    parser.add_argument("--skip-squad", action="store_true", help="skip the SQuAD build, latency and HNSW parts")
    parser.add_argument("--no-profile", action="store_true", help="skip the py-spy profile at 16 clients")
    args = parser.parse_args()
    os.environ.setdefault("HF_HUB_OFFLINE", "1")

    questions = [q.question for q in read_jsonl(args.questions)]
    lines = _header()
    work = Path(tempfile.mkdtemp(prefix="bench-"))
    try:
        # The precision a server would choose for a new index here; the peer and our servers run in it too.
        settings = IndexSettings(index_dir=work / "essay-index")
        precision = settings.precision()
        os.environ["QA_MODEL_PRECISION"] = precision
        other: Precision = "bfloat16" if precision == "float32" else "float32"
        # Measured first and closed before ours loads: a second live torch thread slows every forward pass.
        other_embedder = SentenceTransformerEmbedder(settings.model_path, precision=other)
        other_scaling = batch_scalings(other_embedder, questions)
        other_embedder.close()
        embedder = SentenceTransformerEmbedder(settings.model_path, precision=precision)
        scaling = batch_scalings(embedder, questions) | other_scaling
        essay_index = work / "essay-index"
        builds = _essay_builds(embedder, settings, essay_index)
        model_rates = rates(scaling[(embedder.precision, "packed (`embed`)")])
        load = serving.Load(questions, args.seconds, args.rounds)
        measured = serving.measure(embedder, essay_index, load, not args.no_profile, work)
        lines += serving_lines(measured, load, model_rates, not args.no_profile)
        split = split_answering(open_index(essay_index, embedder, settings.model_name), questions)
        lines += stage_lines(measured.ours.median(1), measured.ours.median(16), split)
        lines += chat_lines(essay_index, questions, args.seconds)
        lines += scaling_lines(embedder.precision, scaling)
        lines += ["", "## Index builds (in-process, same model)", "", "| corpus | build | seconds |", "|---|---|---:|"]
        lines += [f"| {corpus} | {kind} | {seconds:.1f} |" for corpus, kind, seconds in builds]
        if not args.skip_squad:
            lines += squad_lines(embedder, settings, args.squad, args.conversations, work, measured.floor, args.rounds)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    RESULTS.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print("\n".join(lines))
    print(f"\nwritten to {RESULTS}")


def _header() -> list[str]:
    cpu = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if "model name" in line
        ),
        platform.processor() or "unknown",
    )
    import torch

    return [
        "# Benchmark results",
        "",
        f"Written by `make bench` on {time.strftime('%Y-%m-%d %H:%M')}.",
        f"Machine: {cpu}, {os.cpu_count()} cores, Python {platform.python_version()}, torch {torch.__version__}.",
        "Questions: the essay dev set's, cycled. Server: `python -m server`, answer cache off unless stated.",
    ]


def _essay_builds(
    embedder: SentenceTransformerEmbedder, settings: IndexSettings, index_dir: Path
) -> list[tuple[str, str, float]]:
    first = build_index(settings.corpus_dir, index_dir, embedder, settings.model_name)
    again = build_index(settings.corpus_dir, index_dir, embedder, settings.model_name)
    return [("essay", "fresh", first.seconds), ("essay", f"unchanged (embedded {again.embedded})", again.seconds)]


if __name__ == "__main__":
    main()

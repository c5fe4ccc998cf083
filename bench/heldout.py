"""Score answers on SQuAD dev questions outside the eval sample, for a range of one weight.

Weights are chosen here, never on the eval sample that `index eval --squad` reports:

    .venv/bin/python -m bench.heldout search.TERM_COVERAGE_WEIGHT 0 0.2 0.3 0.4 0.5

A weight is named by its module: `search` (index/search.py), `compose` or `abstain` (answering/).

The SQuAD index is the one `answering eval --squad` builds (data/squad/index).
"""

from __future__ import annotations

import argparse
import random
from pathlib import Path

import answering.abstain
import answering.compose
import index.search
from answering.evaluate import Question, Scores, read_squad, sample, shown_evidence
from index import PROJECT_ROOT, IndexSettings, load_embedder, open_index

EVAL_SAMPLE, EVAL_SEED = 2000, 13  # what `answering eval --squad` reports on, left out here


def held_out(questions: list[Question], size: int, seed: int) -> list[Question]:
    """A seeded sample of the questions that are not in the eval sample."""
    reported = {q.qid for q in sample(questions, EVAL_SAMPLE, EVAL_SEED)}
    rest = [q for q in questions if q.qid not in reported]
    return sorted(random.Random(seed).sample(rest, min(size, len(rest))), key=lambda q: q.qid)


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.heldout", description=__doc__)
    parser.add_argument("weight", help="a float constant, e.g. search.LEXICAL_WEIGHT")
    parser.add_argument("values", type=float, nargs="+")
    parser.add_argument("--squad", type=Path, default=PROJECT_ROOT.parent / "shared/eval/squad-dev-v1.1.json")
    parser.add_argument("--index", type=Path, default=PROJECT_ROOT / "data/squad/index")
    parser.add_argument("--size", type=int, default=2000)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    module_name, _, name = args.weight.partition(".")
    modules = {"search": index.search, "compose": answering.compose, "abstain": answering.abstain}
    module = modules.get(module_name)
    if module is None or not isinstance(getattr(module, name, None), float):
        parser.error(f"no float constant {args.weight} in {', '.join(modules)}")

    settings = IndexSettings()
    embedder = load_embedder(settings)
    searcher = open_index(args.index, embedder, settings.model_name)
    questions = held_out(read_squad(args.squad)[1], args.size, args.seed)
    vectors = embedder.embed([q.question for q in questions])  # as /ask's batcher passes them
    print(f"{len(questions)} held-out questions, seed {args.seed}")
    for value in args.values:
        setattr(module, name, value)
        scores = Scores()
        for gold, vector in zip(questions, vectors, strict=True):
            answer = answering.compose.answer_question(searcher, gold.question, vector=vector)
            scores.add(gold, answer.answered, answer.answer, shown_evidence(answer))
        figures = {k: v for k, v in scores.summary().items() if v is not None}
        print(f"{args.weight}={value:g}: " + ", ".join(f"{k} {v}" for k, v in figures.items()), flush=True)
    embedder.close()


if __name__ == "__main__":
    main()

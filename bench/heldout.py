"""Score answers on SQuAD dev questions of the even-numbered articles, for a range of one weight.

Weights are chosen here, on the development articles, never on the odd-numbered ones that
`answering eval --squad` reports:

    .venv/bin/python -m bench.heldout search.TERM_COVERAGE_WEIGHT 0 0.2 0.3 0.4 0.5

A weight is named by its module: `search` (index/search.py), `compose` or `abstain` (answering/).

The SQuAD index is the one `answering eval --squad` builds (data/squad/index).
"""

from __future__ import annotations

import argparse
from pathlib import Path

import answering.abstain
import answering.compose
import index.search
from answering.evaluate import Question, Scores, development_articles, read_squad, sample, shown_evidence
from index import PROJECT_ROOT, IndexSettings, load_embedder, open_index


def held_out(questions: list[Question], size: int, seed: int) -> list[Question]:
    """A seeded sample of the development (even-numbered) articles' questions."""
    return sample(development_articles(questions), size, seed)


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

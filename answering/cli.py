"""Command line of the answering package: `python -m answering eval`."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.table import Table

from answering.baseline import BaselinePipeline
from answering.compose import DEFAULT_TOP_K
from answering.evaluate import Question, evaluate, read_jsonl, read_squad, sample, write_squad_corpus
from index import (
    Embedder,
    IndexError_,
    IndexSettings,
    build_index,
    index_outdated,
    load_embedder,
    open_index,
    raw_texts,
)

app = typer.Typer(add_completion=False, no_args_is_help=True, help="Evaluate the cited-answer service.")
console = Console(stderr=True)


@app.callback()
def main() -> None:
    """Evaluate the cited-answer service."""


@app.command("eval")
def eval_command(
    questions: Annotated[Path | None, typer.Argument(help="Questions in essay-dev.jsonl format.")] = None,
    index: Annotated[Path | None, typer.Option(help="Index folder to answer from (default: data/index).")] = None,
    corpus: Annotated[Path | None, typer.Option(help="Raw corpus the baseline splits (default: corpus/).")] = None,
    squad: Annotated[Path | None, typer.Option(help="Also evaluate on a SQuAD v1.1 JSON file.")] = None,
    squad_index: Annotated[Path, typer.Option(help="Where the SQuAD corpus and index are kept.")] = Path("data/squad"),
    sample_size: Annotated[int, typer.Option("--sample", min=1, help="SQuAD questions to sample.")] = 2000,
    seed: Annotated[int, typer.Option(help="Seed of the SQuAD sample.")] = 13,
    top_k: Annotated[int, typer.Option(min=1, max=10, help="Citations per answer.")] = DEFAULT_TOP_K,
    model: Annotated[Path | None, typer.Option(help="sentence-transformers model folder.")] = None,
) -> None:
    """Run gold questions through the /ask code and the LangChain-style baseline; print both."""
    if questions is None and squad is None:
        raise typer.BadParameter("give a questions file, --squad FILE, or both")
    overrides: dict[str, Any] = {"corpus_dir": corpus, "index_dir": index, "model_path": model}
    settings = IndexSettings(**{k: v for k, v in overrides.items() if v is not None})
    try:
        embedder = load_embedder(settings)
        if questions is not None:
            results = _evaluate_folder(
                settings.corpus_dir, settings.index_dir, read_jsonl(questions), embedder, settings.model_name, top_k
            )
            _report(questions.name, results)
        if squad is not None:
            _evaluate_squad(squad, squad_index, embedder, settings, sample_size, seed, top_k)
    except (IndexError_, OSError, ValueError, KeyError) as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(code=1) from None


def _evaluate_folder(
    corpus_dir: Path, index_dir: Path, questions: list[Question], embedder: Embedder, model_name: str, top_k: int
) -> dict[str, dict[str, float | None]]:
    searcher = open_index(index_dir, embedder, model_name)
    baseline = BaselinePipeline.build(raw_texts(corpus_dir), embedder)
    return evaluate(searcher, baseline, questions, top_k=top_k)


def _evaluate_squad(
    squad: Path, work: Path, embedder: Embedder, settings: IndexSettings, size: int, seed: int, top_k: int
) -> None:
    documents, questions = read_squad(squad)
    corpus_dir, index_dir = work / "corpus", work / "index"
    write_squad_corpus(documents, corpus_dir)
    if index_outdated(index_dir, embedder, corpus_dir):
        console.print(f"building the SQuAD index in {index_dir} (a few minutes)")
        build_index(corpus_dir, index_dir, embedder, settings.model_name, index_type=settings.index_type)
    chosen = sample(questions, size, seed)
    console.print(f"SQuAD: {len(documents)} articles, {len(chosen)} of {len(questions)} questions, seed {seed}")
    _report(
        f"SQuAD v1.1 dev sample (n={len(chosen)}, seed={seed})",
        _evaluate_folder(corpus_dir, index_dir, chosen, embedder, settings.model_name, top_k),
    )


def _report(title: str, results: dict[str, dict[str, float | None]]) -> None:
    table = Table(title=title)
    table.add_column("metric")
    for system in results:
        table.add_column(system, justify="right")
    for metric in results["ours"]:
        table.add_row(metric, *(str(results[s][metric]) for s in results))
    Console().print(table)

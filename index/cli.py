"""Command line of the index library: `python -m index build` and `python -m index eval`."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

from index.build import build_from_documents, build_index
from index.corpus import corpus_files, load_corpus
from index.embed import Embedder, SentenceTransformerEmbedder
from index.errors import IndexError_
from index.evaluate import Question
from index.settings import IndexSettings

app = typer.Typer(add_completion=False, no_args_is_help=True, help="Build and evaluate the cited-answer index.")
console = Console(stderr=True)


@app.callback()
def main() -> None:
    """Build and evaluate the cited-answer index."""


def _settings(corpus: Path | None, out: Path | None, model: Path | None) -> IndexSettings:
    overrides: dict[str, Any] = {"corpus_dir": corpus, "index_dir": out, "model_path": model}
    return IndexSettings(**{k: v for k, v in overrides.items() if v is not None})


@app.command()
def build(
    corpus: Annotated[Path | None, typer.Option(help="Corpus folder (default: corpus/).")] = None,
    out: Annotated[Path | None, typer.Option(help="Index folder (default: data/index).")] = None,
    model: Annotated[Path | None, typer.Option(help="sentence-transformers model folder.")] = None,
) -> None:
    """Clean, chunk and embed the corpus into a new index version, then switch to it atomically."""
    logging.basicConfig(level=logging.WARNING, format="warning: %(message)s")
    settings = _settings(corpus, out, model)
    try:
        documents = load_corpus(settings.corpus_dir)
        embedder = SentenceTransformerEmbedder(settings.model_path, settings.embed_batch_size, settings.precision())
        with Progress(
            TextColumn("embedding"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeRemainingColumn(),
            console=console,
            transient=True,
        ) as progress:
            task = progress.add_task("embedding", total=None)
            report = build_from_documents(
                documents,
                settings.index_dir,
                embedder,
                settings.model_name,
                on_total=lambda n: progress.update(task, total=n),
                on_progress=lambda n: progress.advance(task, n),
                index_type=settings.index_type,
            )
    except IndexError_ as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(code=1) from None
    typer.echo(
        f"built index {report.version}: {report.documents} documents, {report.sentences} sentences, "
        f"{report.characters} characters; reused {report.reused} cached embeddings, embedded {report.embedded}; "
        f"{report.seconds:.1f}s "
        f"-> {report.path}"
    )


@app.command("eval")
def eval_command(
    questions: Annotated[Path | None, typer.Argument(help="Questions in essay-dev.jsonl format.")] = None,
    index: Annotated[Path | None, typer.Option(help="Index folder to answer from (default: data/index).")] = None,
    corpus: Annotated[Path | None, typer.Option(help="Raw corpus the baseline splits (default: corpus/).")] = None,
    squad: Annotated[Path | None, typer.Option(help="Also evaluate on a SQuAD v1.1 JSON file.")] = None,
    squad_index: Annotated[Path, typer.Option(help="Where the SQuAD corpus and index are kept.")] = Path("data/squad"),
    sample_size: Annotated[int, typer.Option("--sample", min=1, help="SQuAD questions to sample.")] = 2000,
    seed: Annotated[int, typer.Option(help="Seed of the SQuAD sample.")] = 13,
    top_k: Annotated[int, typer.Option(min=1, max=10, help="Citations per answer.")] = 3,
    model: Annotated[Path | None, typer.Option(help="sentence-transformers model folder.")] = None,
) -> None:
    """Run gold questions through the /ask code and the LangChain-style baseline; print both."""
    from index.evaluate import read_jsonl

    if questions is None and squad is None:
        raise typer.BadParameter("give a questions file, --squad FILE, or both")
    settings = _settings(corpus, index, model)
    try:
        embedder = SentenceTransformerEmbedder(settings.model_path, settings.embed_batch_size, settings.precision())
        if questions is not None:
            _report(
                f"{questions.name}",
                _evaluate_folder(
                    settings.corpus_dir, settings.index_dir, read_jsonl(questions), embedder, settings.model_name, top_k
                ),
            )
        if squad is not None:
            _evaluate_squad(squad, squad_index, embedder, settings, sample_size, seed, top_k)
    except (IndexError_, OSError, ValueError, KeyError) as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(code=1) from None


def _evaluate_folder(
    corpus_dir: Path, index_dir: Path, questions: list[Question], embedder: Embedder, model_name: str, top_k: int
) -> dict[str, dict[str, float | None]]:
    from index.baseline import BaselinePipeline
    from index.build import check_model
    from index.evaluate import evaluate
    from index.readers import read_raw
    from index.search import Searcher
    from index.store import load_current

    stored = load_current(index_dir)
    check_model(stored, embedder, model_name)
    searcher = Searcher(stored, embedder)
    raw = [read_raw(p, p.read_bytes())[0] for p in corpus_files(corpus_dir)]
    baseline = BaselinePipeline.build(raw, embedder)
    return evaluate(searcher, baseline, questions, top_k=top_k)


def _evaluate_squad(
    squad: Path,
    work: Path,
    embedder: SentenceTransformerEmbedder,
    settings: IndexSettings,
    size: int,
    seed: int,
    top_k: int,
) -> None:
    from index.evaluate import read_squad, sample, write_squad_corpus
    from index.store import current_version_path, read_manifest

    documents, questions = read_squad(squad)
    corpus_dir, index_dir = work / "corpus", work / "index"
    write_squad_corpus(documents, corpus_dir)
    current = current_version_path(index_dir) if (index_dir / "current").exists() else None
    if current is None or _stale(corpus_dir, current) or _outdated(read_manifest(current), embedder):
        console.print(f"building the SQuAD index in {index_dir} (a few minutes)")
        build_index(corpus_dir, index_dir, embedder, settings.model_name, index_type=settings.index_type)
    chosen = sample(questions, size, seed)
    console.print(f"SQuAD: {len(documents)} articles, {len(chosen)} of {len(questions)} questions, seed {seed}")
    _report(
        f"SQuAD v1.1 dev sample (n={len(chosen)}, seed={seed})",
        _evaluate_folder(corpus_dir, index_dir, chosen, embedder, settings.model_name, top_k),
    )


def _outdated(manifest: dict[str, Any], embedder: Embedder) -> bool:
    from index.store import embedded_precision, ingestion_outdated

    return ingestion_outdated(manifest) or embedded_precision(manifest) != embedder.precision


def _stale(corpus_dir: Path, version: Path) -> bool:
    return any(p.stat().st_mtime > version.stat().st_mtime for p in corpus_dir.iterdir())


def _report(title: str, results: dict[str, dict[str, float | None]]) -> None:
    from rich.table import Table

    table = Table(title=title)
    table.add_column("metric")
    for system in results:
        table.add_column(system, justify="right")
    for metric in results["ours"]:
        table.add_row(metric, *(str(results[s][metric]) for s in results))
    Console().print(table)

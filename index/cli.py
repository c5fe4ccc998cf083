"""Command line of the index library: `python -m index build`, and `base-forms`, which writes a resource."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Annotated, Any, NoReturn

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

from index.base_forms import BASE_FORMS_FILE, write_base_forms
from index.build import BuildReport, build_lock, build_locked, one_line
from index.embedding.embed import Embedder
from index.errors import IndexError_
from index.ingest.corpus import Document, load_corpus
from index.opening import load_embedder
from index.settings import IndexSettings

app = typer.Typer(add_completion=False, no_args_is_help=True, help="Build the cited-answer index.")
console = Console(stderr=True)


@app.callback()
def main() -> None:
    """Build the cited-answer index."""


def _settings(corpus: Path | None, out: Path | None, model: Path | None) -> IndexSettings:
    overrides: dict[str, Any] = {"corpus_dir": corpus, "index_dir": out, "model_path": model}
    return IndexSettings(**{k: v for k, v in overrides.items() if v is not None})


def _embed_with_progress(documents: list[Document], embedder: Embedder, settings: IndexSettings) -> BuildReport:
    with Progress(
        TextColumn("embedding"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeRemainingColumn(),
        console=console,
        transient=True,
    ) as progress:
        task = progress.add_task("embedding", total=None)
        return build_locked(
            documents,
            settings.index_dir,
            embedder,
            settings.model_name,
            on_total=lambda n: progress.update(task, total=n),
            on_progress=lambda n: progress.advance(task, n),
            index_type=settings.index_type,
        )


def _fail(reason: str) -> NoReturn:
    typer.echo(f"error: {reason}", err=True)
    raise typer.Exit(code=1)


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
        # Locked first: a second build learns at once that one runs, before it loads anything.
        with build_lock(settings.index_dir):
            documents = load_corpus(settings.corpus_dir, settings.max_document_bytes)
            report = _embed_with_progress(documents, load_embedder(settings), settings)
    except IndexError_ as exc:
        _fail(str(exc))
    except Exception as exc:  # whatever else fails (the lock file, the model): a reason, never a traceback
        _fail(f"the build of {settings.index_dir} failed: {type(exc).__name__}: {one_line(exc)}")
    typer.echo(
        f"built index {report.version}: {report.documents} documents, {report.sentences} sentences, "
        f"{report.characters} characters; reused {report.reused} cached embeddings, embedded {report.embedded}; "
        f"{report.seconds:.1f}s "
        f"-> {report.path}"
    )


@app.command("base-forms")
def base_forms_command(
    wordnet: Annotated[Path, typer.Argument(help="WordNet 3.0's database folder (Debian wordnet-base).")] = Path(
        "/usr/share/wordnet"
    ),
) -> None:
    """Rewrite index/base_forms.json, irregular forms and their base forms, from WordNet 3.0."""
    try:
        count = write_base_forms(wordnet)
    except (OSError, ValueError) as exc:
        _fail(f"cannot read WordNet's verb.exc and noun.exc in {wordnet}: {exc}")
    typer.echo(f"wrote {BASE_FORMS_FILE}: {count} irregular forms")

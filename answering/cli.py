"""Command line of the answering package: `python -m answering eval`."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.table import Table

from answering.baseline import BaselinePipeline
from answering.compose import DEFAULT_TOP_K
from answering.evaluate import (
    Question,
    Results,
    evaluate,
    evaluation_articles,
    read_jsonl,
    read_squad,
    sample,
    write_squad_corpus,
)
from answering.evaluate_conversations import (
    Conversation,
    evaluate_conversations,
    is_conversation_file,
    read_conversations,
)
from answering.nouns import NOUNS_FILE, write_nouns
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


@dataclass(frozen=True)
class QuestionSet:
    """One file's gold: single questions or conversations."""

    name: str
    questions: list[Question] = field(default_factory=list)
    conversations: list[Conversation] = field(default_factory=list)

    @property
    def on_squad(self) -> bool:
        """Whether it asks about SQuAD articles rather than the corpus folder."""
        articles = [q.article for q in self.questions] + [c.article for c in self.conversations]
        return any(article is not None for article in articles)


@app.callback()
def main() -> None:
    """Evaluate the cited-answer service."""


@app.command("eval")
def eval_command(
    questions: Annotated[
        list[Path] | None,
        typer.Argument(help="Question or conversation files (essay-dev.jsonl, squad-conversations-dev.jsonl format)."),
    ] = None,
    index: Annotated[Path | None, typer.Option(help="Index folder to answer from (default: data/index).")] = None,
    corpus: Annotated[Path | None, typer.Option(help="Raw corpus the baseline splits (default: corpus/).")] = None,
    squad: Annotated[Path | None, typer.Option(help="SQuAD v1.1 JSON: its 48 articles are the corpus.")] = None,
    squad_index: Annotated[Path, typer.Option(help="Where the SQuAD corpus and index are kept.")] = Path("data/squad"),
    v1: Annotated[bool, typer.Option(help="With --squad, also report SQuAD v1.1's odd-article questions.")] = True,
    sample_size: Annotated[int, typer.Option("--sample", min=1, help="SQuAD v1.1 questions to sample.")] = 2000,
    seed: Annotated[int, typer.Option(help="Seed of the SQuAD sample.")] = 13,
    top_k: Annotated[int, typer.Option(min=1, max=10, help="Citations per answer.")] = DEFAULT_TOP_K,
    model: Annotated[Path | None, typer.Option(help="sentence-transformers model folder.")] = None,
) -> None:
    """Run gold questions through the /ask code and the LangChain-style baseline; print both, overall and per kind.

    Files whose rows name a SQuAD `article` are asked of the SQuAD index (--squad builds it); the
    others of the index folder. Conversations are asked turn by turn with history and without it.
    SQuAD v1.1 figures are on the odd-numbered articles only: the even ones are for tuning.
    """
    files = questions or []
    if not files and squad is None:
        raise typer.BadParameter("give a questions file, --squad FILE, or both")
    overrides: dict[str, Any] = {"corpus_dir": corpus, "index_dir": index, "model_path": model}
    settings = IndexSettings(**{k: v for k, v in overrides.items() if v is not None})
    try:
        sets = [_read_set(path) for path in files]
        on_squad = [one for one in sets if one.on_squad]
        on_folder = [one for one in sets if not one.on_squad]
        if on_squad and squad is None:
            raise typer.BadParameter(f"{on_squad[0].name} asks about SQuAD articles: give --squad FILE too")
        embedder = load_embedder(settings)
        if on_folder:
            _ask_corpus(settings.corpus_dir, settings.index_dir, on_folder, embedder, settings, top_k)
        if squad is not None:
            _evaluate_squad(squad, squad_index, embedder, settings, on_squad, (v1, sample_size, seed), top_k)
    except (IndexError_, OSError, ValueError, KeyError) as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(code=1) from None


@app.command("nouns")
def nouns_command(
    wordnet: Annotated[Path, typer.Argument(help="WordNet 3.0's database folder (Debian wordnet-base).")] = Path(
        "/usr/share/wordnet"
    ),
) -> None:
    """Rewrite answering/nouns.json, the nouns that answer who and where and those naming someone, from WordNet 3.0."""
    try:
        counts = write_nouns(wordnet)
    except (OSError, ValueError, KeyError, IndexError) as exc:
        typer.echo(f"error: cannot read WordNet's index.noun and data.noun in {wordnet}: {exc}", err=True)
        raise typer.Exit(code=1) from None
    typer.echo(f"wrote {NOUNS_FILE}: " + ", ".join(f"{n} {kind.replace('_', ' ')}" for kind, n in counts.items()))


def _read_set(path: Path) -> QuestionSet:
    if is_conversation_file(path):
        return QuestionSet(path.name, conversations=read_conversations(path))
    return QuestionSet(path.name, questions=read_jsonl(path))


def _ask_corpus(
    corpus_dir: Path,
    index_dir: Path,
    sets: list[QuestionSet],
    embedder: Embedder,
    settings: IndexSettings,
    top_k: int,
) -> None:
    """Ask one corpus every question set, opening its index and embedding its baseline once for all."""
    searcher = open_index(index_dir, embedder, settings.model_name)
    # The baseline answers single questions; conversations are measured with and without history instead.
    baseline = BaselinePipeline.build(raw_texts(corpus_dir), embedder) if any(s.questions for s in sets) else None
    for one in sets:
        if baseline is not None and one.questions:
            _report(one.name, evaluate(searcher, baseline, one.questions, top_k=top_k))
        if one.conversations:
            _report(one.name, evaluate_conversations(searcher, one.conversations, top_k=top_k))


def _evaluate_squad(
    squad: Path,
    work: Path,
    embedder: Embedder,
    settings: IndexSettings,
    sets: list[QuestionSet],
    v1_sample: tuple[bool, int, int],
    top_k: int,
) -> None:
    """Build (if needed) the index of the 48 SQuAD articles and ask it each question set."""
    documents, v1_questions = read_squad(squad)
    corpus_dir, index_dir = work / "corpus", work / "index"
    write_squad_corpus(documents, corpus_dir)
    if index_outdated(index_dir, embedder, corpus_dir):
        console.print(f"building the SQuAD index in {index_dir} (a few minutes)")
        build_index(corpus_dir, index_dir, embedder, settings.model_name, index_type=settings.index_type)
    wanted, size, seed = v1_sample
    if wanted:
        reported = evaluation_articles(v1_questions)
        chosen = sample(reported, size, seed)
        console.print(f"SQuAD v1.1: {len(chosen)} of the {len(reported)} questions on the odd-numbered articles")
        sets = [*sets, QuestionSet(f"SQuAD v1.1 dev, odd-numbered articles (n={len(chosen)}, seed={seed})", chosen)]
    _ask_corpus(corpus_dir, index_dir, sets, embedder, settings, top_k)


def _report(title: str, results: Results) -> None:
    for group, figures in results.items():
        table = Table(title=title if group == "all" else f"{title}: {group} only")
        table.add_column("metric")
        for system in figures:
            table.add_column(system, justify="right")
        for metric in next(iter(figures.values())):
            table.add_row(metric, *(str(figures[s][metric]) for s in figures))
        Console().print(table)

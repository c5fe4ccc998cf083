"""The eval command and its scoring, on small samples."""

from __future__ import annotations

import itertools
import json
import re
from pathlib import Path

from typer.testing import CliRunner

from answering.baseline import CHUNK_OVERLAP, CHUNK_SIZE, split_text
from answering.cli import app
from answering.evaluate import (
    Scores,
    contains_gold,
    development_articles,
    evaluation_articles,
    normalize,
    read_squad,
    sample,
)
from index.ingest.corpus import INGESTION_VERSION
from index.store import current_version_path
from tests.conftest import CORPUS

runner = CliRunner()


def test_matching_folds_case_space_and_dashes() -> None:
    assert normalize("UK\u2010Japan  –  US") == "uk-japan - us"
    assert contains_gold(["the Joint New Air‐to‐Air Missile"], ["joint new air-to-air missile"])
    assert not contains_gold(["something else"], ["missile"])


def test_scores_count_answers_abstentions_and_evidence() -> None:
    scores = Scores()
    scores.add(_q("a", ["Tow"]), True, "William Tow said [1]", ["William Tow said", "x"])
    scores.add(_q("b", ["2016"]), False, "not covered", ["x", "in 2016"])
    scores.add(_q("c", []), False, "not covered", [])
    summary = scores.summary()
    assert summary["evidence@1"] == 0.5 and summary["evidence@3"] == 1.0
    assert summary["answer_accuracy"] == 0.5 and summary["false_abstention_rate"] == 0.5
    assert summary["abstention_accuracy"] == 1.0


def test_baseline_splitter_keeps_chunks_within_size_with_overlap() -> None:
    text = (CORPUS / "uk-japan-security-cooperation.txt").read_text(encoding="utf-8")
    chunks = split_text(text)
    assert len(chunks) > 8 and all(len(c) <= CHUNK_SIZE for c in chunks)
    assert all(c == c.strip() for c in chunks)
    # Paragraphs ("\n\n") are never overlapped; a paragraph too long for one chunk is, by up to 200 chars.
    continued = [(a, b) for a, b in itertools.pairwise(chunks) if b[:40] in a]
    assert len(continued) >= 3
    assert all(len(a) - a.index(b[:40]) <= CHUNK_OVERLAP for a, b in continued)


def test_squad_reader_and_seeded_sample(tmp_path: Path) -> None:
    path = tmp_path / "squad.json"
    path.write_text(json.dumps(_tiny_squad()), encoding="utf-8")
    documents, questions = read_squad(path)
    assert documents["squad-00"] == ("Green Valley", "The valley is green.\n\nIt was founded in 1820 by Anne Mills.")
    assert [q.answers for q in questions] == [("green",), ("1820",), ("Anne Mills",), ("blue",), ("Trout",)]
    assert [q.article for q in questions] == [0, 0, 0, 1, 1]
    assert [q.qid for q in evaluation_articles(questions)] == ["q4", "q5"]
    assert [q.qid for q in development_articles(questions)] == ["q1", "q2", "q3"]
    assert sample(questions, 2, seed=1) == sample(questions, 2, seed=1)


def test_eval_command_on_a_small_sample(essay_index: Path, tmp_path: Path) -> None:
    questions = tmp_path / "q.jsonl"
    rows = [
        {"id": "1", "question": "What is JNAAM?", "answers": ["Joint New Air-to-Air Missile"]},
        {"id": "2", "question": "How do I bake sourdough bread at home?", "answers": []},
    ]
    questions.write_text("\n".join(json.dumps(r) for r in rows), encoding="utf-8")
    result = runner.invoke(app, ["eval", str(questions), "--index", str(essay_index)])
    assert result.exit_code == 0, result.output
    for metric in ("evidence@1", "evidence@3", "answer_accuracy", "abstention_accuracy", "median_answer_words"):
        assert metric in result.output
    assert "baseline" in result.output


def test_eval_command_asks_conversations_with_and_without_history(essay_index: Path, tmp_path: Path) -> None:
    turns = [
        (
            "first",
            "Where does the essay say sustained interest in UK-Japan-US trilateralism is lacking?",
            ["Washington"],
        ),
        ("followup", "Why is that?", ["American policymakers are yet to grasp the benefits"]),
        ("switch", "How many British Eurofighters went to Japan for the Guardian North 16 exercise?", ["four"]),
    ]
    row = {"id": "c1", "article": -1, "turns": [{"kind": k, "question": q, "answers": a} for k, q, a in turns]}
    conversations = tmp_path / "conversations.jsonl"
    conversations.write_text(json.dumps(row) + "\n", encoding="utf-8")
    result = runner.invoke(app, ["eval", str(conversations), "--index", str(essay_index)])
    assert result.exit_code == 0, result.output
    assert "with history" in result.output and "without history" in result.output
    tables = {kind: result.output.split(f"{kind} only")[1][:1500] for kind in ("first", "followup", "switch")}
    # The follow-up is answered only with its history; the turns that stand alone are answered either way.
    assert re.search(r"answer_accuracy\s*│\s*1\.0\s*│\s*0\.0\s*│", tables["followup"])
    for kind in ("first", "switch"):
        assert re.search(r"answer_accuracy\s*│\s*1\.0\s*│\s*1\.0\s*│", tables[kind])


def test_eval_command_on_squad(tmp_path: Path) -> None:
    path = tmp_path / "squad.json"
    path.write_text(json.dumps(_tiny_squad()), encoding="utf-8")
    command = ["eval", "--squad", str(path), "--squad-index", str(tmp_path / "work"), "--sample", "3"]
    result = runner.invoke(app, command)
    assert result.exit_code == 0, result.output
    assert "seed" in result.output and "answer_accuracy" in result.output
    assert "odd-numbered articles (n=2" in result.output  # article 1's two questions, never article 0's
    assert "building the SQuAD index" in result.output
    assert "building" not in runner.invoke(app, command).output  # the index is up to date

    # An index whose text an older ingestion cleaned is rebuilt, though the corpus is unchanged.
    manifest_path = current_version_path(tmp_path / "work" / "index") / "manifest.json"
    manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    assert manifest.pop("ingestion") == INGESTION_VERSION
    manifest_path.write_text(json.dumps(manifest), encoding="utf-8")
    assert "building the SQuAD index" in runner.invoke(app, command).output


def test_eval_reads_squad_question_files_and_reports_each_kind(tmp_path: Path) -> None:
    squad = tmp_path / "squad.json"
    squad.write_text(json.dumps(_tiny_squad()), encoding="utf-8")
    rows = [
        {
            "id": "p1",
            "article": 0,
            "question": "Which hue does the valley have?",
            "answers": ["green"],
            "kind": "paraphrase",
        },
        {"id": "u1", "article": 1, "question": "How old is the oldest trout?", "answers": [], "kind": "unanswerable"},
    ]
    questions = tmp_path / "pn.jsonl"
    questions.write_text("\n".join(json.dumps(r) for r in rows), encoding="utf-8")
    without_squad = runner.invoke(app, ["eval", str(questions)])
    assert without_squad.exit_code != 0 and "--squad" in without_squad.output
    command = ["eval", str(questions), "--squad", str(squad), "--squad-index", str(tmp_path / "work"), "--no-v1"]
    result = runner.invoke(app, command)
    assert result.exit_code == 0, result.output
    for title in ("pn.jsonl", "pn.jsonl: paraphrase only", "pn.jsonl: unanswerable only"):
        assert title in result.output
    assert "v1.1" not in result.output


def _q(qid: str, answers: list[str]):  # type: ignore[no-untyped-def]
    from answering.evaluate import Question

    return Question(qid, "?", tuple(answers))


def _tiny_squad() -> dict[str, object]:
    return {
        "data": [
            {
                "title": "Green_Valley",
                "paragraphs": [
                    {
                        "context": "The valley is green.",
                        "qas": [{"id": "q1", "question": "What colour is the valley?", "answers": [{"text": "green"}]}],
                    },
                    {
                        "context": "It was founded in 1820 by Anne Mills.",
                        "qas": [
                            {"id": "q2", "question": "When was it founded?", "answers": [{"text": "1820"}]},
                            {"id": "q3", "question": "Who founded it?", "answers": [{"text": "Anne Mills"}]},
                        ],
                    },
                ],
            },
            {
                "title": "Blue_Lake",
                "paragraphs": [
                    {
                        "context": "The lake is deep and blue. Trout live in it.",
                        "qas": [
                            {"id": "q4", "question": "What colour is the lake?", "answers": [{"text": "blue"}]},
                            {"id": "q5", "question": "What fish live in the lake?", "answers": [{"text": "Trout"}]},
                        ],
                    }
                ],
            },
        ]
    }


def test_the_old_index_eval_spelling_hands_over_to_answering() -> None:
    import subprocess
    import sys

    from index import PROJECT_ROOT

    result = subprocess.run(
        [sys.executable, "-m", "index", "eval", "--help"], cwd=PROJECT_ROOT, capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stderr
    assert "python -m answering eval" in result.stdout and "--squad" in result.stdout

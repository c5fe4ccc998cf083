"""Measure follow-up questions: each turn asked with the earlier turns as history, and again alone."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from answering.compose import answer_question
from answering.conversation import Turn, read_in_context
from answering.evaluate import Question, Results, Scores, shown_evidence
from index import Searcher

WITH_HISTORY = "with history"
WITHOUT_HISTORY = "without history"


@dataclass(frozen=True)
class Conversation:
    """Gold turns, asked in order; `article` is the SQuAD article they ask about, None for another corpus."""

    cid: str
    article: int | None
    turns: tuple[Question, ...]


def is_conversation_file(path: Path) -> bool:
    """Whether a JSON-lines file holds conversations (rows with `turns`) rather than single questions."""
    with path.open(encoding="utf-8") as lines:
        first = next((line for line in lines if line.strip()), "")
    return bool(first) and "turns" in json.loads(first)


def read_conversations(path: Path) -> list[Conversation]:
    """Conversations in the squad-conversations-dev.jsonl format (`article` -1: not a SQuAD article)."""
    conversations = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        row = json.loads(line)
        article = row.get("article")
        article = None if article is None or article < 0 else int(article)
        turns = tuple(
            Question(f"{row['id']}.{n}", t["question"], tuple(t.get("answers", [])), t["kind"], article)
            for n, t in enumerate(row["turns"], start=1)
        )
        conversations.append(Conversation(row["id"], article, turns))
    return conversations


def evaluate_conversations(searcher: Searcher, conversations: list[Conversation], top_k: int = 3) -> Results:
    """Ask every turn with the earlier turns' questions and the service's own answers, and alone; per turn kind."""
    kinds = sorted({t.kind for c in conversations for t in c.turns})
    groups = ["all", *kinds]
    with_history = {group: Scores() for group in groups}
    alone = {group: Scores() for group in groups}
    for conversation in conversations:
        history: list[Turn] = []
        for gold in conversation.turns:
            answer = answer_question(searcher, gold.question, top_k, reading=read_in_context(gold.question, history))
            single = answer_question(searcher, gold.question, top_k)
            for group in ("all", gold.kind):
                with_history[group].add(gold, answer.answered, answer.answer, shown_evidence(answer))
                alone[group].add(gold, single.answered, single.answer, shown_evidence(single))
            history.append(Turn(gold.question, answer.answer))
    return {
        group: {WITH_HISTORY: with_history[group].summary(), WITHOUT_HISTORY: alone[group].summary()}
        for group in groups
    }

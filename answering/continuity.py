"""A follow-up's answer stays with its conversation: near what the earlier answers quoted, and adding to it.

The sentences the followed turns' answers quoted are the conversation's anchors. A follow-up is most
often answered in the same paragraph or document as they are, so those rank higher. Two of the
abstention rules follow from the same idea: a follow-up answered only from other documents has lost
its subject ("Where was he buried?" answered about someone else), and a follow-up answered only by
repeating an earlier sentence, which does not even hold the new question's words, has not been
answered at all. Such a repeat, or a sentence holding only the conversation's words, does not
lead when a sentence after it adds something.
"""

from __future__ import annotations

from dataclasses import dataclass

from answering.abstain import only_restates
from answering.conversation import Reading
from answering.question import QuestionProfile
from index import Hit, Searcher

PARAGRAPH_BONUS = 0.15  # ranking bonus for a sentence in an anchor's paragraph
DOCUMENT_BONUS = 0.1  # ranking bonus for a sentence elsewhere in an anchor's document
REPEAT_COVERAGE = 0.5  # share of the question's own words an earlier sentence must hold to answer again
OFF_SUBJECT = "the passages found are in other documents than the conversation so far: ask the question on its own"
NOTHING_NEW = "the documents say nothing about this beyond the earlier answer"


@dataclass(frozen=True)
class Anchors:
    """Where the followed turns' answers were found."""

    sentences: frozenset[str]  # the quoted excerpts, as quoted, and each sentence of them
    paragraphs: frozenset[tuple[str, int]]  # (document, paragraph) of each
    documents: frozenset[str]
    asked: frozenset[str] = frozenset()  # stemmed terms the followed turns' questions asked about


def find_anchors(searcher: Searcher, reading: Reading) -> Anchors:
    """Locate the sentences the followed turns' answers quoted (those still in the index)."""
    placed = [searcher.sentence(row) for text in reading.repeated for row in searcher.quoted_rows(text)]
    return Anchors(
        sentences=reading.repeated | {searcher.text(sentence) for sentence in placed},
        paragraphs=frozenset((s.doc_id, s.paragraph) for s in placed),
        documents=frozenset(s.doc_id for s in placed),
        asked=reading.asked,
    )


def nearness_bonus(searcher: Searcher, anchors: Anchors, hit: Hit) -> float:
    """How much closer to the conversation a sentence is: in an anchor's paragraph, or its document.

    The quoted sentences themselves get none: they are as near as can be, but what they say was said.
    """
    if not anchors.documents or searcher.text(hit.sentence) in anchors.sentences:
        return 0.0
    if (hit.sentence.doc_id, hit.sentence.paragraph) in anchors.paragraphs:
        return PARAGRAPH_BONUS
    return DOCUMENT_BONUS if hit.sentence.doc_id in anchors.documents else 0.0


def in_conversation(anchors: Anchors, hit: Hit) -> bool:
    """Whether a hit stands in a document of the conversation so far (any does, for a question read alone)."""
    return not anchors.documents or hit.sentence.doc_id in anchors.documents


def says_nothing_new(searcher: Searcher, profile: QuestionProfile, anchors: Anchors, hit: Hit) -> bool:
    """Whether a hit only repeats an earlier answer, holding neither half of the question's own words nor a new one.

    A new word is one of the question's that the followed questions did not ask about.
    """
    if searcher.text(hit.sentence) not in anchors.sentences:
        return False
    terms = searcher.sentence_terms(hit)
    holds_own = searcher.coverage(searcher.term_weights(profile.terms), terms) >= REPEAT_COVERAGE
    return not holds_own and not (set(profile.terms) - anchors.asked) & terms


def past_empty_leads(searcher: Searcher, profile: QuestionProfile, anchors: Anchors, hits: list[Hit]) -> list[Hit]:
    """The hits a follow-up is answered from: past a first one that would only be declined for adding nothing.

    In a follow-up, the words carried from earlier turns rank the earlier subject's sentences high,
    so the first may add nothing the conversation has not said, though the next one does:
    - an earlier answer's sentence that says nothing new gives way to the next that names what the
      earlier answers found (a carried word their questions did not ask about), as the pronoun points
      to it. "What treaty did he make with that king?" is answered by the sentence on the treaty with
      Rollo, not by repeating that Rollo led the raiders; a next sentence naming only the earlier
      questions' words may be about anyone, and the repeat is declined as before;
    - a sentence holding only the conversation's words gives way to the next that holds more: after
      "How is formal imperialism defined?", "And the informal kind?" is answered by what informal
      imperialism is, not declined for "There are formal or informal imperialisms."
    A question read alone keeps its hits: there, a first sentence that adds nothing means the corpus
    names the subject but not the answer.
    """
    if not profile.carried or not hits:
        return hits
    if says_nothing_new(searcher, profile, anchors, hits[0]):
        fresh = [hit for hit in hits if not says_nothing_new(searcher, profile, anchors, hit)]
        found = profile.carried.keys() - anchors.asked
        return fresh if fresh and not found.isdisjoint(searcher.sentence_terms(fresh[0])) else hits
    if only_restates(searcher, profile, hits[:1]):
        return [hit for hit in hits if not only_restates(searcher, profile, [hit])] or hits
    return hits


def continuity_reason(searcher: Searcher, profile: QuestionProfile, anchors: Anchors, chosen: list[Hit]) -> str:
    """Why the chosen sentences do not answer the follow-up in its conversation, or '' when they do."""
    if not chosen:
        return ""
    if not any(in_conversation(anchors, h) for h in chosen):
        return OFF_SUBJECT
    if all(says_nothing_new(searcher, profile, anchors, h) for h in chosen):
        return NOTHING_NEW
    return ""

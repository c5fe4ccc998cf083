"""Follow-up questions read in their conversation: which earlier turns they lean on, and what words they carry.

There is no language model to rewrite "When did that stadium open?" into a question of its own. Instead,
as history-aware query expansion does (HQE, on TREC CAsT), a question that points back (a pronoun, a
demonstrative, an ellipsis such as "And in 1915?", a bare "Why?") is searched with the key words of the
turns it points back to: the earlier question's words and the names in the earlier answer, each counting
for less than the question's own words. A question that points nowhere stands alone and is not dragged
back to the old topic.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from index import STOPWORDS, TOKEN, content_terms

MAX_HISTORY = 20  # earlier turns a request may send
MAX_ANSWER_CHARS = 5000  # the longest earlier answer a request may send
LOOK_BACK = 2  # earlier turns a follow-up may lean on, the latest first
QUESTION_SHARE = 0.6  # how much a word of the turn before counts beside one of the question's own
ANSWER_SHARE = 0.4  # how much a name in that turn's answer counts
DECAY = 0.5  # each further turn back counts this much less
MIN_SHARE = 0.1  # carried words fainter than this are dropped
MAX_DEPTH = 2  # a chain of follow-ups passes words on this many times (they fade below MIN_SHARE by then)

# Words that point outside the question: personal and possessive pronouns, demonstratives, and
# adverbs that need an earlier event to make sense.
_PRONOUNS = frozenset("it its itself he him his himself she her hers herself they them their theirs themselves".split())
_POINTERS = _PRONOUNS | frozenset("this these those such latter former then afterwards afterward".split())
_SINGULAR_THING = frozenset("it its itself".split())
# What may follow an object pronoun ("join it?", "shifted it to", "see it as"); a subject one is followed
# by its verb ("before it became ABC").
_AFTER_OBJECT = frozenset("to as in on for from with by at into up down out off over back about".split())
_FUNCTION_WORDS = frozenset("like as with about of for in on at by from to".split())
_POINTING = _POINTERS | frozenset(("that", "there", "one"))  # words that point carry nothing themselves
_BE = frozenset("is are was were be been being".split())
_ELLIPSIS = re.compile(
    r"^\s*(?:and|but|so|also|what about|how about|what of)\b|^\s*(?:why|how)\s*\??\s*$"
    r"|\bthe (?:two|three|four|both|latter|former|same)\b",
    re.I,
)
_CITATION_MARK = re.compile(r"\s*\[\d+\]")
_SENTENCE_START = re.compile(r"(?:[.!?:;]\s+|\n)\W*$")


@dataclass(frozen=True)
class Turn:
    """An earlier turn of the conversation: the question asked and the answer the service gave."""

    question: str
    answer: str


@dataclass(frozen=True)
class Reading:
    """How a question is read: alone, or with words carried over from earlier turns."""

    turns: tuple[int, ...] = ()  # indexes into the history, oldest first
    terms: tuple[str, ...] = ()  # the carried words as written, for people to see
    carried: tuple[tuple[str, float], ...] = ()  # (stemmed term, its share of a question word)
    repeated: frozenset[str] = frozenset()  # sentences those turns' answers already gave
    asked: frozenset[str] = frozenset()  # stemmed content terms of those turns' questions


def points_back(question: str) -> bool:
    """Whether a question leans on an earlier turn: a pronoun, a demonstrative, an ellipsis or a bare why/how."""
    if _ELLIPSIS.search(question):
        return True
    written = TOKEN.findall(question)
    words = [w.lower() for w in written]
    return any(_points(words, i) and not _named_before(written, i) for i in range(len(words)))


def _named_before(written: list[str], i: int) -> bool:
    """Whether the i-th word is a pronoun for a name earlier in the question ("Did Malaysia keep its king?").

    Number is checked roughly ("it" does not stand for a name ending in s, unless in a possessive 's),
    so in "How long did the Huguenots keep its provisions?" the "its" still points back. An object
    pronoun never stands for its clause's subject (that would be "itself"): in "Could Japan join it?"
    the "it" points back.
    """
    pronoun = written[i].lower()
    if pronoun not in _PRONOUNS or _is_object(written, i):
        return False
    names = [w for w in written[1:i] if w[:1].isupper() and w.lower() not in STOPWORDS]
    if pronoun in _SINGULAR_THING:
        names = [w for w in names if not w.endswith("s") or w.endswith(("'s", "’s"))]  # "Abercrombie's" is one
    return bool(names)


def _is_object(written: list[str], i: int) -> bool:
    """Whether the i-th word is an object pronoun: "him", "them", or "it" at the end or before a preposition."""
    pronoun = written[i].lower()
    if pronoun in ("him", "them"):
        return True
    return pronoun == "it" and (i == len(written) - 1 or written[i + 1].lower() in _AFTER_OBJECT)


def _points(words: list[str], i: int) -> bool:
    """Whether the i-th word points outside the question."""
    word, last = words[i], i == len(words) - 1
    before = words[i - 1] if i else ""
    after = words[i + 1] if not last else ""
    if word in _POINTERS:
        return True
    if word == "there":  # "Was there a treaty?" points nowhere; "Who lived there?" does
        return before not in _BE and after not in _BE
    if word == "that":  # "that treaty" or "like that" points; "the treaty that ended it" is a relative clause
        return last or i == len(words) - 2 or before in STOPWORDS or before in _FUNCTION_WORDS
    if word == "one":  # "solved by one", "which one"
        return last or before in ("the", "that", "this", "which")
    return False


def read_in_context(question: str, history: Sequence[Turn]) -> Reading:
    """Read a question with the recent turns it points back to, or alone when it points nowhere."""
    carried, used = _carry(question, history)
    if not carried:
        return Reading()
    terms = tuple(dict.fromkeys(word for _, word in carried.values()))
    shares = tuple((term, share) for term, (share, _) in carried.items())
    given = frozenset(sentence for index in used for sentence in cited_sentences(history[index].answer))
    asked = frozenset(term for index in used for term in content_terms(history[index].question))
    return Reading(tuple(sorted(used)), terms, shares, given, asked)


def cited_sentences(answer: str) -> list[str]:
    """The sentences an answer of this service quotes: each is followed by its [n]."""
    parts = _CITATION_MARK.split(answer)
    return [part.strip() for part in parts[:-1] if part.strip()]


def _carry(question: str, history: Sequence[Turn], depth: int = 0) -> tuple[dict[str, tuple[float, str]], set[int]]:
    """The words a question carries over (stem -> share and the word as written), and the turns they came from.

    An earlier turn that was itself a follow-up passes on what it carried, fainter, so a chain of
    follow-ups keeps its subject.
    """
    if not history or depth > MAX_DEPTH or not points_back(question):
        return {}, set()
    own = set(content_terms(question))
    carried: dict[str, tuple[float, str]] = {}
    used: set[int] = set()
    for back in range(min(LOOK_BACK, len(history))):
        index = len(history) - 1 - back
        turn = history[index]
        earlier, _ = _carry(turn.question, history[:index], depth + 1)
        words = [*_words(turn.question, QUESTION_SHARE), *_names(turn.answer, ANSWER_SHARE)]
        words += [(word, share * DECAY) for share, word in earlier.values()]
        for word, share in words:
            weight = share * DECAY**back
            for term in content_terms(word):
                if term in own or weight < MIN_SHARE:
                    continue
                used.add(index)
                if carried.get(term, (0.0, ""))[0] < weight:
                    carried[term] = (weight, carried[term][1] if term in carried else word)
    return carried, used


def _words(text: str, share: float) -> list[tuple[str, float]]:
    """The content words of a question, as written."""
    return [(word, share) for word in TOKEN.findall(text) if word.lower() not in _POINTING and content_terms(word)]


def _names(answer: str, share: float) -> list[tuple[str, float]]:
    """Names and numbers in an answer: capitalized words not opening a sentence, and figures."""
    # The service's "not covered" text holds neither, so a declined turn passes on only its question.
    text = _CITATION_MARK.sub("", answer)
    names = []
    for match in TOKEN.finditer(text):
        word = match.group()
        if not content_terms(word):
            continue
        # Only the few characters before the word decide (a long answer is not rescanned for each word).
        start = match.start()
        before = text[max(0, start - 8) : start]
        first = start < 8 and not before.strip(" \"'“‘(")
        opens_sentence = first or _SENTENCE_START.search(before) is not None
        if (word[:1].isupper() and not opens_sentence) or word[:1].isdigit():
            names.append((word, share))
    return names

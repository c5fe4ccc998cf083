"""Ligature glyphs (ti, tt, ft, fi, fl, ff, ffi, ffl) that PDF extraction dropped, re-inserted.

Each run of words is a small noisy-channel decision: every way of re-inserting a ligature is scored
with the unigram model (index/ingest/language.py), and a change is kept only when it is far more
likely than the text as it stands. The channel itself is read from each document: a ligature is
re-inserted only where the document shows it lost, joining split words more often than it occurs
intact in known words. Clean text, with its foreign names, initials and symbols ("Van Gend en
Loos", "U.S.", "de la"), is then left as it is.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Iterable
from collections.abc import Set as AbstractSet
from dataclasses import dataclass
from functools import lru_cache

from index.ingest.language import (
    CHANGE_PENALTY,
    MAX_WORDS_JOINED,
    UNKNOWN_LOG10,
    WORD,
    WORD_BONUS,
    english_frequencies,
    word_log10,
)

LIGATURES = ("ti", "tt", "ft", "fi", "fl", "ff", "ffi", "ffl")
# An object pronoun never follows an article or possessive ("the me and resource" is "the time ...").
DETERMINERS = frozenset("a an the this that these those its his her their our your my every each".split())
OBJECT_PRONOUNS = frozenset("me us him them".split())
_ANY_LIGATURE = re.compile("|".join(LIGATURES))


def _implausible_as_is(word: str, previous: tuple[str, ...], following: str) -> bool:
    """Grammar that unigram frequencies cannot see: "the me", "a long me", "a end"."""
    if word in OBJECT_PRONOUNS and ((previous[-1:] and previous[-1] in DETERMINERS) or previous[-2:-1] == ("a",)):
        return True
    return word == "a" and following[:1] in ("a", "e", "i")


def _is_repairable(token: str) -> bool:
    # Acronyms and proper nouns in capitals (UK, JNAAM) are never ligature fragments.
    return not (len(token) > 1 and token.isupper())


def _candidates(
    tokens: list[str],
    previous: tuple[str, ...],
    following: str,
    prefixable: bool,
    suffixable: bool,
    ligatures: tuple[str, ...],
) -> list[tuple[str, float, tuple[str, ...]]]:
    """Every way to read `tokens` as one word: (word, log10 probability, ligatures re-inserted).

    A changed reading must be a known word: re-inserting letters never makes a new one.
    """
    out: list[tuple[str, float, tuple[str, ...]]] = []
    if len(tokens) == 1:
        word = tokens[0].lower()
        as_is = word_log10(word, part_of_compound=not (prefixable and suffixable))
        if _implausible_as_is(word, previous, following):
            as_is = UNKNOWN_LOG10
        out.append((tokens[0], as_is, ()))
        for lig in ligatures:
            if prefixable:
                out.append((_cased(lig + word, tokens[0]), word_log10(lig + word), (lig,)))
            if suffixable:
                out.append((tokens[0] + lig, word_log10(word + lig), (lig,)))
        return out
    allowed = set(ligatures)
    for fills, inserted in _split_words().get(" ".join(tokens).lower(), ()):
        if allowed.issuperset(inserted):
            text = tokens[0] + "".join(fill + tok for fill, tok in zip(fills, tokens[1:], strict=True))
            out.append((text, word_log10(text.lower()), inserted))
    return out


@lru_cache(maxsize=1)
def _split_words() -> dict[str, list[tuple[tuple[str, ...], tuple[str, ...]]]]:
    """Every known word that lost ligatures split into two or three pieces, by its split form.

    "written" is found under "wri en" with the fill ("tt",). A gap between two pieces holds one
    ligature, or two side by side ("artificial" -> "ar cial") where the word splits in two. Looking a
    run up here replaces trying every ligature in every gap, which made repair the slowest step of
    a large build.
    """
    splits: defaultdict[str, list[tuple[tuple[str, ...], tuple[str, ...]]]] = defaultdict(list)
    for word in english_frequencies():
        if not (word.isalpha() and _ANY_LIGATURE.search(word)):
            continue
        found = [(i, lig) for lig in LIGATURES for i in range(len(word)) if word.startswith(lig, i)]
        for i, a in found:
            rest = i + len(a)
            if i == 0:  # every piece holds a letter: a gap never starts or ends the word
                continue
            if rest < len(word):
                splits[f"{word[:i]} {word[rest:]}"].append(((a,), (a,)))
            for j, b in found:
                end = j + len(b)
                if j == rest and end < len(word):
                    splits[f"{word[:i]} {word[end:]}"].append(((a + b,), (a, b)))
                elif j > rest and end < len(word):
                    splits[f"{word[:i]} {word[rest:j]} {word[end:]}"].append(((a, b), (a, b)))
    return dict(splits)


def _cased(word: str, like: str) -> str:
    return word.capitalize() if like[:1].isupper() else word


@dataclass(frozen=True)
class _Reading:
    """The chosen words for a run of tokens, and the ligatures re-inserted to make them."""

    words: list[str]
    inserted: tuple[str, ...]
    joined: tuple[str, ...]  # those that joined split words: the evidence that a ligature was lost


def _best_reading(
    tokens: list[str], previous: tuple[str, ...], glued_left: bool, glued_right: bool, ligatures: tuple[str, ...]
) -> _Reading:
    """Choose the most likely reading of a run of space-separated words (dynamic programming).

    A run glued to the text before or after it (an apostrophe, a hyphen) takes no ligature on that edge.
    """
    n = len(tokens)
    empty = _Reading([], (), ())
    best: list[tuple[float, _Reading]] = [(0.0, empty)] + [(float("-inf"), empty)] * n
    for end in range(1, n + 1):
        for size in range(1, min(MAX_WORDS_JOINED, end) + 1):
            start = end - size
            group = tokens[start:end]
            if size > 1 and not all(_is_repairable(t) for t in group):
                continue
            before = (*previous, *(t.lower() for t in tokens[:start]))[-2:]
            after = tokens[end].lower() if end < n else ""
            score0, reading0 = best[start]
            prefixable = size == 1 and not (start == 0 and glued_left)
            suffixable = size == 1 and not (end == n and glued_right)
            for word, log10p, inserted in _candidates(group, before, after, prefixable, suffixable, ligatures):
                if inserted and (log10p <= UNKNOWN_LOG10 or not _is_repairable(group[0])):
                    continue
                score = score0 + log10p + WORD_BONUS - (CHANGE_PENALTY if inserted else 0.0)
                if score > best[end][0]:
                    joined = reading0.joined + (inserted if size > 1 else ())
                    best[end] = (score, _Reading([*reading0.words, word], reading0.inserted + inserted, joined))
    return best[n][1]


_GLUE = re.compile(r"[-'’\w]")
_RUN = re.compile(r"[^\W\d_]+(?: [^\W\d_]+)*")


def repair_ligatures(paragraph: str, lost: AbstractSet[str] | None = None) -> str:
    """Re-insert the `lost` ligatures (by default, those the paragraph itself shows lost) where far more likely."""
    if lost is None:
        lost = lost_ligatures([paragraph])
    return _repair(paragraph, tuple(lig for lig in LIGATURES if lig in lost)).text


def lost_ligatures(paragraphs: Iterable[str]) -> frozenset[str]:
    """The ligatures a text's extraction dropped: they join split words more often than they occur intact.

    Only a joined word counts as evidence: a word split in two ("wri en") is the mark of a lost glyph,
    while a short token missing an edge could as well be a name, an initial or an abbreviation.
    """
    texts = list(paragraphs)
    return _lost([_repair(text, LIGATURES) for text in texts], texts)


@dataclass(frozen=True)
class _Repair:
    """A paragraph's most likely reading, and the ligatures re-inserted to make it."""

    text: str
    inserted: tuple[str, ...]
    joined: tuple[str, ...]


def _lost(proposals: list[_Repair], texts: list[str]) -> frozenset[str]:
    joined = Counter(lig for proposal in proposals for lig in proposal.joined)
    frequencies = english_frequencies()
    intact: Counter[str] = Counter()
    for text in texts:
        for word in WORD.findall(text):
            folded = word.lower()
            if len(folded) > 2 and folded in frequencies:
                intact.update(lig for lig in LIGATURES if lig in folded)
    return frozenset(lig for lig in LIGATURES if joined[lig] > intact[lig])


def _repair(paragraph: str, ligatures: tuple[str, ...]) -> _Repair:
    """The paragraph with the most likely reading of each run of words, re-inserting only `ligatures`."""
    pieces: list[str] = []
    inserted: list[str] = []
    joined: list[str] = []
    last = 0
    for match in _RUN.finditer(paragraph) if ligatures else ():
        tokens = match.group().split(" ")
        pieces.append(paragraph[last : match.start()])
        last = match.end()
        if len(tokens) == 1:
            pieces.append(match.group())
            continue
        previous = tuple(w.lower() for w in WORD.findall(paragraph[max(0, match.start() - 40) : match.start()])[-2:])
        glued_left = match.start() > 0 and not paragraph[match.start() - 1].isspace()
        glued_right = match.end() < len(paragraph) and _GLUE.match(paragraph, match.end()) is not None
        reading = _best_reading(tokens, previous, glued_left, glued_right, ligatures)
        pieces.append(" ".join(reading.words))
        inserted.extend(reading.inserted)
        joined.extend(reading.joined)
    pieces.append(paragraph[last:])
    return _Repair("".join(pieces), tuple(inserted), tuple(joined))


def reinsert_lost_ligatures(paragraphs: list[str]) -> list[str]:
    """The paragraphs with the ligatures their own text shows lost re-inserted, where far more likely."""
    # One pass proposes repairs with every ligature; the document's own counts say which were lost.
    first = [_repair(p, LIGATURES) for p in paragraphs]
    lost = _lost(first, paragraphs)
    if all(lost.issuperset(proposal.inserted) for proposal in first):
        return [proposal.text for proposal in first]
    ligatures = tuple(lig for lig in LIGATURES if lig in lost)
    return [_repair(p, ligatures).text for p in paragraphs]

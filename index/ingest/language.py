"""A unigram model of English words (wordfreq): how likely a word is in running text."""

from __future__ import annotations

import math
import re
from functools import lru_cache

WORD = re.compile(r"[^\W\d_]+")  # a run of letters: what the model scores as one word

# A repaired word must be this many orders of magnitude more likely than the text it replaces.
CHANGE_PENALTY = 1.0
UNKNOWN_LOG10 = -10.0
# A unigram model favours fewer, longer words ("longtime" over "long time"); each word earns this back.
WORD_BONUS = 1.5
MAX_WORDS_JOINED = 3

# English words of one or two letters are a closed class; any other token that short is a fragment.
SHORT_WORDS = frozenset(
    "a i am an as at be by do go he hi if in is it me my no of oh ok on or ox so to up us we".split()
)


@lru_cache(maxsize=1)
def english_frequencies() -> dict[str, float]:
    """The frequency of every English word wordfreq knows, loaded once."""
    # The same numbers zipf_frequency gives for a plain word, without its tokenizer on every lookup:
    # repair asks about millions of candidate strings on a large corpus.
    # Imported here, not at the top: the server imports this module (through index.build) on start-up
    # but repairs text only when it builds, and wordfreq's import is a noticeable share of a cold start.
    from wordfreq import get_frequency_dict

    return get_frequency_dict("en")


def word_log10(word: str, part_of_compound: bool = False) -> float:
    """Log10 probability of one lower-case word in running English text."""
    if len(word) <= 2 and word not in SHORT_WORDS and not part_of_compound:
        return UNKNOWN_LOG10
    frequency = english_frequencies().get(word)
    return math.log10(frequency) if frequency else UNKNOWN_LOG10

"""The words of a text that carry its meaning: lower-cased, stemmed, stopwords removed.

Search (BM25, term coverage) and question analysis read text through the same function, so a
question's terms and a passage's terms always compare alike.
"""

from __future__ import annotations

import re
from functools import lru_cache

import Stemmer
from bm25s.stopwords import STOPWORDS_EN

from index.base_forms import base_forms

_QUESTION_WORDS = frozenset(
    (
        "what which who whom whose when where why how does did do done according essay author name "
        "named kind type called say says said describe described"
    ).split()
)
STOPWORDS = (
    frozenset(STOPWORDS_EN)
    | _QUESTION_WORDS
    | frozenset(
        (
            "i me my we our you your he him his she her its they them their us has had have was were "
            "been being would could should can may might must shall will also than from about into over "
            "after before between both each few more most other some such only own same so very just "
            "any all"
        ).split()
    )
)
TOKEN = re.compile(r"[^\W_]+(?:[-+'’][^\W_]+)*")
_STEMMER = Stemmer.Stemmer("english")


@lru_cache(maxsize=200_000)
def stem(word: str) -> str:
    """The stem of one lower-case word; an irregular form ("chose", "men") is stemmed as its base form."""
    return str(_STEMMER.stemWord(base_forms().get(word, word)))


def content_terms(text: str) -> list[str]:
    """Stemmed, lower-case content words of a text, stopwords removed (also used for BM25)."""
    out = []
    for token in TOKEN.findall(text.lower()):
        for part in re.split(r"[-’']", token) if "-" in token or "’" in token or "'" in token else [token]:
            if part and part not in STOPWORDS and not (len(part) == 1 and part.isalpha()):
                out.append(stem(part))
    return out


def name_terms(text: str) -> frozenset[str]:
    """The terms of a question's capitalised words after its first: the names it mentions ("Black Death")."""
    words = TOKEN.findall(text)
    return frozenset(term for word in words[1:] if word[:1].isupper() for term in content_terms(word))

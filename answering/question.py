"""What a question asks for: its key terms, names, numbers and the kind of answer it expects."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field

from index import STOPWORDS, TOKEN, content_terms, stem

_NUMBER = re.compile(r"\d+(?:[.,+]\d+)*")

ANSWER_PATTERNS: dict[str, re.Pattern[str]] = {
    "date": re.compile(
        r"\b(?:1[0-9]{3}|20[0-9]{2})s?\b|\b(?:January|February|March|April|May|June|July|August|September"
        r"|October|November|December)\b|\b(?:century|decade)\b",
        re.IGNORECASE,
    ),
    "percent": re.compile(r"\d\s?(?:%|percent\b|per cent\b)", re.IGNORECASE),
    "money": re.compile(
        r"[$£€¥]\s?\d|\b\d[\d,.]*\s?(?:million|billion|trillion|bn|m)\b|\b(?:dollars?|pounds?|euros?|yen)\b",
        re.IGNORECASE,
    ),
    "number": re.compile(
        r"\d|\b(?:one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|twenty|thirty|forty|fifty|"
        r"hundreds?|thousands?|millions?|billions?|dozens?|several|many|few)\b",
        re.IGNORECASE,
    ),
    "name": re.compile(r"(?<![.!?]\s)(?<!^)\b[A-Z][\w'’-]*[a-zA-Z]"),
}
_EXPECTATIONS: list[tuple[str, re.Pattern[str]]] = [
    (
        "date",
        re.compile(r"\b(?:what|which) (?:year|date|month|decade|century)\b|^\s*when\b|\bsince when\b", re.I),
    ),
    ("percent", re.compile(r"\b(?:what|which) (?:percentage|percent|proportion|share)\b", re.I)),
    (
        "money",
        re.compile(
            r"\bhow much (?:money|did|does|do|is|was|will|would)\b"
            r"|\b(?:cost|price|budget|value|worth|funding)\b",
            re.I,
        ),
    ),
    (
        "number",
        re.compile(r"\bhow (?:many|much|long|old|far|large|big|tall|high)\b|\bwhat (?:number|amount)\b", re.I),
    ),
    (
        "name",
        re.compile(
            # "Who is William Tow?" asks what a named one is, not for another name.
            r"^\s*(?:who(?!\s+(?:is|was|are|were)\s+(?:the\s+)?(?:(?-i:[A-Z])[\w'’.-]*\s*)+\??\s*$)|whom|whose|where)\b"
            r"|\b(?:which|what) (?:person|people|scholar|author|city|country|"
            r"countries|nation|nations|state|town|company|organi[sz]ation|university|president|leader)\b",
            re.I,
        ),
    ),
]


@dataclass(frozen=True)
class QuestionProfile:
    """The parts of a question that an answer must speak to."""

    text: str
    terms: tuple[str, ...]
    names: tuple[str, ...]
    numbers: tuple[str, ...]
    expects: str | None
    carried: Mapping[str, float] = field(default_factory=dict)  # terms from earlier turns -> their share


def analyze(question: str, carried: Mapping[str, float] | None = None) -> QuestionProfile:
    """Profile a question: content terms, names, numbers and expected answer type, and any carried terms."""
    words = TOKEN.findall(question)
    names = tuple(
        w.lower()
        for i, w in enumerate(words)
        if w[:1].isupper() and (i > 0 or w.isupper()) and w.lower() not in STOPWORDS
    )
    expects = next((kind for kind, pattern in _EXPECTATIONS if pattern.search(question)), None)
    return QuestionProfile(
        text=question,
        terms=tuple(dict.fromkeys(content_terms(question))),
        names=names,
        numbers=tuple(_NUMBER.findall(question)),
        expects=expects,
        carried=dict(carried or {}),
    )


def has_answer_type(profile: QuestionProfile, text: str) -> bool:
    """Whether `text` holds the kind of thing the question asks for (always true when it asks for none)."""
    if profile.expects is None:
        return True
    pattern = ANSWER_PATTERNS[profile.expects]
    if profile.expects == "name":
        asked = set(profile.names) | set(content_terms(profile.text)) | set(profile.carried)
        return any(
            m.group().lower() not in asked and stem(m.group().lower()) not in asked for m in pattern.finditer(text)
        )
    if profile.expects in ("number", "date", "percent"):
        asked_numbers = set(profile.numbers)
        return any(m.group() not in asked_numbers for m in pattern.finditer(text))
    return pattern.search(text) is not None

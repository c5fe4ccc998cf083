"""What a question asks for: its key terms, names, numbers and the kind of answer it expects."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field

from answering.nouns import is_noun, names_someone, noun_kinds
from index import STOPWORDS, TOKEN, content_terms, stem

_NUMBER = re.compile(r"\d+(?:[.,+]\d+)*")
# A number the question names stands as a word of its own ("in 1901", "the 1990s", "2nd"), not as
# part of one ("3D", "MP3"), which a passage may spell otherwise ("three-dimensional").
_NAMED_NUMBER = re.compile(r"(?<![A-Za-z\d])\d+(?:[.,+]\d+)*(?=(?:s|st|nd|rd|th)?(?![A-Za-z]))")
# "Many" is left out: it says there were a lot, not how many ("many new maintainers").
_NUMBER_WORDS = (
    r"one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|"
    r"(?:thir|four|fif|six|seven|eigh|nine)teen|(?:twen|thir|for|fif|six|seven|eigh|nine)ty|"
    r"hundreds?|thousands?|millions?|billions?|dozens?|several|few"
)
_UNITS = (  # what a length, height, distance, weight or duration is measured in
    r"(?:kilo|centi|milli)?met(?:er|re)s?|k?m|cm|mm|feet|foot|ft|inch(?:es)?|yards?|miles?|mi|"
    r"(?:kilo)?grams?|kg|tonnes?|tons?|pounds?|lbs?|light[- ]years?|stor(?:e?ys|ies)|floors|"
    r"seconds?|minutes?|hours?|days?|weeks?|months?|years?|decades?|centuries|century"
)
_MEASURE = rf"(?:\d[\d,.]*|\b(?:{_NUMBER_WORDS}|a|an|(?:one[- ])?half(?: an?)?|a quarter))\s?(?:[-–]\s?)?(?:{_UNITS})\b"
_MONTHS = "january february march april may june july august september october november december".split()
_WEEKDAYS = "monday tuesday wednesday thursday friday saturday sunday".split()
_CALENDAR = frozenset([*_MONTHS, *_WEEKDAYS])
_YEAR = r"1[0-9]{3}|20[0-9]{2}"  # a year as texts write one
# An early year is written with three figures, after the word that dates by it ("began in 911").
_EARLY_YEAR = r"(?P<early_year>\b(?:in|since|until|till|by|from|around|circa)\s+[1-9][0-9]{2}\b)"
# A time may be told by what it follows or falls in ("After a general debate, members vote"); "since"
# is left out, as it gives a reason as often ("since they do not accord with ...").
_RELATIVE_TIME = (
    r"\b(?:after|before|during|following|until|till)\s+(?:the\s+)?(?P<event>[\w'’-]+)"
    r"|\bat the (?:beginning|start|end|time|height) of\b"
)
ANSWER_PATTERNS: dict[str, re.Pattern[str]] = {
    # A year, a month, a weekday, a century, a time of day, a time back from now ("3.5 billion years
    # ago"), or one told by an event.
    "date": re.compile(
        rf"\b(?:{_YEAR})s?\b|{_EARLY_YEAR}|{_RELATIVE_TIME}|\b(?:{'|'.join(_MONTHS + _WEEKDAYS)})s?\b"
        r"|\b(?:centur(?:y|ies)|decades?)\b"
        r"|\b\d{1,2}(?:[:.]\d{2})?\s?(?:a\.m\.|p\.m\.|[ap]m\b)|\b(?:noon|midnight)\b"
        rf"|\b(?:\d[\d,.]*|{_NUMBER_WORDS}|a)\s+(?:(?:thousand|million|billion)\s+)?years?\s+ago\b",
        re.IGNORECASE,
    ),
    "year": re.compile(r"\b[1-9][0-9]{2,3}s?\b"),
    "percent": re.compile(r"\d\s?(?:%|percent\b|per cent\b)", re.IGNORECASE),
    "money": re.compile(
        r"[$£€¥]\s?\d|\b\d[\d,.]*\s?(?:million|billion|trillion|bn|m)\b|\b(?:dollars?|pounds?|euros?|yen)\b"
        r"|\b(?:is|are|was|were|be|been)\s+free\b|\bfree of charge\b|\bat no (?:cost|charge)\b",
        re.IGNORECASE,
    ),
    "measure": re.compile(_MEASURE, re.IGNORECASE),
    # How long something went on: a measure ("did the tunnel run" asks a length), when it ended or began.
    "duration": re.compile(
        rf"{_MEASURE}|\b(?:until|till)\s+\w|\bsince\s+(?:the\s+)?(?:{_YEAR}|{'|'.join(_MONTHS)})", re.IGNORECASE
    ),
    "number": re.compile(rf"\d+(?:[.,]\d+)*|\b(?:{_NUMBER_WORDS})\b", re.IGNORECASE),
    "name": re.compile(r"(?<![.!?]\s)(?<!^)\b[A-Z][\w'’-]*[a-zA-Z]"),
}
# Besides a name, a common noun of these kinds (WordNet's) answers who and where.
_NOUN_KINDS = {"person": ("person", "group"), "place": ("location",)}
# A year-like number followed by a lower-case word counts things ("1500 soldiers"); otherwise it dates them.
_COUNTED_YEAR = re.compile(r"\s+[a-z]")
_YEAR_LIKE = re.compile(_YEAR)
# A day of the month dates ("on 10 April", "April 10, 1191"): it counts nothing. Months are capitalised,
# so that "3 may attend" still counts.
_MONTH = "|".join(month.capitalize() for month in _MONTHS)
_DAY_BEFORE_MONTH = re.compile(rf"(?:st|nd|rd|th)?\s+(?:of\s+)?(?:{_MONTH})\b")
_MONTH_BEFORE_DAY = re.compile(rf"\b(?:{_MONTH})\s+$")
# A number of times multiplies or repeats ("several tens of times greater"): it counts no things...
_MULTIPLIER = re.compile(r"\s+(?:(?:tens|hundreds|thousands|dozens) of\s+)?times\b", re.IGNORECASE)
# ...unless the question asks how often.
_ASKS_TIMES = re.compile(r"\bhow many times\b|\bhow often\b", re.IGNORECASE)
_NEXT_WORD = re.compile(r"\s+([a-z]+)\b")
_ONE_OF = re.compile(r"\s+of\b")  # "one of the worst disasters" picks one out; it counts nothing
_UNIT_AFTER = re.compile(rf"\s?(?:[-–]\s?)?(?:{_UNITS})\b|\s?%", re.IGNORECASE)  # "738 days", "180-foot"
# "Who was the architect of ...?" asks for a person's name: the role is a noun WordNet files under
# persons, after "the", "a" or a possessive ("Who was Emma's brother?").
_ROLE_QUESTION = re.compile(
    r"^\s*who\s+(?:is|was|are|were|became|becomes)\s+(?:the|an?|[\w-]+['’]s)\s+"
    r"(?:[\w-]+\s+){0,2}?([\w-]+)\s*(?:(?:of|for|at|in|on|to|when|during)\b|\?|$)",
    re.IGNORECASE,
)
PERSON_NAME = "person's name"
# A run of capitalised words, with the particles that join a name ("Ludwig van Beethoven").
_PARTICLES = frozenset("de von van der da di la le bin ibn al del du".split())
_CAPITALISED_RUN = re.compile(rf"[A-Z][\w'’.-]*(?:\s+(?:(?:{'|'.join(sorted(_PARTICLES))})\s+)*[A-Z][\w'’.-]*)*")
_SENTENCE_BREAK = re.compile(r"(?:^|[.!?:;]\s*)$")
_ROMAN_NUMERAL = re.compile(r"^(?=[IVXLC]+$)C{0,3}(?:XC|XL|L?X{0,3})(?:IX|IV|V?I{0,3})$")  # "II" in "Richard II"
_ROMAN_WORD = re.compile(r"\b[IVXLC]{2,}\b")
_POSSESSIVE = re.compile(r"['’]s$")
_INNER_CAPITAL = re.compile(r"^.+[A-Z]")  # "BSkyB", "NASA": a name wherever it stands, unlike "Bowman"
# "When John Fox left, who replaced him?" asks who: a clause that sets the scene before the question
# proper says nothing of the kind of answer wanted ("When was it signed, and by whom?" is no such clause).
_OPENING_CLAUSE = re.compile(
    r"^\s*(?:when|if|after|before|while|once|since|although|as|because)\b"
    r"(?!\s+(?:is|was|are|were|did|does|do|has|have|had|will|would|can|could|should|may|might)\b)[^,?]*,\s*"
    r"(?=.*\b(?:who|whom|whose|what|which|where|when|how|why)\b)",
    re.IGNORECASE,
)
_EXPECTATIONS: list[tuple[str, re.Pattern[str]]] = [
    ("year", re.compile(r"\b(?:what|which) year\b", re.I)),
    (
        "date",
        re.compile(
            r"\b(?:what|which) (?:date|month|decade|century)\b|^\s*when\b|\b(?:since|until) when\b|\bwhen\?\s*$",
            re.I,
        ),
    ),
    ("percent", re.compile(r"\b(?:what|which) (?:percentage|percent|proportion|share)\b", re.I)),
    (
        "money",
        # A cost asked for, not a question that merely names one ("Where does the school's funding come from?").
        re.compile(
            r"\bhow much money\b"
            r"|\bhow much\b.*\b(?:cost|costs|pay|paid|spend|spent|charge|charged|earn|earned|worth|sell|sold"
            r"|raise|raised|invest|invested)\b"
            r"|^\s*(?:what|which) (?:(?:was|is|were|are|will be) )?(?:the )?(?:[\w'’-]+ ){0,3}"
            r"(?:cost|price|budget|value|worth|fee|salary|revenue|funding)\b",
            re.I,
        ),
    ),
    # "How long did the truce hold?" asks a time, which its end answers too; "How long is the river?" a length.
    ("duration", re.compile(r"\bhow long (?:did|does|do|will|would|has|have|had)\b", re.I)),
    ("measure", re.compile(r"\bhow (?:long|far|tall|high|deep|wide|heavy)\b", re.I)),
    (
        "number",
        # A version is numbered ("1.16.1").
        re.compile(r"\bhow (?:many|much|old|large|big)\b|\bwhat (?:number|amount)\b|\b(?:which|what) version\b", re.I),
    ),
    (
        "person",
        re.compile(
            # "Who is William Tow?" asks what a named one is, not for another name.
            r"^\s*(?:who(?!\s+(?:is|was|are|were)\s+(?:the\s+)?(?:(?-i:[A-Z])[\w'’.-]*\s*)+\??\s*$)|whom|whose)\b"
            r"|\b(?:which|what) (?:person|people|scholar|author|president|leader)\b",
            re.I,
        ),
    ),
    (
        "place",
        re.compile(r"^\s*where\b|\b(?:which|what) (?:city|country|countries|nation|nations|state|town)\b", re.I),
    ),
    ("name", re.compile(r"\b(?:which|what) (?:company|organi[sz]ation|university)\b", re.I)),
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

    @property
    def asked_terms(self) -> set[str]:
        """The stemmed terms the question and its conversation already give: never the answer itself."""
        return {*self.terms, *self.carried}


def analyze(question: str, carried: Mapping[str, float] | None = None) -> QuestionProfile:
    """Profile a question: content terms, names, numbers and expected answer type, and any carried terms."""
    words = TOKEN.findall(question)
    names = tuple(
        w.lower()
        for i, w in enumerate(words)
        if w[:1].isupper() and (i > 0 or w.isupper()) and w.lower() not in STOPWORDS
    )
    proper = question[opening.end() :] if (opening := _OPENING_CLAUSE.match(question)) else question
    expects = next((kind for kind, pattern in _EXPECTATIONS if pattern.search(proper)), None)
    if expects == "person" and _asks_for_a_role(proper):
        expects = PERSON_NAME
    return QuestionProfile(
        text=question,
        terms=tuple(dict.fromkeys(content_terms(question))),
        names=names,
        numbers=(*_NAMED_NUMBER.findall(question), *_roman_numerals(question)),
        expects=expects,
        carried=dict(carried or {}),
    )


def _roman_numerals(question: str) -> list[str]:
    """The Roman numerals a question names ("Super Bowl XLVIII", "Henry VIII"), two letters or more."""
    return [word for word in _ROMAN_WORD.findall(question) if _ROMAN_NUMERAL.match(word)]


def has_answer_type(profile: QuestionProfile, text: str) -> bool:
    """Whether `text` holds the kind of thing the question asks for (always true when it asks for none).

    What the question itself names does not count: a name, number or year it mentions is not its answer.
    """
    if profile.expects is None:
        return True
    if profile.expects in (PERSON_NAME, "name", "person", "place"):
        asked = set(profile.names) | profile.asked_terms
        if check := _RUN_CHECKS.get(profile.expects):
            named = any(check(run, asked) for run in _name_runs(text))
        else:
            named = any(_is_new_name(m.group(), asked) for m in ANSWER_PATTERNS["name"].finditer(text))
        return named or _has_noun_of_kind(profile.expects, text, asked)
    pattern = ANSWER_PATTERNS[profile.expects]
    if profile.expects in ("number", "date", "year", "percent", "measure", "duration"):
        asked_numbers = set(profile.numbers)
        return any(
            not (set(_NUMBER.findall(m.group())) & asked_numbers) and not _is_not_the_kind(profile, text, m)
            for m in pattern.finditer(text)
        )
    return pattern.search(text) is not None


def _asks_for_a_role(question: str) -> bool:
    """Whether a who-question asks who held a role a person holds ("Who was the mayor of Fresno?")."""
    role = _ROLE_QUESTION.search(question)
    return role is not None and "person" in noun_kinds(role.group(1).lower())


def _name_runs(text: str) -> list[list[str]]:
    """The runs of capitalised words in `text`, each as its words (possessives and final stops dropped).

    A sentence's first word is capitalised whatever it is, so alone it counts only when it names
    someone ("Gandhi led ...") or is capitalised inside too ("BSkyB has ..."), not when it is any
    noun ("Bowman was the director ...": an archer).
    """
    runs = []
    for match in _CAPITALISED_RUN.finditer(text):
        words = [_without_stop(_POSSESSIVE.sub("", word)) for word in match.group().split()]
        words = [word for word in words if word.lower() not in STOPWORDS or word.lower() in _PARTICLES]
        if not words:
            continue
        # "The Dalek race ..." opens with "The": "Dalek" is capitalised for itself.
        opens_sentence = _SENTENCE_BREAK.search(text, 0, match.start()) is not None
        opens_sentence = opens_sentence and match.group().split()[0].lower() not in STOPWORDS
        if (
            opens_sentence
            and len(words) == 1
            and not names_someone(words[0].lower())
            and not _INNER_CAPITAL.search(words[0])
        ):
            continue
        runs.append(words)
    return runs


def _without_stop(word: str) -> str:
    """A word without the full stop that ends its sentence; an abbreviation keeps its own ("U.S.")."""
    return word[:-1] if word.endswith(".") and "." not in word[:-1] else word


def _new_words(run: list[str], asked: set[str]) -> list[str]:
    """A run's words in lower case, particles left out; none if the question gives them all or one is a month or day."""
    words = [word.lower() for word in run if word.lower() not in _PARTICLES]
    if all(word in asked or stem(word) in asked for word in words) or _CALENDAR.intersection(words):
        return []
    return words


def _names_a_person(run: list[str], asked: set[str]) -> bool:
    """Whether a run of capitalised words may be a person's name the question does not give.

    Its last word decides ("Royal Geographical Society" is a group, "Tower District" a place): a word
    naming someone in particular ("Newton") or no noun at all ("Swearengin") is a name; a common noun
    of a person ("Emperor", "Khan") is a title, a name when another of its words is one ("Emperor
    Gegeen Khan"); any other noun ("Tower", "Silver") names no person. A king's numeral is passed over.
    """
    words = _new_words(run, asked)
    return bool(words) and _is_a_persons_name(run, words)


def _is_a_persons_name(run: list[str], words: list[str]) -> bool:
    """`_names_a_person`, once the run's new words (`_new_words`) are read: its last word decides."""
    head = run[-2] if len(run) > 1 and _ROMAN_NUMERAL.match(run[-1]) else run[-1]
    if _is_a_name(head.lower()):
        return True
    return "person" in noun_kinds(head.lower()) and any(_is_a_name(word) for word in words if word != head.lower())


def _names_someone_or_a_body(run: list[str], asked: set[str]) -> bool:
    """Whether a run of capitalised words may name a person or a body of people the question does not give.

    A person's name as for a role ("Newton"; "DeMarcus Ware", a given name before a surname that is
    also a noun), or a name ending in a noun of a person, a group or a place, which may act as one
    ("Royal Geographical Society", "Dominican Friars", "signed by Norway"); not a thing ("Royal Charter").
    """
    words = _new_words(run, asked)
    if not words:
        return False
    if _is_a_persons_name(run, words):
        return True
    if len(words) > 1 and words[0] not in asked and _is_a_name(words[0]):
        return True
    return bool(noun_kinds(words[-1]))


def _may_name_a_place(run: list[str], asked: set[str]) -> bool:
    """Whether a run of capitalised words may name a place the question does not give.

    Not when a word of it is a particular person in WordNet ("Martin Luther") or it ends in a noun
    of a person ("Protestant"); a name WordNet does not know ("Eisleben") may be a place.
    """
    words = _new_words(run, asked)
    if not words or any(names_someone(word) for word in words if word not in asked):
        return False
    return "person" not in noun_kinds(words[-1])


# Who and where are answered by names read as runs of capitalised words; other kinds by any new name.
_RUN_CHECKS = {PERSON_NAME: _names_a_person, "person": _names_someone_or_a_body, "place": _may_name_a_place}


def _is_a_name(word: str) -> bool:
    """Whether a lower-case word names someone in particular, or is no noun at all (a name, as far as WordNet knows).

    A hyphenated word is what its last part is: "Jean-Paul" a name, "UK-Japanese" or "Indo-Pacific" a noun.
    """
    parts = [part for part in word.split("-") if part]
    if len(parts) > 1:
        return _is_a_name(parts[-1])
    return names_someone(word) or not is_noun(word)


def _is_new_name(word: str, asked: set[str]) -> bool:
    """Whether a capitalised word names something the question does not, and is not a month or weekday."""
    lower = word.lower()
    return lower not in asked and stem(lower) not in asked and lower not in _CALENDAR


def _has_noun_of_kind(expects: str, text: str, asked: set[str]) -> bool:
    """Whether `text` holds a noun of a kind that answers the question ("architect" for who), not asked."""
    kinds = _NOUN_KINDS.get(expects, ())
    if not kinds:
        return False
    words = {word.lower() for word in TOKEN.findall(text)}
    return any(stem(word) not in asked and not noun_kinds(word).isdisjoint(kinds) for word in words - STOPWORDS)


def _is_not_the_kind(profile: QuestionProfile, text: str, match: re.Match[str]) -> bool:
    """Whether what looks like the kind asked for is not: a count or year that counts, measures or dates
    something else, or a time told by an event the question itself names ("after the storm")."""
    if profile.expects == "year":
        return _UNIT_AFTER.match(text, match.end()) is not None  # "for 738 days" measures; it dates nothing
    if profile.expects == "date" and match.group("early_year"):
        return _counts_things(text, match)
    if profile.expects == "date" and (event := match.group("event")):
        return stem(event.lower()) in profile.asked_terms
    if profile.expects == "number":
        return _is_not_a_count(profile, text, match)
    return False


def _counts_things(text: str, match: re.Match[str]) -> bool:
    """Whether a number counts or measures what follows it ("in 300 ships", "by 200 km"), not dates."""
    following = _NEXT_WORD.match(text, match.end())
    counted = following is not None and following.group(1) not in STOPWORDS
    return counted or _UNIT_AFTER.match(text, match.end()) is not None


def _is_not_a_count(profile: QuestionProfile, text: str, match: re.Match[str]) -> bool:
    """Whether a number offered as a count counts nothing asked for.

    A year ("How many ships left in 1191?" is not answered by 1191), a date's day ("How many buildings
    burned?" is not answered by "on May 3"), "one of" ("one of the worst fires"), or a multiplier
    ("How many maintainers are there?" is not answered by "several tens of times greater").
    """
    number = match.group()
    if _YEAR_LIKE.fullmatch(number) and not _COUNTED_YEAR.match(text, match.end()):
        return True
    if number.isdigit() and 1 <= int(number) <= 31 and _is_day_of_month(text, match):
        return True
    if number.lower() == "one" and _ONE_OF.match(text, match.end()):
        return True
    return _MULTIPLIER.match(text, match.end()) is not None and not _ASKS_TIMES.search(profile.text)


def _is_day_of_month(text: str, match: re.Match[str]) -> bool:
    """Whether a number is a date's day: just before a month's name ("10 April") or just after it ("April 10")."""
    return bool(_DAY_BEFORE_MONTH.match(text, match.end()) or _MONTH_BEFORE_DAY.search(text, 0, match.start()))

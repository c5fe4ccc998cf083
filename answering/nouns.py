"""What a noun names (a person, a group, a place, someone in particular), read from WordNet's lexicographer files.

"Who manages the job?" is answered by "An architect manages the job" as well as by a name, and
"Where do plasma waves occur?" by a place WordNet knows. The kinds live in `nouns.json`, written
from WordNet 3.0 (Debian's `wordnet-base`) by `python -m answering nouns /usr/share/wordnet`; a
noun counts as the kind of its most frequent sense, so "authority" (power) is no person. The file
also lists every other noun, and the nouns that name a particular person by one of their senses
("newton", "gates"), so that a capitalised word can be told from a common noun ("Tower", "Society").
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

from index import WORDNET_NOTICE

NOUNS_FILE = Path(__file__).with_name("nouns.json")
# WordNet's lexicographer file numbers: noun.person, noun.group, noun.location.
LEXICOGRAPHER_FILES = {18: "person", 14: "group", 15: "location"}
PERSON_FILE = next(number for number, kind in LEXICOGRAPHER_FILES.items() if kind == "person")
OTHER = "other"  # nouns whose most frequent sense is none of the kinds above
NAMED_PEOPLE = "named_people"  # nouns with a sense that is one particular person (an instance, "@i")


@cache
def _lemmas() -> dict[str, frozenset[str]]:
    data = json.loads(NOUNS_FILE.read_text(encoding="utf-8"))
    return {kind: frozenset(data[kind]) for kind in (*LEXICOGRAPHER_FILES.values(), OTHER, NAMED_PEOPLE)}


def noun_kinds(word: str) -> set[str]:
    """The kinds (person, group, location) of a lower-case word as a noun, plural or singular.

    Whole words, not stems: "announced" shares its stem with "announcer" but names no one.
    """
    forms = {word, *_singulars(word)}
    return {kind for kind in LEXICOGRAPHER_FILES.values() if forms & _lemmas()[kind]}


def is_noun(word: str) -> bool:
    """Whether a lower-case word, plural or singular, is a noun WordNet knows ("tower", "newton"; not "swearengin")."""
    forms = {word, *_singulars(word)}
    return any(forms & _lemmas()[kind] for kind in (*LEXICOGRAPHER_FILES.values(), OTHER))


def names_someone(word: str) -> bool:
    """Whether a lower-case word is, in one of its senses, one particular person ("newton", "gates")."""
    return word in _lemmas()[NAMED_PEOPLE]


def _singulars(word: str) -> list[str]:
    if word.endswith("ies"):
        return [word[:-3] + "y"]
    if word.endswith("es"):
        return [word[:-2], word[:-1]]
    if word.endswith("s") and not word.endswith("ss"):
        return [word[:-1]]
    return []


def write_nouns(wordnet_dir: Path, target: Path = NOUNS_FILE) -> dict[str, int]:
    """Write each kind's one-word nouns from WordNet's index.noun, data.noun and noun.exc; return their counts."""
    file_of: dict[str, int] = {}  # synset offset -> lexicographer file
    people: set[str] = set()  # offsets of synsets that are one particular person
    for line in _entries(wordnet_dir / "data.noun"):
        offset, lexicographer_file, _ = line.split(" ", 2)
        file_of[offset] = int(lexicographer_file)
        if file_of[offset] == PERSON_FILE and " @i " in line:  # an instance of a kind of person
            people.add(offset)
    kinds: dict[str, list[str]] = {kind: [] for kind in (*LEXICOGRAPHER_FILES.values(), OTHER, NAMED_PEOPLE)}
    kind_of: dict[str, str] = {}
    for line in _entries(wordnet_dir / "index.noun"):
        fields = line.split()
        lemma, sense_count, pointer_count = fields[0], int(fields[2]), int(fields[3])
        senses = fields[4 + pointer_count + 2 :][:sense_count]  # after the pointers, sense_cnt and tagsense_cnt
        if "_" in lemma:
            continue
        kind = LEXICOGRAPHER_FILES.get(file_of[senses[0]], OTHER)
        kinds[kind].append(lemma)
        kind_of[lemma] = kind
        if people.intersection(senses):
            kinds[NAMED_PEOPLE].append(lemma)
    for line in _entries(wordnet_dir / "noun.exc"):  # irregular plurals: "men man", "people person"
        plural, singular = line.split()[:2]
        if singular in kind_of and "_" not in plural:
            kinds[kind_of[singular]].append(plural)
    for lemmas in kinds.values():
        lemmas.sort()
    # Written whole or not at all: a file cut short would answer who and where with half the nouns.
    partial = target.with_name(target.name + ".partial")
    partial.write_text(json.dumps({"source": WORDNET_NOTICE, **kinds}, indent=0) + "\n", encoding="utf-8")
    partial.replace(target)
    return {kind: len(lemmas) for kind, lemmas in kinds.items()}


def _entries(path: Path) -> list[str]:
    """A WordNet database file's entries, without the license header (lines that start with spaces)."""
    return [line for line in path.read_text(encoding="utf-8").splitlines() if line and not line.startswith(" ")]

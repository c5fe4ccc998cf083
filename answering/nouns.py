"""What a common noun names (a person, a group, a place), read from WordNet's lexicographer files.

"Who manages the job?" is answered by "An architect manages the job" as well as by a name, and
"Where do plasma waves occur?" by a place WordNet knows. The kinds live in `nouns.json`, written
from WordNet 3.0 (Debian's `wordnet-base`) by `python -m answering nouns /usr/share/wordnet`; a
noun counts as the kind of its most frequent sense, so "authority" (power) is no person.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

from index import WORDNET_NOTICE

NOUNS_FILE = Path(__file__).with_name("nouns.json")
# WordNet's lexicographer file numbers: noun.person, noun.group, noun.location.
LEXICOGRAPHER_FILES = {18: "person", 14: "group", 15: "location"}


@cache
def _lemmas() -> dict[str, frozenset[str]]:
    data = json.loads(NOUNS_FILE.read_text(encoding="utf-8"))
    return {kind: frozenset(data[kind]) for kind in LEXICOGRAPHER_FILES.values()}


def noun_kinds(word: str) -> set[str]:
    """The kinds (person, group, location) of a lower-case word as a noun, plural or singular.

    Whole words, not stems: "announced" shares its stem with "announcer" but names no one.
    """
    forms = {word, *_singulars(word)}
    return {kind for kind, lemmas in _lemmas().items() if forms & lemmas}


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
    for line in _entries(wordnet_dir / "data.noun"):
        offset, lexicographer_file, _ = line.split(" ", 2)
        file_of[offset] = int(lexicographer_file)
    kinds: dict[str, list[str]] = {kind: [] for kind in LEXICOGRAPHER_FILES.values()}
    kind_of: dict[str, str] = {}
    for line in _entries(wordnet_dir / "index.noun"):
        fields = line.split()
        lemma, pointer_count = fields[0], int(fields[3])
        first_sense = fields[4 + pointer_count + 2]  # after the pointers, sense_cnt and tagsense_cnt
        kind = LEXICOGRAPHER_FILES.get(file_of[first_sense])
        if kind and "_" not in lemma:
            kinds[kind].append(lemma)
            kind_of[lemma] = kind
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

"""Irregular inflections read as their base forms ("chose" -> "choose", "men" -> "man"), from WordNet.

The stemmer strips regular endings only, so "Why did he choose that name?" shared no term with
"Silverstein chose the name", nor "Who built it?" with "to build". The pairs live in `base_forms.json`,
written from WordNet 3.0's exception lists for verbs and nouns (Debian's `wordnet-base`) by
`python -m index base-forms /usr/share/wordnet`.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

BASE_FORMS_FILE = Path(__file__).with_name("base_forms.json")
EXCEPTION_LISTS = ("verb.exc", "noun.exc")  # a form in both keeps its verb's base ("found": find)
WORDNET_NOTICE = (
    "WordNet 3.0 Copyright 2006 by Princeton University. All rights reserved. "
    "Used under the WordNet 3.0 license: https://wordnet.princeton.edu/license-and-commercial-use"
)


@cache
def base_forms() -> dict[str, str]:
    """Each irregular one-word form and its base form, lower case."""
    forms: dict[str, str] = json.loads(BASE_FORMS_FILE.read_text(encoding="utf-8"))["forms"]
    return forms


def write_base_forms(wordnet_dir: Path, target: Path = BASE_FORMS_FILE) -> int:
    """Write the one-word pairs of WordNet's verb and noun exception lists to `target`; return how many."""
    forms: dict[str, str] = {}
    for name in EXCEPTION_LISTS:
        for line in (wordnet_dir / name).read_text(encoding="utf-8").splitlines():
            fields = line.split()
            # "ran run", "men man"; phrases ("acquis_communautaires") and forms like "a'" are left out.
            if len(fields) >= 2 and fields[0].isalpha() and fields[1].isalpha():
                forms.setdefault(fields[0], fields[1])
    # Written whole or not at all: a file cut short would make a question's terms differ from its passage's.
    partial = target.with_name(target.name + ".partial")
    document = {"source": WORDNET_NOTICE, "forms": dict(sorted(forms.items()))}
    partial.write_text(json.dumps(document, indent=0, ensure_ascii=False) + "\n", encoding="utf-8")
    partial.replace(target)
    return len(forms)

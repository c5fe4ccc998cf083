"""The nouns that answer who and where, read from WordNet."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from answering.cli import app
from answering.nouns import NOUNS_FILE, is_noun, names_someone, noun_kinds, write_nouns

SYSTEM_WORDNET = Path("/usr/share/wordnet")


def _fake_wordnet(folder: Path) -> Path:
    """A WordNet database in the real files' format, five nouns and a license header line."""
    folder.mkdir()
    header = "  1 This software and database is being provided to you, the LICENSEE, by\n"
    (folder / "data.noun").write_text(
        header
        + "09805475 18 n 01 architect 0 002 @ 09623038 n 0000 | someone who creates plans\n"
        + "05196582 07 n 01 authority 0 000 | the power or right to give orders\n"
        + "08337324 14 n 01 authority 0 000 | an administrative unit of government\n"
        + "08524735 15 n 01 city 0 000 | a large and densely populated urban area\n"
        + "10287213 18 n 01 man 0 000 | an adult person who is male\n"
        + "11159000 18 n 01 Newton 0 001 @i 10287213 n 0000 | English mathematician\n"
        + "13724838 23 n 01 newton 0 000 | a unit of force\n",
        encoding="utf-8",
    )
    (folder / "index.noun").write_text(
        header
        + "architect n 1 2 @ ~ 1 1 09805475  \n"
        + "authority n 2 1 @ 2 2 05196582 08337324  \n"  # its most frequent sense is the power: no group
        + "city n 1 1 @ 1 1 08524735  \n"
        + "man n 1 1 @ 1 1 10287213  \n"
        + "newton n 2 1 @ 2 0 13724838 11159000  \n"  # a unit first, a mathematician too
        + "police_officer n 1 1 @ 1 1 10287213  \n",  # a phrase: never a single word of a sentence
        encoding="utf-8",
    )
    (folder / "noun.exc").write_text("men man\nmice mouse\n", encoding="utf-8")
    return folder


def test_nouns_are_written_by_the_kind_of_their_most_frequent_sense(tmp_path: Path) -> None:
    target = tmp_path / "nouns.json"
    counts = write_nouns(_fake_wordnet(tmp_path / "wordnet"), target)
    written = json.loads(target.read_text(encoding="utf-8"))
    assert counts == {"person": 3, "group": 0, "location": 1, "other": 2, "named_people": 1}
    assert written["person"] == ["architect", "man", "men"] and written["location"] == ["city"]
    assert written["other"] == ["authority", "newton"] and written["named_people"] == ["newton"]
    assert "Princeton University" in written["source"]


def test_a_word_is_a_person_group_or_place_as_a_whole_word_singular_or_plural() -> None:
    assert noun_kinds("architects") == {"person"}
    assert "person" in noun_kinds("men")  # an irregular plural, from noun.exc
    assert noun_kinds("committees") == {"group"}
    assert noun_kinds("cities") == {"location"}
    assert noun_kinds("announced") == set()  # stems like "announcer" but is no noun of a kind
    assert noun_kinds("treaty") == set()


def test_a_capitalised_word_is_told_from_a_common_noun() -> None:
    assert is_noun("towers") and is_noun("society") and is_noun("newton")
    assert not is_noun("swearengin")  # no noun at all: a name
    assert names_someone("newton") and names_someone("gates")  # a unit of force, and Isaac Newton too
    assert not names_someone("tower") and not names_someone("architect")


@pytest.mark.skipif(not (SYSTEM_WORDNET / "index.noun").is_file(), reason="Debian's wordnet-base is not installed")
def test_the_committed_nouns_are_what_the_documented_command_writes(tmp_path: Path) -> None:
    target = tmp_path / "nouns.json"
    write_nouns(SYSTEM_WORDNET, target)
    assert target.read_text(encoding="utf-8") == NOUNS_FILE.read_text(encoding="utf-8")


def test_the_command_names_a_folder_without_wordnet_and_leaves_the_file_alone(tmp_path: Path) -> None:
    before = NOUNS_FILE.read_bytes()
    result = CliRunner().invoke(app, ["nouns", str(tmp_path)])
    assert result.exit_code == 1
    assert f"cannot read WordNet's index.noun and data.noun in {tmp_path}" in result.output
    assert NOUNS_FILE.read_bytes() == before

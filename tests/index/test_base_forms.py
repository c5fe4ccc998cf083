"""Irregular forms read as their base forms (WordNet's exception lists): a question's words meet its passage's."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from index import SentenceTransformerEmbedder, build_index, content_terms, open_index, stem, terms
from index.base_forms import BASE_FORMS_FILE, write_base_forms
from index.cli import app
from tests.conftest import MODEL_NAME

SYSTEM_WORDNET = Path("/usr/share/wordnet")


def test_the_exception_lists_pairs_are_written_verbs_first_without_phrases(tmp_path: Path) -> None:
    wordnet = tmp_path / "wordnet"
    wordnet.mkdir()
    (wordnet / "verb.exc").write_text("chose choose\nfound find\nran run\n", encoding="utf-8")
    nouns = "found found\nmen man\nacquis_communautaires acquis_communautaire\n"
    (wordnet / "noun.exc").write_text(nouns, encoding="utf-8")
    target = tmp_path / "base_forms.json"
    assert write_base_forms(wordnet, target) == 4
    written = json.loads(target.read_text(encoding="utf-8"))
    assert written["forms"] == {"chose": "choose", "found": "find", "men": "man", "ran": "run"}
    assert "Princeton University" in written["source"]


def test_an_irregular_form_has_its_base_form_s_stem() -> None:
    assert stem("chose") == stem("choose") == stem("chosen")
    assert stem("built") == stem("build") and stem("won") == stem("win")
    assert stem("children") == stem("child") and stem("men") == stem("man")
    assert content_terms("Who founded the city?") != content_terms("Who found the city?")  # "found": find


@pytest.mark.skipif(not (SYSTEM_WORDNET / "verb.exc").is_file(), reason="Debian's wordnet-base is not installed")
def test_the_committed_base_forms_are_what_the_documented_command_writes(tmp_path: Path) -> None:
    target = tmp_path / "base_forms.json"
    write_base_forms(SYSTEM_WORDNET, target)
    assert target.read_text(encoding="utf-8") == BASE_FORMS_FILE.read_text(encoding="utf-8")


def test_the_command_names_a_folder_without_wordnet_and_leaves_the_file_alone(tmp_path: Path) -> None:
    before = BASE_FORMS_FILE.read_bytes()
    result = CliRunner().invoke(app, ["base-forms", str(tmp_path)])
    assert result.exit_code == 1
    assert f"cannot read WordNet's verb.exc and noun.exc in {tmp_path}" in result.output
    assert BASE_FORMS_FILE.read_bytes() == before


def test_a_question_in_one_form_of_a_verb_meets_the_passage_in_another_on_the_real_index(
    tmp_path: Path, embedder: SentenceTransformerEmbedder, monkeypatch: pytest.MonkeyPatch
) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "summits.txt").write_text(
        "The committee chose Lisbon after a long debate.\n\n"
        "Delegates praised the harbour of the city and its old trams.",
        encoding="utf-8",
    )
    build_index(corpus, tmp_path / "index", embedder, MODEL_NAME)
    question = "Which city did the committee choose?"

    def coverage_of_chose() -> float:
        searcher = open_index(tmp_path / "index", embedder, MODEL_NAME)  # terms are read as the version loads
        hit = next(h for h in searcher.search(question) if "chose" in searcher.text(h.sentence))
        return searcher.coverage(searcher.term_weights(content_terms(question)), searcher.sentence_terms(hit))

    with_base_forms = coverage_of_chose()
    monkeypatch.setattr(terms, "base_forms", dict)
    terms.stem.cache_clear()
    try:
        assert with_base_forms > coverage_of_chose()  # "choose" is met in "chose" only through its base form
    finally:
        terms.stem.cache_clear()

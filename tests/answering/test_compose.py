"""Answers on the real essay index: invariants, fusion and abstention."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

import index.search as search_module
from answering.abstain import RESTATES
from answering.compose import MAX_SENTENCES, NOT_COVERED, answer_question
from index import Searcher, SentenceTransformerEmbedder, build_index, content_terms, open_index
from tests.conftest import pdf_excerpt, searcher_over, shared_file

ON_TOPIC = [
    ("What is JNAAM?", "Joint New Air-to-Air Missile"),
    ("Which Australian scholar calls these groupings a unique theoretical challenge?", "William Tow"),
    ("When was the trilateral naval agreement signed?", "November 2016"),
    ("How does post-Brexit Britain view China?", "important trade partner"),
    # Asks what a named one is: the answer describes the name, it holds no other.
    ("Who is William Tow?", "Australian scholar"),
]
OFF_TOPIC = [
    "How do I bake sourdough bread at home?",
    "Explain how photosynthesis works.",
    "Who won the 2018 FIFA World Cup?",
    "What is the recommended dose of ibuprofen for adults?",
]


@pytest.mark.parametrize(("question", "gold"), ON_TOPIC)
def test_answers_on_topic_questions_with_cited_sentences(searcher: Searcher, question: str, gold: str) -> None:
    answer = answer_question(searcher, question)
    assert answer.answered, answer.reason
    assert gold.lower() in answer.answer.lower()
    assert gold.lower() in answer.citations[0].excerpt.lower()


@pytest.mark.parametrize("question", OFF_TOPIC)
def test_abstains_on_off_topic_questions(searcher: Searcher, question: str) -> None:
    answer = answer_question(searcher, question)
    assert not answer.answered
    assert answer.answer == NOT_COVERED
    assert answer.reason


def test_abstains_when_the_asked_kind_of_answer_is_absent(searcher: Searcher) -> None:
    answer = answer_question(searcher, "In what year was the first UK-Japan foreign and defense 2+2 meeting held?")
    assert not answer.answered and "year" in answer.reason
    assert answer.citations, "the closest passages are still offered"


def test_a_sentence_holding_only_the_questions_own_words_does_not_answer_it(searcher: Searcher) -> None:
    # "The three also rely on the maritime global commons for trade." does not say which three.
    restated = answer_question(searcher, "Which three rely on the maritime global commons for trade?")
    assert not restated.answered and restated.reason == RESTATES
    twin = answer_question(searcher, "What do the three rely on the maritime global commons for?")
    assert twin.answered and "for trade" in twin.answer


@pytest.mark.parametrize("question", [q for q, _ in ON_TOPIC] + ["What are the challenges to cooperation?"])
def test_answer_invariants(searcher: Searcher, question: str) -> None:
    answer = answer_question(searcher, question, top_k=3)
    markers = [int(n) for n in re.findall(r"\[(\d+)\]", answer.answer)]
    assert markers == [c.n for c in answer.citations] == list(range(1, len(answer.citations) + 1))
    assert 1 <= len(answer.citations) <= MAX_SENTENCES
    assert len(re.sub(r"\s*\[\d+\]", "", answer.answer).split()) <= 90 or len(answer.citations) == 1
    excerpts = [c.excerpt for c in answer.citations]
    assert len(set(excerpts)) == len(excerpts)
    for citation in answer.citations:
        text = searcher.documents[citation.doc_id].text
        assert text[citation.start : citation.end] == citation.excerpt
        assert citation.excerpt in citation.context
        assert f"{citation.excerpt} [{citation.n}]" in answer.answer


def test_fusion_surfaces_a_lexical_only_and_a_dense_only_hit(
    tmp_path: Path, embedder: SentenceTransformerEmbedder
) -> None:
    searcher = _searcher_over(
        tmp_path,
        embedder,
        "The zorblax protocol governs reactor valves.\n\n"
        "Felines enjoy resting in warm, sunny spots during the afternoon.\n\n"
        "Quarterly revenue rose because of strong exports.\n\n"
        "The committee approved the new budget on Tuesday.",
    )
    hits = searcher.search("zorblax cats sleeping in the sun", limit=2)
    found = {searcher.text(h.sentence) for h in hits}
    assert "The zorblax protocol governs reactor valves." in found  # only BM25 knows "zorblax"
    assert "Felines enjoy resting in warm, sunny spots during the afternoon." in found  # shares no term
    lexical_only = next(h for h in hits if "zorblax" in searcher.text(h.sentence))
    dense_only = next(h for h in hits if "Felines" in searcher.text(h.sentence))
    assert lexical_only.lexical == 1.0 and dense_only.lexical == 0.0


def test_a_sentence_whose_context_holds_the_questions_terms_outranks_one_that_shares_a_word(
    tmp_path: Path, embedder: SentenceTransformerEmbedder
) -> None:
    searcher = _searcher_over(
        tmp_path,
        embedder,
        "Dr Anna Reiter joined the Lund observatory in 1988. Her survey of variable stars took twelve years.\n\n"
        "The observatory's director in 1988 was a specialist in solar physics who studied sunspots for decades.\n\n"
        "The telescope dome was rebuilt later.",
    )
    ranked = [searcher.text(h.sentence) for h in searcher.search("Who surveyed variable stars at the observatory?")]
    # Reiter's sentence names no star, but its context window holds every term of the question;
    # the director's shares "observatory" and the topic. Without term coverage the director came first.
    reiter = ranked.index("Dr Anna Reiter joined the Lund observatory in 1988.")
    director = next(i for i, text in enumerate(ranked) if text.startswith("The observatory's director"))
    assert reiter < director


def test_a_question_in_other_words_is_found_by_meaning_not_by_a_shared_word(
    tmp_path: Path, embedder: SentenceTransformerEmbedder, monkeypatch: pytest.MonkeyPatch
) -> None:
    searcher = _searcher_over(
        tmp_path,
        embedder,
        "Marta Kovac was terrified of flying and never once boarded an aeroplane.\n\n"
        "Marta Kovac kept a diary of every trip she made along the Adriatic coast.\n\n"
        "Her students founded an engineering school in her name.",
    )
    question = "What sort of trip frightened Kovac?"  # the diary shares "trip"; the answer shares only the name
    hits = searcher.search(question)
    assert searcher.text(hits[0].sentence).startswith("Marta Kovac was terrified")
    # No passage holds much of the question, so the dense score alone ranks.
    assert all(h.score == pytest.approx(h.dense) for h in hits)
    monkeypatch.setattr(search_module, "LEXICAL_GATE", (0.0, 1e-9))  # lexical evidence always counted
    assert searcher.text(searcher.search(question)[0].sentence).startswith("Marta Kovac kept a diary")
    # A question whose words a passage holds is still ranked with them.
    worded = searcher.search("Who kept a diary of every trip along the Adriatic coast?")[0]
    assert worded.score > worded.dense


def test_term_coverage_weighs_rare_question_terms_most(searcher: Searcher) -> None:
    jnaam, japan = content_terms("JNAAM")[0], content_terms("Japan")[0]
    weights = searcher.term_weights([jnaam, japan, jnaam])
    assert weights[jnaam] > weights[japan] > 0
    assert searcher.coverage(weights, frozenset({jnaam})) > 0.5 > searcher.coverage(weights, frozenset({japan}))
    assert searcher.coverage(weights, frozenset(weights)) == 1.0
    assert searcher.coverage({}, frozenset({japan})) == 1.0  # a question without terms is not held against


def test_a_passage_that_adds_detail_to_a_shown_one_is_not_dropped_as_a_duplicate(
    tmp_path: Path, embedder: SentenceTransformerEmbedder
) -> None:
    searcher = _searcher_over(
        tmp_path,
        embedder,
        "Marta Kovac died on 3 May 1921.\n\n"
        "She designed bridges along the Adriatic coast for thirty years.\n\n"
        "On 3 May 1921, at the age of 74, Marta Kovac died at her home in Split after a short illness.\n\n"
        "Her students founded an engineering school in her name.",
    )
    answer = answer_question(searcher, "When did Marta Kovac die, and where?", top_k=3)
    shown = [c.excerpt for c in [*answer.citations, *answer.related]]
    assert shown[0] == "Marta Kovac died on 3 May 1921."
    assert any("at the age of 74" in excerpt for excerpt in shown[1:])


def test_the_answer_leads_with_a_sentence_holding_the_kind_of_answer_asked_for(
    tmp_path: Path, embedder: SentenceTransformerEmbedder
) -> None:
    # Two pages of the real Debian maintainers' guide: the list item "– dpkg-source --commit" holds
    # every word of the question and scores best; the sentence giving the version scores nearly as well.
    pdf_excerpt(tmp_path / "corpus" / "debmake-excerpt.pdf", [53, 85])
    build_index(tmp_path / "corpus", tmp_path / "idx", embedder, "m")
    searcher = open_index(tmp_path / "idx", embedder, "m")
    answer = answer_question(searcher, "In which version of dpkg-source was the --commit feature added?")
    assert answer.answered, answer.reason
    assert "1.16.1" in answer.citations[0].excerpt
    assert answer.citations[0].page == 1  # the excerpt's first page, the guide's 54th


def test_a_sentence_closer_in_meaning_joins_the_answer_on_the_real_manual(
    tmp_path: Path, embedder: SentenceTransformerEmbedder
) -> None:
    # The whole Debian maintainers' guide: "Please realize the situation of the Debian archive." shares
    # the question's words and leads; the sentence that answers shares none of them but means it.
    (tmp_path / "corpus").mkdir()
    shutil.copy(shared_file("docs/debmake-doc.en.pdf"), tmp_path / "corpus")
    build_index(tmp_path / "corpus", tmp_path / "idx", embedder, "m")
    searcher = open_index(tmp_path / "idx", embedder, "m")
    question = "Which tool lets me host my own personal apt archive?"
    answer = answer_question(searcher, question)
    assert answer.answered, answer.reason
    meant = "You can set up a private Debian package repository with the reprepro package."
    assert meant in [c.excerpt for c in answer.citations[1:]]
    assert not set(content_terms(question)) & set(content_terms(meant))


@pytest.mark.parametrize(
    ("text", "question", "excerpt"),
    [
        pytest.param(
            "The old quay was rebuilt by the harbour board after the great storm.\n\n"
            "Fishing boats unload at the northern quay every morning.\n\n"
            "In 1902 the engineer Anton Kovac rebuilt the southern pier.",
            "Who rebuilt the quay in 1902?",
            "In 1902 the engineer Anton Kovac rebuilt the southern pier.",
            id="a-year",
        ),
        pytest.param(
            "The Velmar Regatta is sailed every summer in the bay, and its winner is named its champion.\n\n"
            "Regatta XII was won by the Kovac brothers.\n\n"
            "The champion of Regatta XIV was Marta Sol, sailing alone.",
            "Who was the winner of Velmar Regatta XII?",
            "Regatta XII was won by the Kovac brothers.",
            id="a-roman-numeral",
        ),
        pytest.param(
            "Velmar was a small fishing port for most of its history.\n\n"
            "In the 14th century the town grew rich as a centre of the wool trade.\n\n"
            "In the 16th century its shipyards were among the busiest on the coast.",
            "Which commodity made Velmar a hub of commerce in the 1300s?",
            "In the 14th century the town grew rich as a centre of the wool trade.",
            id="a-century-as-a-round-year",
        ),
    ],
)
def test_a_question_naming_a_number_is_answered_from_the_passage_that_mentions_it(
    tmp_path: Path, embedder: SentenceTransformerEmbedder, text: str, question: str, excerpt: str
) -> None:
    answer = answer_question(_searcher_over(tmp_path, embedder, text), question)
    assert answer.answered, answer.reason
    assert answer.citations[0].excerpt == excerpt


@pytest.mark.parametrize("holds_answer", [False, True], ids=["without-the-answer", "with-the-answer"])
@pytest.mark.parametrize(
    ("question", "before", "answering", "after", "reason"),
    [
        pytest.param(
            "How many buildings did the 1901 Jacksonville fire destroy?",
            "On 3 May 1901 a kitchen fire spread through downtown Jacksonville.",
            "The fire of 1901 destroyed 2,000 buildings.",
            "The city rebuilt its centre in the following decade.",
            "the passages hold no number, which the question asks for",
            id="a-dates-day-is-no-count",
        ),
        pytest.param(
            "How many homes did the Great Fire of Velmar destroy?",
            "The Great Fire of Velmar was one of the worst disasters in the region's history.",
            "The Great Fire of Velmar destroyed 2,000 homes.",
            "The city rebuilt its centre in stone.",
            "the passages hold no number, which the question asks for",
            id="one-of-is-no-count",
        ),
        pytest.param(
            "In what year did Mira Sol come down from the redwood called Luna?",
            "Mira Sol lived in Luna, a 180-foot, 600-year-old redwood, for 738 days.",
            "Mira Sol came down from Luna in 1999.",
            "Luna still stands on the ridge above the river.",
            "the passages hold no year, which the question asks for",
            id="a-measure-is-no-year",
        ),
        pytest.param(
            "When do the members of the Velmar council vote on a bill?",
            "The Velmar council meets in the old chamber of the town hall.",
            "After a general debate, the members of the Velmar council vote on the bill.",
            "Each member of the council is elected by a ward.",
            "the passages hold no date, which the question asks for",
            id="when-told-by-an-event",
        ),
        pytest.param(
            "Who designed the French Church of Velmar?",
            "The French Church of Velmar was established by Royal Charter in 1550.",
            "The French Church of Velmar was designed by Augustus Pugin.",
            "It now stands on the old market square.",
            "the passages hold no person, which the question asks for",
            id="who-wants-a-person-or-a-body-not-a-thing",
        ),
        pytest.param(
            "In what town was Katharina von Velmar born?",
            "Katharina von Velmar married Martin Luther in 1525.",
            "Katharina von Velmar was born in Lippendorf.",
            "Their marriage set a model for Protestant clergy.",
            "the passages hold no place, which the question asks for",
            id="a-persons-name-is-no-place",
        ),
        pytest.param(
            "Who was the architect of the Tower Theatre?",
            "The Tower Theatre opened in 1939 in the Tower District of Fresno.",
            "The Tower Theatre was designed by S. Charles Lee.",
            "The Tower District is home to the Fresno Art Museum.",
            "the passages hold no person's name, which the question asks for",
            id="a-role-wants-a-persons-name",
        ),
    ],
)
def test_an_answer_type_rule_declines_on_a_real_index_unless_the_answer_is_there(
    tmp_path: Path,
    embedder: SentenceTransformerEmbedder,
    question: str,
    before: str,
    answering: str,
    after: str,
    reason: str,
    holds_answer: bool,
) -> None:
    between = f"{answering}\n\n" if holds_answer else ""
    searcher = _searcher_over(tmp_path, embedder, f"{before}\n\n{between}{after}")
    answer = answer_question(searcher, question)
    assert answer.answered == holds_answer, answer.reason
    if holds_answer:
        assert answer.citations[0].excerpt == answering
    else:
        assert answer.reason == reason


def _searcher_over(tmp_path: Path, embedder: SentenceTransformerEmbedder, text: str) -> Searcher:
    """A searcher over a real index of one document holding `text`."""
    return searcher_over({"notes.txt": text}, tmp_path, embedder)


CLOCK = (
    "The Harbour Clock is the best known landmark of the old port of Velmar, a bronze clock above the customs house. "
    "It was paid for by the merchant guild, whose members wanted every ship to keep the same time. "
    "The clock's chimes were silenced for two years during the war. "
    "They rang again in May 1946.\n\n"
    "The customs house itself was rebuilt after a fire.\n\n"
    "Velmar's fishing fleet sails every morning."
)
LANDMARK, FUNDED, SILENCED, _ = (f"{sentence}." for sentence in CLOCK.split("\n\n")[0][:-1].split(". "))


@pytest.fixture(scope="module")
def clock(tmp_path_factory: pytest.TempPathFactory, embedder: SentenceTransformerEmbedder) -> Searcher:
    """A real index of the clock's notes, shared by the cases that ask it."""
    return _searcher_over(tmp_path_factory.mktemp("clock"), embedder, CLOCK)


@pytest.mark.parametrize(
    ("question", "excerpt"),
    [
        pytest.param("What group funded the Harbour Clock of Velmar?", f"{LANDMARK} {FUNDED}", id="what-kind-unsaid"),
        pytest.param(
            # "They rang again in May 1946." goes on about the chimes, but counts no years.
            "For how many years were the chimes of the Harbour Clock silenced?",
            SILENCED,
            id="kind-said-lead-alone",
        ),
        pytest.param("Who paid so that every ship would keep the same time?", f"{LANDMARK} {FUNDED}", id="pronoun"),
        pytest.param(
            "Which guild paid so that every ship would keep the same time?",
            f"{LANDMARK} {FUNDED} {SILENCED}",
            id="pronoun-and-kind-unsaid",
        ),
        pytest.param(
            "What happened to the customs house of Velmar after the fire?",
            "The customs house itself was rebuilt after a fire.",
            id="paragraph-ends",
        ),
    ],
)
def test_the_lead_is_quoted_with_the_sentence_it_needs_from_its_paragraph(
    clock: Searcher, question: str, excerpt: str
) -> None:
    # The next one when the question does not say what kind of answer it wants; the one before
    # when the lead opens with a pronoun; never one from another paragraph.
    answer = answer_question(clock, question)
    assert answer.answered, answer.reason
    cited = answer.citations[0]
    assert cited.excerpt == excerpt
    assert clock.documents[cited.doc_id].text[cited.start : cited.end] == excerpt
    assert excerpt in cited.context


CUP = (
    "The Velmar Cup is the oldest trophy of the Northern Rowing League, a silver bowl on an oak stand. "
    "It was donated by Admiral Harriet Vane in 1887, the year the league was founded.\n\n"
    "The league's crews race every summer on the estuary."
)


def test_a_typed_lead_is_quoted_with_the_next_sentence_when_that_one_goes_on_with_the_kind(
    tmp_path: Path, embedder: SentenceTransformerEmbedder
) -> None:
    # "The Velmar Cup" passes for a name, so the trophy's sentence leads a "who" question; the
    # sentence that goes on about it ("It was donated by ...") names who gave it, and joins it.
    searcher = _searcher_over(tmp_path, embedder, CUP)
    answer = answer_question(searcher, "Who gave the oldest trophy of the rowing league?")
    assert answer.answered, answer.reason
    assert answer.citations[0].excerpt == CUP.split("\n\n")[0]

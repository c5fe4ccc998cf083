"""Text repair, tested on clean English that the tests damage themselves."""

from __future__ import annotations

import re

import pytest

from index.ingest.ligatures import LIGATURES, lost_ligatures, repair_ligatures
from index.ingest.repair import clean_text, split_paragraphs

CLEAN = (
    "After the meeting, the committee wrote a little note about international relations and the "
    "difficult negotiations that followed. Their official position was effectively the same as before: "
    "the affiliation offered little flexibility, and the traffic of ships through the strait still "
    "mattered for national security ties. Give me the time and resource estimates by Monday, and tell "
    "him that the staff must attend the first session. Scientists studied the field for forty years, "
    "and their findings were significant for the future of artificial intelligence. Little by little, "
    "the conflict settled into a fragile truce. The differences between the nations were substantial."
)


def drop_ligatures(text: str, glyphs: tuple[str, ...] = LIGATURES) -> str:
    """What a PDF extractor does when it loses ligature glyphs: each becomes one space."""
    pattern = re.compile("|".join(sorted(glyphs, key=len, reverse=True)))
    return re.sub(" {2,}", " ", pattern.sub(" ", text))


def test_damage_is_real() -> None:
    damaged = drop_ligatures(CLEAN)
    assert "wro e" not in damaged  # "wrote" has no ligature
    assert "li le" in damaged and "security es" in damaged and "  " not in damaged


def test_repairs_self_damaged_english_exactly() -> None:
    damaged = drop_ligatures(CLEAN)
    assert damaged != CLEAN
    assert repair_ligatures(damaged) == CLEAN


def test_clean_text_is_left_alone() -> None:
    assert repair_ligatures(CLEAN) == CLEAN


@pytest.mark.parametrize(
    ("damaged", "repaired"),
    [
        ("has been wri en on", "has been written on"),
        ("compara vely li le", "comparatively little"),
        ("with previously weak security es.", "with previously weak security ties."),
        ("justifying the me and resource expenditure", "justifying the time and resource expenditure"),
        ("they lack commitments a er all", "they lack commitments after all"),
        ("ins tu onalizing coopera on", "institutionalizing cooperation"),
        ("the Bri sh forces", "the British forces"),
    ],
)
def test_known_breaks(damaged: str, repaired: str) -> None:
    # One phrase is too little to show which glyphs its document lost, so the test says so.
    assert repair_ligatures(damaged, lost=frozenset(LIGATURES)) == repaired


def test_me_stays_me_where_it_is_the_word() -> None:
    assert repair_ligatures("Tell me the answer and give me a call.") == "Tell me the answer and give me a call."


def test_acronyms_and_names_are_never_joined() -> None:
    text = "The UK and US signed it. William Tow calls it JNAAM Phase 2."
    assert repair_ligatures(text) == text


MORE_CLEAN = [
    "The first effort to fit the pieces together failed, but the staff tried again after lunch.",
    "Officials said the effects of the conflict would be felt for a long time across the region.",
    "The question of sufficient funding is often left to the final stage of negotiations.",
    "She wrote that the fleet's flexibility gave it a significant advantage in difficult waters.",
    "Scientific studies attribute the shift to rising temperatures and shifting trade patterns.",
    "He felt the platform's attention to detail was effective, and he told me so at the time.",
]


@pytest.mark.parametrize("sentence", MORE_CLEAN)
def test_more_damaged_sentences_are_repaired(sentence: str) -> None:
    lost = lost_ligatures(drop_ligatures(text) for text in [CLEAN, *MORE_CLEAN])
    assert repair_ligatures(drop_ligatures(sentence), lost) == sentence


@pytest.mark.parametrize("sentence", MORE_CLEAN)
def test_more_clean_sentences_are_left_alone(sentence: str) -> None:
    assert repair_ligatures(sentence) == sentence


def test_the_lost_glyphs_are_read_from_the_document() -> None:
    document = [CLEAN, *MORE_CLEAN]
    assert lost_ligatures(document) == frozenset()
    # No word of the text holds "ffl", so nothing shows that glyph lost.
    assert lost_ligatures(drop_ligatures(text) for text in document) == frozenset(LIGATURES) - {"ffl"}
    some = ("ti", "tt", "ft")
    assert lost_ligatures(drop_ligatures(text, some) for text in document) == frozenset(some)


def test_glyphs_the_document_keeps_are_not_reinserted() -> None:
    # As in the essay: "ti", "tt" and "ft" lost, "fi" and "ff" kept, so "the rst" stays as written.
    damaged = drop_ligatures(CLEAN, ("ti", "tt", "ft")) + " He came the rst time."
    assert clean_text(damaged) == CLEAN + " He came the rst time."


# Clean English with what a ligature repair must not take for fragments: foreign names, initials,
# abbreviations and symbols. Each short token here can be extended into some known word.
NAMES_AND_SYMBOLS = (
    "In Van Gend en Loos v Nederlandse Administratie der Belastingen the court held that the treaty "
    "provisions were effective. The U.S. Senate met at St. Paul, where J. L. Smith and Ed Jones spoke "
    "de la Cruz's motion. The estate covers 40 sq mi and, for each n, the cost T(n) grows as f(n), with "
    "c a constant and x fixed. Their first official attempt at a settlement was difficult but often "
    "effective, and the staff still felt the conflict was national rather than international."
)


def test_names_initials_and_symbols_in_clean_text_are_left_alone() -> None:
    assert clean_text(NAMES_AND_SYMBOLS) == NAMES_AND_SYMBOLS


def test_hyphens_line_breaks_and_paragraphs() -> None:
    raw = (
        "The UK\u2010Japan  ties\nare close. A split word: coop-\neration and Japan–\nIndia policy.\n \n\nNext para.\n"
    )
    assert (
        clean_text(raw)
        == "The UK-Japan ties are close. A split word: cooperation and Japan–India policy.\n\nNext para."
    )


def test_compound_hyphen_at_line_end_is_kept() -> None:
    assert split_paragraphs("a well-\nknown fact") == ["a well-known fact"]

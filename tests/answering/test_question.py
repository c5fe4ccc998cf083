"""What a question asks for."""

from __future__ import annotations

import pytest

from answering.question import analyze, has_answer_type


@pytest.mark.parametrize(
    ("question", "expects"),
    [
        ("Who signed the agreement?", "person"),
        ("Who is the author of the essay?", "person's name"),
        ("Who is the President of France?", "person's name"),
        ("Who was the architect of the Tower Theatre?", "person's name"),
        ("Who was Emma's brother?", "person's name"),
        ("Who funds the IPCC?", "person"),  # a body may: no role a person holds
        ("Where is the Guardian North exercise held?", "place"),
        ("Which company built the missile?", "name"),
        ("When was the naval agreement signed?", "date"),
        ("How many Eurofighters visited Japan?", "number"),
        # A clause that sets the scene does not say what the question proper asks for.
        ("When John Fox left the Broncos, who replaced him?", "person"),
        ("When many people are arrested, what tactic do they use?", None),
        ("When was it signed, and by whom?", "date"),
        ("Who is William Tow?", None),
        ("Who were the Five Eyes", None),
        ("What is JNAAM?", None),
    ],
)
def test_the_kind_of_answer_a_question_expects(question: str, expects: str | None) -> None:
    assert analyze(question).expects == expects


@pytest.mark.parametrize(
    ("question", "numbers"),
    [
        ("What did the fleet do in 1191?", ("1191",)),
        ("Who was named MVP of Super Bowl XLVIII?", ("XLVIII",)),
        ("Which wife of Henry VIII was beheaded in 1536?", ("1536", "VIII")),
        # A capital I is a pronoun, and capitals that make no numeral ("CIVIC", "MVP") are names.
        ("Can I burn the CIVIC disc with MVP tools?", ()),
        # Figures inside a word ("3D", "F16") are part of a name, which a passage may spell otherwise.
        ("In what year did the first ABC card have a 3D look?", ()),
        ("How fast did the F16 fly in the 1990s and the 2nd Gulf War?", ("1990", "2")),
    ],
)
def test_the_numbers_a_question_names_in_figures_or_roman_numerals(question: str, numbers: tuple[str, ...]) -> None:
    assert analyze(question).numbers == numbers


@pytest.mark.parametrize(
    ("question", "expects"),
    [
        ("In what year did the agreement lapse?", "year"),
        ("How tall do the tallest trees grow?", "measure"),
        ("How long did the voyage take?", "duration"),
        ("How long is the voyage from Lisbon to Goa?", "measure"),
        ("How much did the population increase?", "number"),
        ("In which version of dpkg-source was the commit option added?", "number"),
        ("How much did the broadcaster pay for the rights?", "money"),
        ("What was the price tag for the stadium?", "money"),
        # Naming a cost does not make it the answer: the question word says what is asked.
        ("Where does a private school get its funding?", "place"),
        ("The price of oil was stable until when?", "date"),
    ],
)
def test_the_question_word_not_any_word_sets_the_kind_of_answer(question: str, expects: str) -> None:
    assert analyze(question).expects == expects


@pytest.mark.parametrize(
    ("question", "declined", "answered"),
    [
        # A year is not a count of ships.
        (
            "How many ships were in the fleet when it left Messina?",
            "In April 1191 Richard left Messina with a large fleet.",
            "Richard left Messina with a fleet of 219 ships.",
        ),
        # A month is not a person.
        (
            "Who was the chief executive of Sky?",
            "On 18 November 2015, Sky announced a new box.",
            "In 2015 Jeremy Darroch was the chief executive of Sky.",
        ),
        # A role a person holds asks for a person's name: a place, a group or a building has none...
        (
            "Who is the mayor of Fresno?",
            "Fresno is the county seat of Fresno County, in California.",
            "The mayor of Fresno is Ashley Swearengin.",
        ),
        (
            "Who was the director of the Royal Geographical Society in 1914?",
            "In 1914 the American Geographical Society opened its new building.",
            "In 1914 Isiah Bowman was the director of the Royal Geographical Society.",
        ),
        # ...and a capitalised word after "The" is capitalised for itself, not for opening the sentence.
        (
            "Who are the oldest villains of the show?",
            "The oldest villains of the show first appeared in 1963.",
            "The Dalek race are the oldest villains of the show.",
        ),
        # A word capitalised inside ("BSkyB") is a name even where it opens the sentence.
        (
            "Who has design authority over the receivers?",
            "Design authority over the receivers is shared.",
            "BSkyB has design authority over the receivers.",
        ),
        # Any "who" asks for a person or a body of people, or a place acting as one, not a thing...
        (
            "Who designed the church?",
            "The church was established by Royal Charter in 1550.",
            "The church was designed by the Royal Geographical Society.",
        ),
        ("Who signed the accord?", "The accord was signed under a Royal Charter.", "The accord was signed by Norway."),
        # ...while a surname that is also a noun still names someone after a given name.
        ("Who sacked Newton?", "Newton was sacked in the second half.", "Newton was sacked by DeMarcus Ware."),
        # A place is not named by a person's name, nor by a noun of a person...
        (
            "Where was Katharina born?",
            "Katharina's marriage to Martin Luther set a model for Protestant clergy.",
            "Katharina was born in Lippendorf.",
        ),
        # A hyphenated word joining nouns names no one...
        (
            "Who is the UK ambassador to Japan?",
            "There is room for UK-Japanese cooperation with the US.",
            "The UK ambassador to Japan is Julia Longbottom.",
        ),
        (
            "Who is the British defence secretary?",
            "The meeting shares features with its counterparts in the Indo-Pacific region.",
            "The British defence secretary is Jean-Paul Smith.",
        ),
        # ...and a title counts when a name goes with it.
        (
            "Who was Ayurbarwada's son?",
            "Ayurbarwada's son ruled the Yuan Empire for two years.",
            "Emperor Gegeen Khan, Ayurbarwada's son, ruled for two years.",
        ),
        # "Who" is answered by a person or a group as well as by a name; a verb that stems alike is neither.
        (
            "Who normally manages a construction job?",
            "The job is announced and planned long before it starts.",
            "An architect normally manages the job.",
        ),
        # "Where" by a place WordNet knows, even at the head of a sentence.
        (
            "Which country signed a treaty in 1985 to gain a special status?",
            "A treaty was signed in 1985 giving a special status.",
            "Greenland signed a treaty in 1985 giving it a special status.",
        ),
        # "What year" asks for a year; a century is not one.
        (
            "In what year did Odo die?",
            "It was commissioned by Odo in the previous half century.",
            "Odo died in 1097 at Palermo.",
        ),
        # ...nor is a measure: a number of days, feet or years is no year.
        (
            "In what year did the protester leave the tree?",
            "She lived in a 180-foot, 600-year-old redwood for 738 days.",
            "She left the redwood in 1999, after 738 days.",
        ),
        # A height is measured: a count of trees is not one.
        (
            "How tall do the tallest trees grow?",
            "The forest holds an estimated 390 billion trees.",
            "The tallest trees grow to 55 metres.",
        ),
        # A time back from now dates a thing as well as a year does.
        (
            "When did microbes first arise on Earth?",
            "Microbes first arose in the warm shallow seas of Earth.",
            "Microbes first arose on Earth about 3.5 billion years ago.",
        ),
        # How long something lasted is answered by a time or by when it ended; a length is not.
        (
            "How long did the Huguenots keep their provisions?",
            "The Huguenots kept their provisions in the town of La Rochelle.",
            "The Huguenots kept their provisions until the rule of Louis XIV.",
        ),
        (
            "How long did the voyage take?",
            "The voyage took the fleet past Madeira.",
            "The voyage took three months.",
        ),
        # A multiplier counts no things, and "many" says there were a lot, not how many...
        (
            "Roughly how many active maintainers does Debian have?",
            "The archive holds several tens of times more packages than there are active maintainers.",
            "Debian has about 1,000 active maintainers.",
        ),
        (
            "How many maintainers joined in 2015?",
            "Many new maintainers joined in 2015.",
            "Forty new maintainers joined in 2015.",
        ),
        # ...but a number of times answers how many times.
        (
            "How many times did Luther preach in Halle?",
            "Luther preached in Halle in 1545.",
            "Luther preached in Halle three times.",
        ),
        # A date's day counts nothing, written before its month or after it...
        (
            "Roughly how many structures did the 1901 fire destroy?",
            "On May 3, 1901, downtown Jacksonville was ravaged by a fire.",
            "The fire of 1901 destroyed 2,000 buildings.",
        ),
        (
            "How many subscribers did Sky have in 2015?",
            "On 18 November 2015, Sky announced Sky Q.",
            "In 2015 Sky had 11 million subscribers.",
        ),
        # ...nor does "one of", which picks one thing out.
        (
            "How many homes did the great fire destroy?",
            "It was one of the worst fires in the state's history.",
            "It destroyed one of every three homes, some 2,000 in all.",
        ),
        # ...while a count in a dated sentence still counts.
        (
            "How many ships left Messina?",
            "The fleet left Messina on 10 April.",
            "A fleet of 12 ships left Messina on 10 April.",
        ),
        # A count written in words from thirteen to ninety counts as much as one in figures.
        (
            "How many of the points of discussion were agreed on?",
            "Agreement was reached on most points, except the Eucharist.",
            "Agreement was achieved on fourteen points, except the Eucharist.",
        ),
        (
            "How many delegates signed the charter?",
            "The charter was signed by the delegates in the hall.",
            "The charter was signed by seventy delegates in the hall.",
        ),
        # "When" is answered by an early year after the word that dates by it, not by a count...
        (
            "When was the duchy founded?",
            "The duchy sent in 300 ships to the coast.",
            "The duchy began in 911 as a fiefdom.",
        ),
        # ...by centuries as by a century...
        (
            "When were the writings ignored?",
            "The writings were ignored by most readers.",
            "The writings were ignored in the 18th and 19th centuries.",
        ),
        # ...by a weekday, or by a time of day.
        ("When is media day held?", "Media day is held in the stadium.", "Media day is held on Tuesday afternoon."),
        ("When did Luther wake?", "Luther woke with chest pain.", "At 1 a.m. Luther woke with chest pain."),
        # ...or by an event it follows or falls in, other than one the question names.
        (
            "When do members vote on the bill?",
            "Members vote on the bill in the chamber.",
            "After a general debate, members vote on the bill.",
        ),
        (
            "When was that group founded?",
            "Scholars call the group a challenge, since they do not accord with theory.",
            "The group was founded after the war.",
        ),
        (
            "When did the fleet sail after the storm?",
            "The fleet sailed after the storm.",
            "The fleet sailed after the storm, at the start of the season.",
        ),
        # A price may be nothing.
        (
            "How much does entry to the museum cost?",
            "Entry to the museum is through the west door.",
            "Entry to the museum is free.",
        ),
        # How long something has gone on is told by when it began.
        (
            "How long has the station been the hospital radio service?",
            "The station has been the hospital radio service for most hospitals.",
            "The station has been the hospital radio service since 1951.",
        ),
        # A height may be told in storeys, a distance in a fraction of a unit.
        (
            "How high are the buildings?",
            "The buildings have domes and turrets.",
            "The buildings are four stories high.",
        ),
        (
            "How far is the college from the district?",
            "The college is north of the district.",
            "The college is one-half mile north of the district.",
        ),
        # The year the question names is not its answer, digit by digit or whole.
        (
            "How many ships carried the settlers in 1624?",
            "The settlers sailed to America in 1624.",
            "Three ships carried the settlers in 1624.",
        ),
    ],
)
def test_an_answer_type_rule_declines_its_question_and_answers_the_twin(
    question: str, declined: str, answered: str
) -> None:
    profile = analyze(question)
    assert not has_answer_type(profile, declined)
    assert has_answer_type(profile, answered)

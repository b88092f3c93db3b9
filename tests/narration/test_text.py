"""Text for speech: lexicon, code, units; sentences; splitting long notes within limits."""

from pipeline.speech.normalize import normalize
from pipeline.speech.sentences import fit, split_sentences

LEXICON = {"SQL": "sequel", "kubectl": "cube control"}


def test_lexicon_whole_words_only():
    said = normalize("Run kubectl, then query SQL and MySQLdb.", LEXICON)
    assert said == "Run cube control, then query sequel and MySQLdb."


def test_code_is_read_like_a_programmer_says_it():
    said = normalize("`__init__` returns None; x**2 and n ** 10; def f() -> int", {})
    assert "dunder init" in said and "x squared" in said and "n to the power of 10" in said
    assert "f returns int" in said and "**" not in said and "`" not in said


def test_identifiers_operators_numbers_and_units():
    said = normalize(
        "my_list.append() if a != b, e.g. 1,500 rows in 20ms at 99% for $5 on a 1 GB disk.", {}
    )
    assert said == (
        "my list dot append if a is not equal to b, for example 1500 rows in "
        "20 milliseconds at 99 percent for 5 dollars on a 1 gigabyte disk."
    )


def test_sentences_keep_abbreviations_and_split_cjk():
    parts = split_sentences('Welcome. Use e.g. a list! Why? "Yes." 你好。再见。')
    assert parts == ["Welcome.", "Use e.g. a list!", "Why?", '"Yes."', "你好。", "再见。"]


def test_long_sentence_is_cut_within_the_limit_and_loses_nothing():
    note = ", ".join(f"item number {i}" for i in range(2000))  # ~30,000 chars, one sentence
    pieces = fit(note, 400, lambda s: normalize(s, {}))
    assert len(pieces) > 75
    assert all(len(normalize(p, {})) <= 400 for p in pieces)
    assert " ".join(pieces).split() == note.split()


def test_a_word_longer_than_the_limit_is_still_cut():
    pieces = fit("x" * 1000, 300, str)
    assert all(len(p) <= 300 for p in pieces) and "".join(pieces) == "x" * 1000

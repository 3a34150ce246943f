"""Sentence splitting for speech: whole texts and text arriving in pieces."""

from __future__ import annotations

import pytest

from roomkit.voice.sentences import SentenceSplitter, split_sentences


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Hello there. How are you?", ["Hello there.", "How are you?"]),
        ("Really?! Yes!!! Fine.", ["Really?!", "Yes!!!", "Fine."]),
        ("It costs 3.14 dollars. Cheap.", ["It costs 3.14 dollars.", "Cheap."]),
        ("Dr. Smith met Mrs. Jones. Then left.", ["Dr. Smith met Mrs. Jones.", "Then left."]),
        ("Use e.g. apples. Or pears.", ["Use e.g. apples.", "Or pears."]),
        ("J. R. R. Tolkien wrote it. Great.", ["J. R. R. Tolkien wrote it.", "Great."]),
        ('She said "Stop." Then she left.', ['She said "Stop."', "Then she left."]),
        ("(Quietly.) Next one.", ["(Quietly.)", "Next one."]),
        ("Wait... what? Ok.", ["Wait...", "what?", "Ok."]),
        ("Visit example.com today. Bye.", ["Visit example.com today.", "Bye."]),
        ("The answer is no. Sorry.", ["The answer is no.", "Sorry."]),
        ("A list:\n\nfirst item\nsame item", ["A list:", "first item\nsame item"]),
        ("你好。今天很好！好的", ["你好。", "今天很好！", "好的"]),
        ("No ending", ["No ending"]),
        ("   ", []),
        ("", []),
    ],
)
def test_split_sentences(text: str, expected: list[str]) -> None:
    assert split_sentences(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "Hello there. It is 3.5 degrees! Dr. Who? Fine... ok. 你好。再见",
        'He said "Go." (Then he went.) End',
    ],
)
def test_feeding_one_character_at_a_time_gives_the_same_sentences(text: str) -> None:
    splitter = SentenceSplitter()
    pieces: list[str] = []
    for char in text:
        pieces.extend(splitter.feed(char))
    rest = splitter.flush()
    assert pieces + ([rest] if rest else []) == split_sentences(text)


def test_a_sentence_is_released_as_soon_as_it_is_certain() -> None:
    splitter = SentenceSplitter()
    assert splitter.feed("Sunny today.") == []  # "3.5" or "today. Next"? not known yet
    assert splitter.pending == "Sunny today."
    assert splitter.feed(" Warm") == ["Sunny today."]
    assert splitter.feed(" too!\n") == ["Warm too!"]
    assert splitter.flush() is None
    assert splitter.feed("Again") == []
    assert splitter.flush() == "Again"


def test_short_sentences_can_be_merged() -> None:
    assert split_sentences("Hi. Ok. This one is longer. Yes.", min_chars=10) == [
        "Hi. Ok. This one is longer.",
        "Yes.",
    ]
    with pytest.raises(ValueError):
        SentenceSplitter(min_chars=-1)

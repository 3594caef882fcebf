from __future__ import annotations

from callrec.local.transcribe.quality import script_words, transcript_words, word_error_rate


def test_identical_words_have_no_errors() -> None:
    assert word_error_rate(["a", "new", "card"], ["a", "new", "card"]) == 0.0


def test_each_substitution_deletion_and_insertion_counts_once() -> None:
    reference = ["send", "it", "to", "my", "home"]
    assert word_error_rate(reference, ["send", "it", "two", "my", "home"]) == 1 / 5
    assert word_error_rate(reference, ["send", "to", "my", "home"]) == 1 / 5
    assert word_error_rate(reference, ["send", "it", "to", "my", "old", "home"]) == 1 / 5


def test_an_empty_reference_with_words_heard_is_all_error() -> None:
    assert word_error_rate([], ["hello"]) == 1.0


def test_script_words_follow_the_speaking_order() -> None:
    lines = [{"at": 5, "text": "Goodbye."}, {"at": 1, "text": "Hi, Sam!"}]
    assert script_words(lines) == ["hi", "sam", "goodbye"]


def test_transcript_words_follow_the_turn_order() -> None:
    document = {
        "Transcript": [
            {"BeginOffsetMillis": 900, "Content": "Goodbye."},
            {"BeginOffsetMillis": 100, "Content": "Hi Sam."},
        ]
    }
    assert transcript_words(document) == ["hi", "sam", "goodbye"]

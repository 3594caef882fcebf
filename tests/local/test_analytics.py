"""Voice activity, interruptions, non-talk time, loudness and sentiment measured from audio."""

from __future__ import annotations

import pytest

from callrec.local import audio
from callrec.local.transcribe import analytics
from callrec.local.transcribe.analytics import Span


def bursts(*spans: tuple[float, float], total: float = 10.0) -> audio.Samples:
    track = audio.silence(total)
    for begin, end in spans:
        track = audio.place(track, audio.tone(300, end - begin, level=0.2), begin)
    return track


def test_voiced_spans_find_each_burst() -> None:
    spans = analytics.voiced_spans(bursts((1.0, 2.0), (5.0, 6.5)))
    assert len(spans) == 2
    assert spans[0].begin_ms == pytest.approx(1000, abs=80)
    assert spans[1].end_ms == pytest.approx(6500, abs=80)


def test_short_pauses_stay_inside_one_turn() -> None:
    assert len(analytics.voiced_spans(bursts((1.0, 2.0), (2.3, 3.0)))) == 1


def test_bursts_shorter_than_a_turn_are_ignored() -> None:
    assert analytics.voiced_spans(bursts((1.0, 1.2))) == []


def test_silence_has_no_turns() -> None:
    assert analytics.voiced_spans(audio.silence(3)) == []


def test_interruption_is_a_turn_starting_while_the_other_talks() -> None:
    found = analytics.interruptions([Span(4000, 7000)], [Span(1000, 5000)])
    assert found == [Span(4000, 5000)]


def test_a_turn_after_the_other_finished_is_no_interruption() -> None:
    assert analytics.interruptions([Span(5200, 7000)], [Span(1000, 5000)]) == []


def test_mutual_silence_of_three_seconds_is_non_talk_time() -> None:
    gaps = analytics.non_talk([Span(0, 1000), Span(5000, 6000)], total_ms=7000)
    assert gaps == [Span(1000, 5000)]


def test_silence_after_the_last_turn_is_non_talk_time() -> None:
    assert analytics.non_talk([Span(0, 1000)], total_ms=5000) == [Span(1000, 5000)]


def test_overlap_shorter_than_the_threshold_is_no_interruption() -> None:
    """A turn that starts 200 ms before the other party stops is a quick hand-over."""
    assert analytics.interruptions([Span(4800, 7000)], [Span(1000, 5000)]) == []


def test_loudness_has_one_score_per_second() -> None:
    scores = analytics.loudness_scores(bursts((0.0, 3.0)), Span(0, 2500))
    assert len(scores) == 3 and all(60 < s < 100 for s in scores)


@pytest.mark.parametrize(
    ("text", "label"),
    [
        ("Thank you so much, that is wonderful.", "POSITIVE"),
        ("This is terrible and I am very angry.", "NEGATIVE"),
        ("The card number ends in four.", "NEUTRAL"),
    ],
)
def test_sentiment_labels(text: str, label: str) -> None:
    assert analytics.sentiment_label(text) == label


def test_sentiment_score_is_on_transcribes_scale() -> None:
    assert 0 < analytics.score([("Thank you so much, that is wonderful.", 1000)]) <= 5
    assert analytics.score([]) == 0.0


def test_customer_problem_is_an_issue_with_character_offsets() -> None:
    content = "My card fell into the water and I need a new one."
    found = analytics.summary("CUSTOMER", content)
    offsets = found["IssuesDetected"][0]["CharacterOffsets"]
    assert content[offsets["Begin"] : offsets["End"]] == "fell into the water and I need a new one"


def test_agent_promise_is_an_action_item_and_not_an_issue() -> None:
    found = analytics.summary("AGENT", "I can send you a new card today.")
    assert set(found) == {"ActionItemsDetected"}


def test_plain_turn_has_no_summary() -> None:
    assert analytics.summary("CUSTOMER", "Goodbye.") == {}

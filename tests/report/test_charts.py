from __future__ import annotations

from chalicelib.report import charts
from chalicelib.report.model import Span


def test_shaded_spans_are_one_collection_however_many_there_are() -> None:
    _, axes = charts._figure(height=2.0)
    spans = [Span(i * 2000, i * 2000 + 700) for i in range(500)]
    charts._shade(axes, spans, charts.NON_TALK_COLOUR, 0.3, "Non-talk")
    assert len(axes.collections) == 1
    assert len(axes.patches) == 0


def test_time_axis_labels_are_minutes_and_seconds() -> None:
    _, axes = charts._figure(height=2.0)
    charts._time_axis(axes)
    formatter = axes.xaxis.get_major_formatter()
    assert (formatter(75, 0), formatter(3725, 0)) == ("1:15", "1:02:05")

"""Report charts as PNG bytes, drawn with matplotlib's Agg canvas (no display, no pyplot state).

Long calls are downsampled before plotting (mean per bucket), so a two-hour call costs about as
much to draw as a ten-minute one.
"""

from __future__ import annotations

import io
import os
import tempfile
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from chalicelib.report.content import clock
from chalicelib.report.model import CallAnalysis, Span

MAX_POINTS = 600  # per series: more than a 7-inch chart can show
DPI = 110
ROLE_COLOURS = {"AGENT": "#1f6fb2", "CUSTOMER": "#d9822b"}
NON_TALK_COLOUR = "#9aa5b1"
INTERRUPTION_COLOUR = "#e03b3b"
FALLBACK_COLOURS = ("#1f6fb2", "#d9822b", "#3d9970", "#b10dc9")


def role_colour(role: str, index: int = 0) -> str:
    return ROLE_COLOURS.get(role, FALLBACK_COLOURS[index % len(FALLBACK_COLOURS)])


def downsample(
    points: Sequence[tuple[float, float]], limit: int = MAX_POINTS
) -> list[tuple[float, float]]:
    """Mean of x and y per bucket so that at most ``limit`` points remain (order kept)."""
    if len(points) <= limit:
        return list(points)
    size = -(-len(points) // limit)
    reduced = []
    for start in range(0, len(points), size):
        bucket = points[start : start + size]
        reduced.append(
            (sum(p[0] for p in bucket) / len(bucket), sum(p[1] for p in bucket) / len(bucket))
        )
    return reduced


def loudness_chart(analysis: CallAnalysis, labels: Mapping[str, str] | None = None) -> bytes | None:
    """Loudness per speaker over the call, interruptions and non-talk time shaded; None without
    loudness data. Each kind of shading is one collection of rectangles, so the cost grows with
    the call's turns, not with how many silences and interruptions it has."""
    labels = labels or {}
    series = {role: downsample(list(analysis.loudness_series(role))) for role in analysis.roles}
    series = {role: points for role, points in series.items() if points}
    if not series:
        return None
    figure, axes = _figure(height=2.6)
    for index, (role, points) in enumerate(series.items()):
        axes.plot(
            [p[0] for p in points],
            [p[1] for p in points],
            ".",
            markersize=2.5,
            color=role_colour(role, index),
            label=labels.get(role, role.title()),
        )
    _shade(axes, analysis.non_talk()[1], NON_TALK_COLOUR, 0.3, "Non-talk")
    interruptions = [span for spans in analysis.interruptions().values() for span in spans]
    _shade(axes, interruptions, INTERRUPTION_COLOUR, 0.25, "Interruption")
    axes.set_ylim(0, 100)
    axes.set_ylabel("Loudness (0-100)")
    _time_axis(axes)
    axes.legend(loc="lower right", fontsize=7, ncol=4, frameon=False)
    return _png(figure)


def _shade(axes: Any, spans: Sequence[Span], colour: str, alpha: float, label: str) -> None:
    """All ``spans`` as one collection of full-height bands (at least half a second wide)."""
    if not spans:
        return
    ranges = [(s.begin_ms / 1000, max(s.duration_ms, 500) / 1000) for s in spans]
    axes.broken_barh(ranges, (0, 100), facecolors=colour, alpha=alpha, label=label)


def sentiment_trend_chart(
    analysis: CallAnalysis, role: str = "CUSTOMER", label: str = ""
) -> bytes | None:
    """Per-turn sentiment of ``role`` (+1 positive, -1 negative) and its trend: a moving mean
    over a window of turns that grows with the call, so the line follows the mood of each part
    of the call instead of settling on the whole call's average."""
    points = analysis.sentiment_trend(role)
    if not points:
        return None
    window = max(3, len(points) // 15)
    trend = downsample(moving_mean(points, window))
    figure, axes = _figure(height=2.2)
    who = f"{label} " if label else ""
    if len(points) <= MAX_POINTS:  # more dots than that only blur into bands
        axes.plot(
            [p[0] for p in points],
            [p[1] for p in points],
            "o",
            markersize=2.5,
            color=role_colour(role),
            alpha=0.45,
            label=f"{who}turn".capitalize(),
        )
    axes.plot(
        [p[0] for p in trend],
        [p[1] for p in trend],
        "-",
        linewidth=1.6,
        color=role_colour(role),
        label=f"Trend (mean of {window} turns)",
    )
    axes.axhline(0, color="#888888", linewidth=0.6)
    axes.set_ylim(-1.1, 1.1)
    axes.set_yticks([-1, 0, 1], ["Negative", "Neutral", "Positive"])
    _time_axis(axes)
    axes.legend(loc="lower right", fontsize=7, ncol=2, frameon=False)
    return _png(figure)


def moving_mean(points: Sequence[tuple[float, int]], window: int) -> list[tuple[float, float]]:
    """Centred mean of the values over ``window`` points (fewer at the ends), per point."""
    prefix = [0]
    for _, value in points:
        prefix.append(prefix[-1] + value)
    half = window // 2
    smoothed = []
    for index, (when, _) in enumerate(points):
        low, high = max(0, index - half), min(len(points), index + half + 1)
        smoothed.append((when, (prefix[high] - prefix[low]) / (high - low)))
    return smoothed


def quarter_sentiment_chart(
    analysis: CallAnalysis, labels: Mapping[str, str] | None = None
) -> bytes | None:
    """Sentiment score (-5..5) per quarter of the call, one bar group per speaker."""
    labels = labels or {}
    quarters = {role: values for role, values in analysis.quarter_sentiment().items() if values}
    if not quarters:
        return None
    figure, axes = _figure(height=2.2)
    width = 0.8 / len(quarters)
    for index, (role, values) in enumerate(quarters.items()):
        positions = [q + index * width for q in range(len(values))]
        axes.bar(
            positions,
            [v.score for v in values],
            width=width,
            color=role_colour(role, index),
            label=labels.get(role, role.title()),
        )
    count = max(len(v) for v in quarters.values())
    axes.set_xticks(
        [q + 0.4 - width / 2 for q in range(count)], [f"Q{q + 1}" for q in range(count)]
    )
    axes.axhline(0, color="#888888", linewidth=0.6)
    axes.set_ylim(-5, 5)
    axes.set_ylabel("Sentiment")
    axes.legend(loc="lower right", fontsize=7, ncol=2, frameon=False)
    return _png(figure)


def talk_time_chart(shares: Sequence[tuple[str, int]]) -> bytes | None:
    """One horizontal stacked bar: talk time per speaker (in the order of the talk-time table:
    owner first) and non-talk time."""
    coloured = [
        (label, ms, NON_TALK_COLOUR if label == "Non-talk" else FALLBACK_COLOURS[index])
        for index, (label, ms) in enumerate(shares)
    ]
    coloured = [entry for entry in coloured if entry[1] > 0]
    if not coloured:
        return None
    total = sum(ms for _, ms, _ in coloured)
    figure, axes = _figure(height=1.1)
    left = 0.0
    for label, ms, colour in coloured:
        fraction = ms / total
        axes.barh([0], [fraction], left=left, color=colour)
        if fraction > 0.08:
            axes.text(
                left + fraction / 2,
                0,
                f"{label} {fraction:.0%}",
                ha="center",
                va="center",
                fontsize=8,
                color="white",
            )
        left += fraction
    axes.set_xlim(0, 1)
    axes.axis("off")
    return _png(figure)


def _time_axis(axes: Any) -> None:
    """x in seconds from the start of the call, labelled m:ss (h:mm:ss past an hour)."""
    from matplotlib.ticker import FuncFormatter, MaxNLocator

    axes.xaxis.set_major_locator(MaxNLocator(nbins=8, steps=[1, 2, 3, 5, 6, 10]))
    axes.xaxis.set_major_formatter(FuncFormatter(lambda value, _: clock(int(value * 1000))))
    axes.set_xlabel("Time into the call (m:ss)")


def _figure(height: float) -> tuple[Any, Any]:
    # Lambda's home directory is read-only: give matplotlib a writable cache for its font list
    # (kept across warm invocations) instead of a new temporary one on every import.
    os.environ.setdefault("MPLCONFIGDIR", str(Path(tempfile.gettempdir()) / "matplotlib"))
    from matplotlib.figure import Figure

    figure = Figure(figsize=(7.0, height), dpi=DPI)
    axes = figure.add_subplot(1, 1, 1)
    axes.tick_params(labelsize=7)
    axes.xaxis.label.set_fontsize(8)
    axes.yaxis.label.set_fontsize(8)
    for side in ("top", "right"):
        axes.spines[side].set_visible(False)
    return figure, axes


def _bottom_margin(figure: Any) -> float:
    """Room for the x tick labels and axis title: about 0.5 inch, as a fraction of the height."""
    return min(0.45, 0.5 / float(figure.get_figheight()))


def _png(figure: Any) -> bytes:
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    FigureCanvasAgg(figure)
    buffer = io.BytesIO()
    # Fixed margins instead of tight_layout(): the charts have one size and short labels, and
    # measuring every label cost about a third of each chart's drawing time.
    figure.subplots_adjust(left=0.09, right=0.985, top=0.96, bottom=_bottom_margin(figure))
    figure.savefig(buffer, format="png")
    return buffer.getvalue()

"""The interruptions table lists interruptions in time order, also in calls over an hour."""

from __future__ import annotations

from typing import Any

from chalicelib.report import content, model, sections
from chalicelib.report.blocks import Table


def _span(begin_s: int) -> dict[str, int]:
    return {
        "BeginOffsetMillis": begin_s * 1000,
        "EndOffsetMillis": begin_s * 1000 + 1500,
        "DurationMillis": 1500,
    }


def test_interruptions_are_sorted_on_time_not_on_the_displayed_text(
    example: dict[str, Any],
) -> None:
    interruptions = example["ConversationCharacteristics"]["Interruptions"]
    interruptions["InterruptionsByInterrupter"] = {
        "AGENT": [_span(13), _span(3616), _span(124)],  # 0:13, 1:00:16, 2:04
        "CUSTOMER": [_span(28), _span(7300)],  # 0:28, 2:01:40
    }
    example["ConversationCharacteristics"]["TotalConversationDurationMillis"] = 7_400_000
    blocks = sections.loudness_and_interruptions(model.load(example), content.CallContext())
    [table] = [b for b in blocks if isinstance(b, Table)]
    rows = table.rows
    assert [at for _, at, _ in rows] == ["0:13", "0:28", "2:04", "1:00:16", "2:01:40"]
    assert [who for who, _, _ in rows][:2] == [
        content.role_label("AGENT"),
        content.role_label("CUSTOMER"),
    ]

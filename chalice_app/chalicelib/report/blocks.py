"""The pieces a report section is made of, independent of the file format.

A section is a title and a tuple of blocks; the Word and Markdown renderers each know how to lay
out a :class:`Paragraph`, a :class:`Table` and a :class:`Chart`, and nothing about what a section
means. What goes into a section is decided once, in :mod:`chalicelib.report.sections`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum


class ParagraphKind(StrEnum):
    PLAIN = "plain"
    NOTE = "note"  # a caveat the reader must not miss (Word: Intense Quote; Markdown: > quote)
    CAPTION = "caption"  # what the numbers mean (italic)


@dataclass(frozen=True)
class Paragraph:
    text: str
    kind: ParagraphKind = ParagraphKind.PLAIN


@dataclass(frozen=True)
class Table:
    """Rows of text. ``rows`` is what the Word report shows; a long list is cut to its most
    telling rows there, with ``more`` saying what was left out, while ``all_rows`` (the Markdown
    form) keeps every row."""

    header: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    widths: tuple[float, ...] | None = None  # inches, Word only
    all_rows: tuple[tuple[str, ...], ...] | None = None
    more: str = ""

    @property
    def complete_rows(self) -> tuple[tuple[str, ...], ...]:
        return self.all_rows if self.all_rows is not None else self.rows


@dataclass(frozen=True)
class Chart:
    """A picture drawn only by the renderers that embed images (Word); ``draw`` returns PNG bytes,
    or None when there is nothing to draw."""

    draw: Callable[[], bytes | None]


Block = Paragraph | Table | Chart


@dataclass(frozen=True)
class Section:
    title: str
    blocks: tuple[Block, ...]

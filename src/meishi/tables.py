"""Tables that fit the terminal: at 80 columns no e-mail, phone number or date is broken over
lines, and the less important columns make room for the others.

A table is made with every column; while it does not fit the terminal unwrapped (a column of
free ``text``, a purpose note, counted as :data:`TEXT_WIDTH` wide), a droppable column goes:
``drop=1`` first, then 2, …. What still does not fit wraps: names and companies at their spaces (or
folded), never an ``unbroken`` value (an e-mail, a phone number, an id), which is cut with …
only when it is wider than the terminal itself.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal

from rich.console import Console
from rich.markup import escape as _escape_markup
from rich.measure import Measurement
from rich.table import Table

#: a width no table reaches: measuring at it gives a table's width with nothing wrapped
_UNBOUNDED = 100_000
#: the width a column of free text is counted at when deciding which columns fit
TEXT_WIDTH = 24


#: what must not reach a terminal as it is: control characters (ESC sequences, newlines and
#: bells in a file name) and the marks that reverse text's direction (U+202E shows
#: "gpj.exe" as "exe.jpg")
_UNPRINTABLE = re.compile("[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def escape(text: str) -> str:
    """``text`` as it is, for printing through rich: its markup escaped and each character that
    would act on the terminal written as its escape (``\\x1b``, ``\\n``, ``\\u202e``)."""
    visible = _UNPRINTABLE.sub(lambda m: m.group().encode("unicode_escape").decode(), text)
    return _escape_markup(visible)


@dataclass(frozen=True)
class Column:
    header: str
    #: 0: always shown; else its turn to be left out while the table does not fit (1 first)
    drop: int = 0
    #: never broken over lines (an e-mail, a phone number, a date, an id)
    unbroken: bool = False
    #: free text (a note): it wraps like prose, and is not why another column goes
    text: bool = False
    justify: Literal["left", "center", "right"] = "left"


def make(
    columns: Sequence[Column],
    rows: Sequence[Sequence[str]],
    *,
    measure: bool = False,
    **table: Any,
) -> Table:
    """The table of ``columns`` and ``rows`` (a row has a cell per column). ``measure``: the
    table whose width decides which columns fit (free text counted as TEXT_WIDTH wide)."""
    t = Table(**table)
    for c in columns:
        if c.unbroken:
            t.add_column(c.header, justify=c.justify, no_wrap=True, overflow="ellipsis")
        else:
            cap = TEXT_WIDTH if c.text and measure else None
            t.add_column(c.header, justify=c.justify, overflow="fold", max_width=cap)
    for row in rows:
        t.add_row(*row)
    return t


def width(console: Console, table: Table) -> int:
    """The columns ``table`` takes with no value wrapped."""
    options = console.options.update(max_width=_UNBOUNDED)
    return Measurement.get(console, options, table).maximum


def shown(
    console: Console, columns: Sequence[Column], rows: Sequence[Sequence[str]], **table: Any
) -> list[int]:
    """The indexes of the columns to show on ``console``: all of them if the table fits,
    else without the droppable ones, ``drop=1`` first, until it fits or none is left."""
    keep = list(range(len(columns)))
    order = sorted((i for i, c in enumerate(columns) if c.drop), key=lambda i: columns[i].drop)
    while True:
        cols = [columns[i] for i in keep]
        t = make(cols, [[r[i] for i in keep] for r in rows], measure=True, **table)
        if not order or width(console, t) <= console.width:
            return keep
        keep.remove(order.pop(0))


def fit(
    console: Console, columns: Sequence[Column], rows: Sequence[Sequence[str]], **table: Any
) -> Table:
    """The table with the columns that fit ``console`` (:func:`shown`)."""
    keep = shown(console, columns, rows, **table)
    return make([columns[i] for i in keep], [[r[i] for i in keep] for r in rows], **table)

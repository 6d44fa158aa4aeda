"""Charts drawn on the server as SVG: the geometry is computed here, the markup lives in templates.

Every chart has a title and a description for assistive technology and is shown beside a table of
its numbers; bars carry their value as text, so no information rests on colour alone.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

WIDTH = 640
LABEL_HEIGHT = 22
BAR_HEIGHT = 18
ROW_GAP = 14
VALUE_ROOM = 56


@dataclass(frozen=True)
class Bar:
    """One horizontal bar: its label, value and position."""

    label: str
    value: int
    y: float
    width: float

    @property
    def label_y(self) -> float:
        return self.y - 6

    @property
    def value_x(self) -> float:
        return self.width + 6

    @property
    def text_y(self) -> float:
        return self.y + BAR_HEIGHT - 4


@dataclass(frozen=True)
class BarChart:
    """A horizontal bar chart with an id for its title and description."""

    id: str
    title: str
    description: str
    bars: tuple[Bar, ...]
    width: int
    height: int


def bar_chart(*, id: str, title: str, description: str, data: Sequence[tuple[str, int]]) -> BarChart:
    """A bar per (label, value), scaled to the largest value."""
    largest = max((value for _label, value in data), default=0) or 1
    room = WIDTH - VALUE_ROOM
    row = LABEL_HEIGHT + BAR_HEIGHT + ROW_GAP
    bars = tuple(
        Bar(label=label, value=value, y=index * row + LABEL_HEIGHT, width=round(room * value / largest, 1))
        for index, (label, value) in enumerate(data)
    )
    return BarChart(id=id, title=title, description=description, bars=bars, width=WIDTH, height=max(row * len(bars), row))


@dataclass(frozen=True)
class Column:
    """One column of a row of small column charts."""

    label: str
    value: int
    x: float
    y: float
    height: float

    @property
    def center(self) -> float:
        return self.x + COLUMN_WIDTH / 2

    @property
    def value_y(self) -> float:
        return self.y - 4


@dataclass(frozen=True)
class ColumnRow:
    """A labelled row of columns (one lab's events per month)."""

    label: str
    y: float
    columns: tuple[Column, ...]

    @property
    def label_y(self) -> float:
        return self.y + 16

    @property
    def baseline(self) -> float:
        return self.y + ROW_LABEL + COLUMN_AREA

    @property
    def axis_y(self) -> float:
        return self.baseline + 14


@dataclass(frozen=True)
class ColumnGrid:
    """Small multiples: one row of column charts per series, sharing one scale."""

    id: str
    title: str
    description: str
    rows: tuple[ColumnRow, ...]
    width: int
    height: int


ROW_LABEL = 22
COLUMN_AREA = 60
AXIS_ROOM = 22
COLUMN_WIDTH = 30
VALUE_TEXT = 14


def column_grid(
    *, id: str, title: str, description: str, columns: Sequence[str], series: Sequence[tuple[str, Sequence[int]]],
) -> ColumnGrid:
    """A row of columns per (label, values); values are counts per entry of ``columns``."""
    largest = max((value for _label, values in series for value in values), default=0) or 1
    step = WIDTH / max(len(columns), 1)
    row_height = ROW_LABEL + COLUMN_AREA + AXIS_ROOM + 12
    rows = []
    for index, (label, values) in enumerate(series):
        top = index * row_height
        cells = []
        for position, (name, value) in enumerate(zip(columns, values)):
            height = round((COLUMN_AREA - VALUE_TEXT) * value / largest, 1)
            x = position * step + (step - COLUMN_WIDTH) / 2
            cells.append(Column(label=name, value=value, x=x, y=top + ROW_LABEL + COLUMN_AREA - height, height=height))
        rows.append(ColumnRow(label=label, y=top, columns=tuple(cells)))
    return ColumnGrid(
        id=id, title=title, description=description, rows=tuple(rows), width=WIDTH,
        height=max(row_height * len(rows), row_height),
    )

"""A DataTable that also moves with j/k and g/G, like the token list, and fits its columns to its
width rather than scrolling sideways.

How the columns fit (the Accounts and Audit log tables):

1. If every column fits at its full width, each gets it, two cells apart.
2. Otherwise columns sit one cell apart, and a flexible column (a name, a label) takes the room
   that is left, at least ``min_width``, and is cut with "…".
3. If that is still too wide, the columns take their short title and short values (``admin`` for
   ``administrator``, a time without its year), and the columns that still do not fit are left
   out, those of the highest ``rank`` first.

What a left-out column or a cut value held is shown in full under the table, for the highlighted
row: the screens keep that line.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import ClassVar

from rich.cells import cell_len
from rich.text import Text
from textual import events
from textual.binding import Binding, BindingType
from textual.widgets import DataTable


@dataclass(frozen=True)
class FitColumn:
    key: str
    title: str
    #: Lower ranks are kept longer when the table is narrow.
    rank: int
    #: Takes the room that is left (at least ``min_width``) and is cut with "…".
    flexible: bool = False
    min_width: int = 8
    short_title: str | None = None


#: A cell: its text, or (its text, its shorter text for a narrow table).
Cell = Text | tuple[Text, Text]


@dataclass(frozen=True)
class Layout:
    #: Cells between two columns.
    gap: int
    #: The short titles and values are used.
    short: bool
    #: The columns shown, in their order, each with its width.
    columns: tuple[tuple[FitColumn, int], ...]


def _text(cell: Cell, short: bool) -> Text:
    if isinstance(cell, tuple):
        return cell[1] if short else cell[0]
    return cell


def fit_columns(columns: Sequence[FitColumn], rows: Sequence[Sequence[Cell]], width: int) -> Layout:
    """Which columns a table ``width`` cells wide shows, and how wide each is (see the module)."""

    def natural(index: int, short: bool) -> int:
        column = columns[index]
        title = column.short_title if short and column.short_title else column.title
        longest = max((_text(row[index], short).cell_len for row in rows), default=0)
        return max(cell_len(title), longest)

    wide = [natural(i, False) for i in range(len(columns))]
    if sum(wide) + 2 * len(columns) <= width:
        return Layout(2, False, tuple(zip(columns, wide, strict=True)))
    for short in (False, True):
        want = wide if not short else [natural(i, True) for i in range(len(columns))]
        least = [min(want[i], columns[i].min_width) if columns[i].flexible else want[i] for i in range(len(columns))]
        chosen: list[int] = []
        for index in sorted(range(len(columns)), key=lambda i: columns[i].rank):
            # One cell between columns.
            if sum(least[i] for i in chosen) + least[index] + len(chosen) <= width:
                chosen.append(index)
        if len(chosen) < len(columns) and not short:
            continue  # shorter forms first, before any column is left out
        chosen.sort()
        widths = {i: least[i] for i in chosen}
        room = width - sum(widths.values()) - (len(chosen) - 1)
        flexible = [i for i in chosen if columns[i].flexible]
        while room > 0:
            growing = [i for i in flexible if widths[i] < want[i]]
            if not growing:
                break
            for i in growing:
                if room == 0:
                    break
                widths[i] += 1
                room -= 1
        return Layout(1, short, tuple((columns[i], widths[i]) for i in chosen))
    raise AssertionError("unreachable")


def _cut(text: Text, width: int) -> Text:
    if text.cell_len <= width:
        return text
    cut = text.copy()
    cut.truncate(width, overflow="ellipsis")
    return cut


class KeyTable(DataTable):  # type: ignore[type-arg]
    """Bindings (besides DataTable's own): j/k down/up, g/G first/last row."""

    DEFAULT_CSS = """
    KeyTable {
        scrollbar-size-vertical: 1;
        overflow-x: hidden;
    }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("j", "cursor_down", "Down", id="cursor-down", show=False),
        Binding("k", "cursor_up", "Up", id="cursor-up", show=False),
        Binding("g", "scroll_top", "First", id="cursor-first", show=False),
        Binding("G", "scroll_bottom", "Last", id="cursor-last", show=False),
    ]

    def __init__(self, *args, **kwargs) -> None:  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        self._fit_columns: Sequence[FitColumn] = ()
        self._fit_rows: Sequence[Sequence[Cell]] = ()
        self.layout_used: Layout | None = None

    def _room(self) -> int:
        # The vertical scrollbar's cell is kept free whether or not it is shown.
        return max(self.size.width - 1, 0) if self.size.width else 200

    def set_rows(self, columns: Sequence[FitColumn], rows: Sequence[Sequence[Cell]]) -> None:
        """Show these rows under these columns, fitted to the width (the cursor stays on its row)."""
        self._fit_columns = columns
        self._fit_rows = rows
        self._lay_out(fit_columns(columns, rows, self._room()))

    def _lay_out(self, layout: Layout) -> None:
        row = self.cursor_row
        self.layout_used = layout
        self.clear(columns=True)
        self.cell_padding = 1 if layout.gap == 2 else 0
        index = {column.key: i for i, column in enumerate(self._fit_columns)}
        last = len(layout.columns) - 1
        for number, (column, width) in enumerate(layout.columns):
            title = column.short_title if layout.short and column.short_title else column.title
            # A narrow table keeps one cell between columns: the cell's own, after its text.
            gap = 1 if layout.gap == 1 and number < last else 0
            self.add_column(Text(title + " " * gap), width=width + gap, key=column.key)
        for cells in self._fit_rows:
            shown = []
            for number, (column, width) in enumerate(layout.columns):
                text = _cut(_text(cells[index[column.key]], layout.short), width)
                if layout.gap == 1 and number < last:
                    if text.justify == "right":  # Rich would strip the gap off a right-aligned cell
                        text = Text(" " * (width - text.cell_len)).append_text(text)
                        text.justify = "left"
                    text = text + " "
                shown.append(text)
            self.add_row(*shown)
        if self.row_count:
            self.move_cursor(row=min(max(row, 0), self.row_count - 1), animate=False)

    def on_resize(self, event: events.Resize) -> None:
        if not self._fit_columns:
            return
        layout = fit_columns(self._fit_columns, self._fit_rows, self._room())
        if layout != self.layout_used:
            self._lay_out(layout)

"""The key footer: every key that works now, on as many lines as the terminal's width needs.

Textual's Footer keeps its keys on one line and loses those past the right edge: at 60 columns
"? Help" was gone. This footer lays the same keys out in rows instead, breaking only between two
keys (never inside one), with the palette's ``^p`` at the right of the last row. At 80 columns and
more one line holds every section's keys; at 60 two lines do.
"""

from __future__ import annotations

from collections import defaultdict

from rich.cells import cell_len
from textual import events
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import HorizontalGroup
from textual.widgets import Footer
from textual.widgets._footer import FooterKey  # noqa: PLC2701 - the footer's own key widget

#: Cells a key takes besides its key and description: " k " and "description " (FooterKey's padding).
KEY_PADDING = 3
#: Cells the palette key takes besides its text: its left border and right padding.
PALETTE_EXTRA = 2


class KeyRow(HorizontalGroup):
    """One line of keys."""

    DEFAULT_CSS = """
    KeyRow {
        width: 1fr;
        height: 1;
    }
    """


class KeyFooter(Footer):
    """Footer whose keys wrap onto more lines rather than past the right edge.

    A key is the binding's key and its description, as in Textual's Footer; clicking one presses it.
    """

    DEFAULT_CSS = """
    KeyFooter {
        layout: vertical;
        height: auto;
        max-height: 3;
        overflow: hidden hidden;
    }
    """

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        #: How many lines the keys took when last laid out, and the width they were laid out for.
        self._laid_out_for = 0
        self.rows = 1

    def _items(self) -> tuple[list[tuple[Binding, bool, str]], tuple[Binding, bool, str] | None]:
        """The bindings to show (first of each action), and the palette's."""
        active = self.screen.active_bindings
        by_action: defaultdict[str, list[tuple[Binding, bool, str]]] = defaultdict(list)
        for _, binding, enabled, tooltip in active.values():
            if binding.show:
                by_action[binding.action].append((binding, enabled, tooltip))
        palette = None
        if self.show_command_palette and self.app.ENABLE_COMMAND_PALETTE:
            found = active.get(self.app.COMMAND_PALETTE_BINDING)
            if found is not None:
                palette = (found[1], found[2], found[3])
        return [items[0] for items in by_action.values()], palette

    def _width_of(self, binding: Binding) -> int:
        return cell_len(self.app.get_key_display(binding)) + cell_len(binding.description) + KEY_PADDING

    def _available_width(self) -> int:
        return self.size.width or self.screen.size.width or self.app.size.width

    def compose(self) -> ComposeResult:
        if not self._bindings_ready:
            return
        keys, palette = self._items()
        width = self._available_width()
        self._laid_out_for = width
        rows: list[list[tuple[Binding, bool, str]]] = [[]]
        used = 0
        for item in keys:
            size = self._width_of(item[0])
            if rows[-1] and used + size > width:
                rows.append([])
                used = 0
            rows[-1].append(item)
            used += size
        if palette is not None and rows[-1] and used + self._width_of(palette[0]) + PALETTE_EXTRA > width:
            rows.append([])
        # A dialog's footer covers the whole footer of the screen beneath, so that none of that
        # screen's keys (which do nothing under a dialog) shows above the dialog's own.
        beneath = self._rows_beneath()
        if beneath > len(rows):
            rows[:0] = [[] for _ in range(beneath - len(rows))]
        self.rows = len(rows)
        for row_number, row in enumerate(rows):
            with KeyRow():
                for binding, enabled, tooltip in row:
                    yield self._key(binding, enabled, tooltip)
                if palette is not None and row_number == len(rows) - 1:
                    binding, enabled, tooltip = palette
                    # Always compact, as in Textual's footer.
                    yield self._key(binding, enabled, binding.tooltip or binding.description,
                                    classes="-command-palette", compact=True)

    def _key(self, binding: Binding, enabled: bool, tooltip: str, classes: str = "",
             compact: bool | None = None) -> FooterKey:
        """One key, made compact or not from the start (by default as the footer is). Textual's
        footer binds each key's ``compact`` to its own, and the watcher then restyles every key
        twice as it is mounted, once per change; this footer's compactness never changes."""
        compact = self.compact if compact is None else compact
        key = FooterKey(
            binding.key,
            self.app.get_key_display(binding),
            binding.description,
            binding.action,
            classes=f"{classes} -compact" if compact else classes,
            disabled=not enabled,
            tooltip=tooltip,
        )
        key.set_reactive(FooterKey.compact, compact)
        return key

    def _rows_beneath(self) -> int:
        if not self.screen.is_modal:
            return 0
        stack = self.app.screen_stack
        if self.screen not in stack:
            return 0
        below = stack[: stack.index(self.screen)]
        for screen in reversed(below):
            footers = screen.query(KeyFooter)
            if footers:
                return footers.first().rows
        return 0

    def on_resize(self, event: events.Resize) -> None:
        if self._bindings_ready and event.size.width != self._laid_out_for:
            self.call_after_refresh(self.recompose)

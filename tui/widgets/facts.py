"""A few lines of facts under a list that may be longer than the room they get: they scroll, and
tab reaches them so the keyboard can scroll them too (up/down, pageup/pagedown, home/end).

The facts are :class:`Content`, never markup: they hold account names and labels as typed."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.content import Content
from textual.widgets import Static


class Facts(VerticalScroll):
    """Scrollable text; shows a scrollbar only when the text is longer than the room."""

    DEFAULT_CSS = """
    Facts {
        height: auto;
        scrollbar-size-vertical: 1;
    }
    Facts > Static {
        width: 1fr;
    }
    """

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self._shown: tuple[str, tuple[object, ...]] = ("", ())

    def compose(self) -> ComposeResult:
        yield Static(markup=False)

    def update(self, content: Content) -> None:
        """Show these facts, from their top; the same facts again (a section read anew after a
        change elsewhere) leave them where the reader scrolled."""
        shown = (content.plain, tuple(content.spans))
        if shown == self._shown:
            return
        self._shown = shown
        self.query_one(Static).update(content)
        self.scroll_home(animate=False)

"""A few lines of facts under a list that may be longer than the room they get: they scroll, and
tab reaches them so the keyboard can scroll them too (up/down, pageup/pagedown, home/end)."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.content import Content
from textual.widgets import Static


class Facts(VerticalScroll, can_focus=True):
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

    def compose(self) -> ComposeResult:
        yield Static()

    def update(self, content: Content | str) -> None:
        self.query_one(Static).update(content)
        self.scroll_home(animate=False)

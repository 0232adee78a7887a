"""What the app shows when the terminal is smaller than it can draw: how large it must be.

Below :data:`MIN_WIDTH` × :data:`MIN_HEIGHT` the list and the dialogs cannot be laid out in a way
that makes sense, so rather than a broken layout the app covers everything with one sentence, and
goes back to where the person was as soon as the terminal is large enough again.
"""

from __future__ import annotations

from textual import events
from textual.app import App, ComposeResult
from textual.content import Content
from textual.geometry import Size
from textual.screen import Screen
from textual.widgets import Static

MIN_WIDTH = 40
MIN_HEIGHT = 12


def too_small(size: Size) -> bool:
    return size.width < MIN_WIDTH or size.height < MIN_HEIGHT


def explain(size: Size) -> str:
    return (
        f"The terminal is too small: {size.width}×{size.height}.\n"
        f"tokens needs at least {MIN_WIDTH}×{MIN_HEIGHT}.\n"
        "Make the window larger.\n\n"
        "ctrl+q quits."
    )


class TooSmallScreen(Screen[None]):
    """Covers the app while the terminal is too small; closes itself once it is large enough."""

    DEFAULT_CSS = """
    TooSmallScreen {
        align: center middle;
    }
    TooSmallScreen > #too-small {
        width: 100%;
        height: auto;
        padding: 0 1;
        text-align: center;
    }
    """

    def compose(self) -> ComposeResult:
        yield Static(Content(explain(self.app.size)), id="too-small")

    def on_resize(self, event: events.Resize) -> None:
        self._check(event.size)

    def on_screen_resume(self) -> None:
        # Something may have opened on top while small and closed after the terminal grew.
        self._check(self.app.size)

    def _check(self, size: Size) -> None:
        if too_small(size):
            self.query_one("#too-small", Static).update(Content(explain(size)))
        elif self.is_current:
            self.dismiss(None)


def fit_to_terminal(app: App[object], size: Size) -> None:
    """Cover the app with :class:`TooSmallScreen` when ``size`` is too small to draw it."""
    if too_small(size) and not isinstance(app.screen, TooSmallScreen):
        app.push_screen(TooSmallScreen())


__all__ = ["MIN_HEIGHT", "MIN_WIDTH", "TooSmallScreen", "explain", "fit_to_terminal", "too_small"]

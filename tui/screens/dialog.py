"""The frame every modal of the app shares: a bordered box in the middle of the screen."""

from __future__ import annotations

from typing import TypeVar

from textual.screen import ModalScreen

ResultType = TypeVar("ResultType")


class DialogScreen(ModalScreen[ResultType]):
    """A modal whose content sits in a ``#dialog`` container, sized to fit 80×24 terminals.

    Subclasses set the border's colour and, if they need, another width.
    """

    DEFAULT_CSS = """
    DialogScreen {
        align: center middle;
    }
    DialogScreen > #dialog {
        width: 78;
        max-width: 100%;
        height: auto;
        max-height: 100%;
        padding: 0 1;
        scrollbar-size-vertical: 1;
        border: round $primary;
        border-title-style: bold;
        background: $surface;
    }
    """

"""The frame every modal of the app shares: a bordered box in the middle of the screen."""

from __future__ import annotations

from typing import ClassVar, TypeVar

from textual.screen import ModalScreen

ResultType = TypeVar("ResultType")

#: Below these sizes a dialog lays itself out compactly (classes ``-narrow`` and ``-short``).
NARROW_BELOW = 70
SHORT_BELOW = 24


class DialogScreen(ModalScreen[ResultType]):
    """A modal whose content sits in a ``#dialog`` container.

    The box is 80 columns wide at most and fills the width of smaller terminals, so that nothing
    of the screen beneath peeks out at the edges of an 80-column terminal. It scrolls when the
    terminal is too short for it. Below 70 columns the screen has the class ``-narrow``, below
    24 lines ``-short``, for compact layouts. Subclasses set the border's colour.
    """

    HORIZONTAL_BREAKPOINTS: ClassVar[list[tuple[int, str]] | None] = [(0, "-narrow"), (NARROW_BELOW, "-roomy")]
    VERTICAL_BREAKPOINTS: ClassVar[list[tuple[int, str]] | None] = [(0, "-short"), (SHORT_BELOW, "-tall")]

    DEFAULT_CSS = """
    DialogScreen {
        align: center middle;
    }
    DialogScreen > #dialog {
        width: 80;
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

"""The two places where the app relies on Textual internals, each behind one small function.

Textual offers no public way to move a RadioSet's highlight (only to press a button) nor to
forget the text the app last copied. ``tests/tui/test_textual_private.py`` fails as soon as a
Textual release changes either, so an upgrade cannot quietly break them.
"""

from __future__ import annotations

from textual.app import App
from textual.widgets import RadioSet


def highlighted_index(radio_set: RadioSet) -> int | None:
    """The index of the button the RadioSet's keyboard highlight is on, if any."""
    return radio_set._selected


def highlight(radio_set: RadioSet, index: int) -> None:
    """Move the RadioSet's keyboard highlight to the button at ``index`` (without pressing it)."""
    radio_set._selected = index


def forget_app_clipboard(app: App[object]) -> None:
    """Empty the app's own copy of the clipboard (what ctrl+v pastes inside the app).

    The terminal's clipboard is left alone: the person may still need what they copied there.
    """
    app._clipboard = ""


__all__ = ["forget_app_clipboard", "highlight", "highlighted_index"]

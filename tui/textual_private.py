"""The four places where the app relies on Textual internals, each behind one small function or class.

Textual offers no public way to move a RadioSet's highlight (only to press a button), to forget
the text the app last copied, to say that a screen just made needs no second styling pass, nor
to keep a screen from laying out and rendering what start-up throws away.
``tests/tui/test_textual_private.py`` fails as soon as a Textual release changes any of them, so
an upgrade cannot quietly break them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:  # imported by every section screen: nothing to load for annotations
    from textual.app import App
    from textual.screen import Screen
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


def mark_styles_current(screen: Screen, app: App[object]) -> None:
    """Tell Textual that ``screen``, made just now, is styled with the app's current stylesheet.

    Textual counts the app's stylesheet changes, and a screen that has not seen the latest
    count is styled again from scratch when its mode is first shown: every source of the app's
    CSS is parsed anew (twice, in fact). A screen made now gets the current stylesheet when it is
    mounted anyway, so for the app's first screen that pass is pure start-up cost.
    """
    screen._css_update_count = app._css_update_count


class NoDroppedFrames:
    """Mixed into a Screen: no layout or frame that Textual would throw away at start-up.

    During a batch update, such as the one Textual wraps around start-up, the app draws nothing,
    yet a screen that refreshes meanwhile is still rendered, and the result dropped: at start-up
    the first screen was rendered whole, to no end, before its first frame. Skipped here, what
    changed stays marked to be drawn, and is drawn whole at the next refresh after the batch.

    At start-up the first screen is also laid out inside that batch, before the app itself is
    mounted and before the footer's keys and the rest have arrived, and then laid out again once
    they have. Here it is laid out only once: the layout is marked as needed, and Textual does it
    as soon as the batch ends (on the terminal's resize that follows, or at the screen's next
    update). Later batches (a mode being switched to) are left to Textual.
    """

    app: App[object]

    def _compositor_refresh(self) -> None:
        if self.app._batch_count:
            return
        super()._compositor_refresh()  # type: ignore[misc]

    def _refresh_layout(self, size: object = None, scroll: bool = False) -> None:
        if self.app._batch_count and not self.app._is_mounted:
            self._layout_required = True
            return
        super()._refresh_layout(size, scroll)  # type: ignore[misc]


__all__ = ["NoDroppedFrames", "forget_app_clipboard", "highlight", "highlighted_index", "mark_styles_current"]

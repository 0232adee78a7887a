"""The Textual internals the app relies on still behave as it expects.

Each test drives one helper of ``tui.textual_private`` and checks its effect through Textual's
public side, so a Textual release that renames or changes the internal fails here first.
"""

from __future__ import annotations

from textual.app import App, ComposeResult
from textual.widgets import RadioButton, RadioSet

from tui.textual_private import forget_app_clipboard, highlight, highlighted_index


class _Radios(App[None]):
    def compose(self) -> ComposeResult:
        with RadioSet():
            yield RadioButton("one", True)
            yield RadioButton("two")
            yield RadioButton("three")


async def test_the_radio_highlight_is_read_and_moved() -> None:
    app = _Radios()
    async with app.run_test() as pilot:
        radios = app.query_one(RadioSet)
        radios.focus()
        await pilot.pause()
        highlight(radios, 2)
        await pilot.pause()
        assert highlighted_index(radios) == 2
        # Textual's own keys act on the highlight the helper moved: space presses "three".
        await pilot.press("space")
        await pilot.pause()
        assert radios.pressed_index == 2
        await pilot.press("up")
        await pilot.pause()
        assert highlighted_index(radios) == 1


async def test_the_apps_clipboard_copy_is_forgotten() -> None:
    app = _Radios()
    async with app.run_test():
        app.copy_to_clipboard("a secret")
        assert app.clipboard == "a secret"
        forget_app_clipboard(app)
        assert app.clipboard == ""

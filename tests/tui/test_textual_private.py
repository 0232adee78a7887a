"""The Textual internals the app relies on still behave as it expects.

Each test drives one helper of ``tui.textual_private`` and checks its effect through Textual's
public side, so a Textual release that renames or changes the internal fails here first.
"""

from __future__ import annotations

from textual.app import App, ComposeResult
from textual.color import Color
from textual.screen import Screen
from textual.widgets import RadioButton, RadioSet, Static

from tui.textual_private import (
    NoDroppedFrames,
    forget_app_clipboard,
    highlight,
    highlighted_index,
    mark_styles_current,
)


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


class _Painted(Screen[None]):
    def compose(self) -> ComposeResult:
        yield Static("hello", id="hello")

    def on_mount(self) -> None:
        # Before the pass Textual makes for the app's theme, which comes once the app is running.
        self.passes_when_mounted = self.app.passes  # type: ignore[attr-defined]


class _Modes(App[None]):
    CSS = "#hello { background: $primary; }"
    MODES = {"main": _Painted}
    DEFAULT_MODE = "main"

    def __init__(self, mark: bool) -> None:
        self.MODES = {"main": self._make}  # type: ignore[misc]
        super().__init__()
        self.mark = mark
        self.passes = 0

    def _make(self) -> Screen[None]:
        screen = _Painted()
        if self.mark:
            mark_styles_current(screen, self)
        return screen


async def _styling_passes(mark: bool) -> tuple[int, Color]:
    app = _Modes(mark)
    reparse = app.stylesheet.reparse

    def counted() -> None:
        app.passes += 1
        reparse()

    app.stylesheet.reparse = counted  # type: ignore[method-assign]
    async with app.run_test() as pilot:
        await pilot.pause()
        passes = app.screen.passes_when_mounted  # type: ignore[attr-defined]
        background = app.screen.query_one("#hello").styles.background
        assert background == Color.parse(app.theme_variables["primary"])
    return passes, background


async def test_a_screen_marked_current_is_not_styled_again_when_its_mode_is_shown() -> None:
    unmarked, colour = await _styling_passes(mark=False)
    marked, same_colour = await _styling_passes(mark=True)
    # Textual parses all of the app's CSS again for a new mode's screen, unless told it is current;
    # the screen is styled all the same.
    assert marked == unmarked - 1
    assert same_colour == colour


class _Plain(Screen[None]):
    def compose(self) -> ComposeResult:
        yield Static("first frame", id="hello")


class _Held(NoDroppedFrames, _Plain):
    pass


class _StartsInMode(App[None]):
    """An app whose first screen is a mode's, as the tokens app's is; it notes each layout and
    each render of that screen, and whether start-up's batch held drawing back at the time."""

    def __init__(self, screen: type[Screen[None]]) -> None:
        self.MODES = {"main": self._make}  # type: ignore[misc]
        self.DEFAULT_MODE = "main"  # type: ignore[misc]
        super().__init__()
        self.screen_type = screen
        self.renders: list[bool] = []
        self.layouts: list[bool] = []

    def _make(self) -> Screen[None]:
        screen = self.screen_type()
        compositor = screen._compositor
        render, reflow = compositor.render_update, compositor.reflow

        def rendered(*args: object, **kwargs: object) -> object:
            self.renders.append(self._batch_count > 0)
            return render(*args, **kwargs)  # type: ignore[arg-type]

        def laid_out(*args: object, **kwargs: object) -> object:
            self.layouts.append(self._batch_count > 0)
            return reflow(*args, **kwargs)  # type: ignore[arg-type]

        compositor.render_update = rendered  # type: ignore[method-assign]
        compositor.reflow = laid_out  # type: ignore[method-assign]
        return screen


async def _start(screen: type[Screen[None]]) -> _StartsInMode:
    app = _StartsInMode(screen)
    async with app.run_test() as pilot:
        await pilot.pause()
        app.screenshot = app.export_screenshot()  # type: ignore[attr-defined]
    return app


async def test_start_up_lays_out_and_renders_the_first_screen_once_drawing_resumes() -> None:
    plain = await _start(_Plain)
    held = await _start(_Held)
    # Textual lays out and renders the first screen while start-up holds drawing back, for nothing...
    assert True in plain.renders and True in plain.layouts
    # ...which the mixin skips, and the screen is laid out and drawn all the same afterwards.
    assert held.renders and True not in held.renders
    assert held.layouts and True not in held.layouts
    assert "first" in held.screenshot and "frame" in held.screenshot  # type: ignore[attr-defined]

"""The help screen: the keys of the screen it was opened from (read from its live bindings),
a few lines about tokens, scrolling at once, a filter, and easy to leave."""

from __future__ import annotations

from pathlib import Path

import pytest
from modal_host import ModalHost, screen_text
from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.widgets import Footer, Static

from tui.app import TokensApp
from tui.screens.help import ABOUT, HelpScreen
from tui.widgets.token_table import TokenTable

from tui_helpers import settle, wait_for

APPS = Path(__file__).parent / "snapshot_apps"


def flat(text: str) -> str:
    return " ".join(text.replace("│", " ").split())


def host() -> ModalHost:
    return ModalHost(HelpScreen)


def body(app: App[object]):  # type: ignore[no-untyped-def]
    return app.screen.query_one("#help-body")


async def open_help(pilot) -> None:  # type: ignore[no-untyped-def]
    await settle(pilot)
    await pilot.press("question_mark")
    await wait_for(pilot, lambda: isinstance(pilot.app.screen, HelpScreen))
    await pilot.pause()


async def test_lists_the_main_screens_keys_from_its_bindings(demo_db) -> None:
    app = TokensApp(db=demo_db, login="alice")
    async with app.run_test(size=(120, 80)) as pilot:  # tall enough for all of it without scrolling
        await open_help(pilot)
        text = flat(screen_text(app))
        assert "a Create a new API token" in text
        assert "r Revoke the highlighted token (asks first)" in text
        assert "o Replace the highlighted token with a new secret" in text
        assert "e Rename the highlighted token or change its note" in text
        assert "/ Show only tokens whose label contains some text" in text
        assert "ctrl+q Quit the app" in text
        assert "In the token list" in text
        assert "↓ j Next token" in text
        assert "End G Last token" in text
        assert "In the sidebar" in text
        assert "j ↓ Next section" in text
        assert "enter Show the highlighted section" in text
        # Escape clears a filter only while there is one: not offered now.
        assert "Show every token again" not in text
        for line in ABOUT:
            assert line in text


async def test_a_rebound_key_shows_as_rebound(demo_db) -> None:
    app = TokensApp(db=demo_db, login="alice")
    async with app.run_test(size=(120, 60)) as pilot:
        app.set_keymap({"add-token": "n"})
        await open_help(pilot)
        text = flat(screen_text(app))
        assert "n Create a new API token" in text
        assert "a Create a new API token" not in text


class _Other(App[None]):
    """Another screen with its own keys: help lists those, not a copy of the main screen's."""

    BINDINGS = [Binding("x", "export", "Export [b]all[/b]"), Binding("h", "help", "Help")]

    def compose(self) -> ComposeResult:
        yield Static("other")
        yield Footer()

    def action_export(self) -> None:
        pass

    def action_help(self) -> None:
        self.push_screen(HelpScreen())


async def test_lists_the_keys_of_whatever_screen_it_was_opened_from() -> None:
    app = _Other()
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("h")
        await wait_for(pilot, lambda: isinstance(app.screen, HelpScreen))
        text = flat(screen_text(app))
        assert "x Export [b]all[/b]" in text  # literally, not as markup
        assert "Create a new API token" not in text


@pytest.mark.parametrize("key", ["escape", "q", "question_mark"])
async def test_escape_q_and_question_mark_close(key: str) -> None:
    app = host()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press(key)
        await pilot.pause()
        assert app.results == [None]
        assert not isinstance(app.screen, HelpScreen)


async def test_fits_80_by_24_and_scrolls_at_once_with_every_scroll_key(demo_db) -> None:
    app = TokensApp(db=demo_db, login="alice")
    async with app.run_test(size=(80, 24)) as pilot:
        await open_help(pilot)
        text = flat(screen_text(app))
        assert "Help" in text and "Keys" in text
        assert ABOUT[-1] not in text
        scroll = body(app)
        for key in ("j", "down", "pagedown"):
            before = scroll.scroll_y
            await pilot.press(key)
            await wait_for(pilot, lambda: scroll.scroll_y > before)
        for key in ("k", "up", "pageup"):
            before = scroll.scroll_y
            await pilot.press(key)
            await wait_for(pilot, lambda: scroll.scroll_y < before)
        for to_end, to_start in (("G", "g"), ("end", "home")):
            await pilot.press(to_end)
            await wait_for(pilot, lambda: ABOUT[-1] in flat(screen_text(app)))
            await pilot.press(to_start)
            await wait_for(pilot, lambda: scroll.scroll_y == 0)
        # The dialog stays inside the terminal, border and all.
        dialog = app.screen.query_one("#dialog")
        assert dialog.region.right <= 80 and dialog.region.bottom <= 23


async def test_slash_filters_and_escape_clears_then_closes(demo_db) -> None:
    app = TokensApp(db=demo_db, login="alice")
    async with app.run_test(size=(80, 24)) as pilot:
        await open_help(pilot)
        await pilot.press("slash", *"revok")
        await wait_for(pilot, lambda: "Create a new API token" not in flat(screen_text(app)))
        text = flat(screen_text(app))
        assert "r Revoke the highlighted token (asks first)" in text
        assert "Revoking a token stops it at once" in text  # the lines about tokens are filtered too
        assert "Next token" not in text
        await pilot.press("escape")
        await wait_for(pilot, lambda: "Create a new API token" in flat(screen_text(app)))
        assert isinstance(app.screen, HelpScreen)
        await pilot.press("escape")
        await wait_for(pilot, lambda: not isinstance(app.screen, HelpScreen))


async def test_a_filter_that_matches_nothing_says_so(demo_db) -> None:
    app = TokensApp(db=demo_db, login="alice")
    async with app.run_test(size=(80, 24)) as pilot:
        await open_help(pilot)
        await pilot.press("slash", *"zzqx")
        await wait_for(pilot, lambda: "No key matches “zzqx”" in flat(screen_text(app)))
        # Typing into the filter does not scroll or close: j, k, q and g are letters there.
        await pilot.press("backspace", "backspace", "backspace", "backspace", *"jkqg")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        assert app.screen.filter_text == "jkqg"


async def test_a_pasted_escape_sequence_never_reaches_the_terminal_from_the_filter(demo_db) -> None:
    from textual import events

    app = TokensApp(db=demo_db, login="alice")
    async with app.run_test(size=(80, 24)) as pilot:
        await open_help(pilot)
        await pilot.press("slash")
        app.screen.query_one("#help-filter").post_message(events.Paste("zz\x1b[2Jqx\x1b]52;c;aGk=\x07"))
        await wait_for(pilot, lambda: "No key matches" in flat(screen_text(app)))
        assert "\x1b" not in app.screen.filter_text and "\x1b" not in screen_text(app)


async def test_help_over_the_table_does_not_move_the_list(demo_db) -> None:
    app = TokensApp(db=demo_db, login="alice")
    async with app.run_test(size=(80, 24)) as pilot:
        await open_help(pilot)
        await pilot.press("j", "j", "G")
        await pilot.press("escape")
        await wait_for(pilot, lambda: not isinstance(app.screen, HelpScreen))
        assert app.query_one(TokenTable).cursor == 0


async def _wait_for_help(pilot) -> None:  # type: ignore[no-untyped-def]
    await wait_for(pilot, lambda: isinstance(pilot.app.screen, HelpScreen))
    await pilot.pause()


@pytest.mark.parametrize("size", [(60, 20), (80, 24), (120, 40)], ids=["60x20", "80x24", "120x40"])
def test_snapshot_help(snap_compare, size: tuple[int, int]) -> None:  # type: ignore[no-untyped-def]
    assert snap_compare(APPS / "help_app.py", terminal_size=size, run_before=_wait_for_help)

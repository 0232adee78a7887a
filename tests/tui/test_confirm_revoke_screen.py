"""The revoke confirmation: Cancel is the default, and labels are only ever text."""

from __future__ import annotations

from pathlib import Path

import pytest
from modal_host import FAKE_ID, FAKE_INFO, ModalHost, fake_info, screen_text
from textual.content import Content
from textual.widgets import Static

from store import Scope, strip_controls
from tui.screens.confirm_revoke import CONSEQUENCE, ConfirmRevokeScreen

APPS = Path(__file__).parent / "snapshot_apps"
SIZE = (80, 24)

HOSTILE_LABELS = [
    "[/foo]",
    "[link=https://example.org]x[/link]",
    "[$primary]x",
    "[B]upper[/B] [bold red on blue]loud",
    "\x1b]52;c;ZXZpbA==\x07",
    "\x1b[2J",
    "before\x1b[31mred\x9b0m\u202eafter",
]


def host(label: str = FAKE_INFO.label) -> ModalHost:
    return ModalHost(lambda: ConfirmRevokeScreen(fake_info(label, Scope.READ)))


def flat(text: str) -> str:
    return " ".join(text.replace("│", " ").split())


async def test_names_the_token_and_what_revoking_means() -> None:
    app = host()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        text = flat(screen_text(app))
        assert "Revoke “Power BI – office laptop”?" in text
        assert f"Token id: {FAKE_ID}" in text
        assert "Scope: Read-only" in text
        assert flat(CONSEQUENCE) in text
        assert "Revoke token" in text and "Cancel" in text


async def test_cancel_has_the_focus_so_enter_keeps_the_token() -> None:
    app = host()
    async with app.run_test(size=SIZE) as pilot:
        assert app.focused is app.screen.query_one("#cancel")
        await pilot.press("enter")
        await pilot.pause()
        assert app.results == [False]
        assert not isinstance(app.screen, ConfirmRevokeScreen)


@pytest.mark.parametrize("key", ["escape", "n"])
async def test_escape_and_n_keep_the_token(key: str) -> None:
    app = host()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press(key)
        await pilot.pause()
        assert app.results == [False]


async def test_choosing_revoke_with_the_keyboard() -> None:
    app = host()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("shift+tab")
        assert app.focused is app.screen.query_one("#revoke")
        await pilot.press("enter")
        await pilot.pause()
        assert app.results == [True]


async def test_left_arrow_reaches_revoke_too() -> None:
    app = host()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("left", "enter")
        await pilot.pause()
        assert app.results == [True]


@pytest.mark.parametrize("how", ["y", "click"])
async def test_y_or_a_click_revokes(how: str) -> None:
    app = host()
    async with app.run_test(size=SIZE) as pilot:
        if how == "y":
            await pilot.press("y")
        else:
            await pilot.click("#revoke")
        await pilot.pause()
        assert app.results == [True]


@pytest.mark.parametrize("label", HOSTILE_LABELS)
async def test_hostile_labels_are_shown_literally_and_safely(label: str) -> None:
    app = host(label)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        question = app.screen.query_one("#question", Static)
        assert isinstance(question.visual, Content)
        assert question.visual.plain == f"Revoke “{strip_controls(label)}”?"
        text = screen_text(app)
        assert strip_controls(label) in text
        svg = app.export_screenshot()
        for rendered in (text, svg):
            assert "\x1b" not in rendered and "\x07" not in rendered and "\x9b" not in rendered
            assert "\u202e" not in rendered
        # No terminal hyperlink, and the label's own "style" changes nothing around it.
        for strip in app.screen._compositor.render_strips():
            for segment in strip:
                assert segment.style is None or not segment.style.link
        await pilot.press("enter")
        await pilot.pause()
        assert app.results == [False]


@pytest.mark.parametrize("size", [(60, 20), (80, 24), (120, 40)], ids=["60x20", "80x24", "120x40"])
def test_snapshot_confirm_revoke(snap_compare, size: tuple[int, int]) -> None:  # type: ignore[no-untyped-def]
    assert snap_compare(APPS / "confirm_revoke_app.py", terminal_size=size)

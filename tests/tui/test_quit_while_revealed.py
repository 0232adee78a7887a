"""Quitting while a new token is on show asks "Have you copied it?" first, as leaving does."""

from __future__ import annotations

import pytest

from store import TokenStore
from tui.app import TokensApp
from tui.screens.help import HelpScreen
from tui.screens.reveal_secret import ASK, RevealSecretScreen

from tui_helpers import screen_text, settle, wait_for


@pytest.fixture
def db_path(tmp_path) -> str:  # type: ignore[no-untyped-def]
    path = str(tmp_path / "tokens.db")
    with TokenStore(path) as s:
        s.ensure_account("alice")
    return path


def flat(text: str) -> str:
    return " ".join(text.replace("│", " ").split())


async def reveal(pilot) -> RevealSecretScreen:  # type: ignore[no-untyped-def]
    await settle(pilot)
    await pilot.press("a", *"Laptop", "enter")
    await wait_for(pilot, lambda: isinstance(pilot.app.screen, RevealSecretScreen))
    return pilot.app.screen


@pytest.mark.parametrize("how", ["ctrl+q", "palette", "action"])
async def test_quitting_asks_first_then_quits(db_path, how: str, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr(RevealSecretScreen, "LEAVE_GUARD", 0.0)
    app = TokensApp(db=db_path, login="alice")
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await reveal(pilot)

        async def quit_once() -> None:
            if how == "ctrl+q":
                await pilot.press("ctrl+q")
            elif how == "palette":
                await pilot.press("ctrl+p", *"quit")
                await wait_for(pilot, lambda: "Quit the application" in screen_text(app))
                await pilot.press("enter")
            else:
                await app.run_action("quit")
            await pilot.pause()

        await quit_once()
        await wait_for(pilot, lambda: ASK in flat(screen_text(app)))
        assert app.is_running and app.screen is screen, "the first quit only asks"
        await quit_once()
        await wait_for(pilot, lambda: not app.is_running)
    assert screen.asked


async def test_quitting_too_fast_after_the_question_is_ignored(db_path) -> None:
    app = TokensApp(db=db_path, login="alice")
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await reveal(pilot)
        screen.LEAVE_GUARD = 60.0  # the second ctrl+q comes well within it
        await pilot.press("ctrl+q", "ctrl+q")
        await pilot.pause()
        assert app.is_running and app.screen is screen


async def test_quitting_from_help_over_the_reveal_shows_the_question(db_path) -> None:
    app = TokensApp(db=db_path, login="alice")
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await reveal(pilot)
        app.push_screen(HelpScreen())
        await wait_for(pilot, lambda: isinstance(app.screen, HelpScreen))
        await pilot.press("ctrl+q")
        await wait_for(pilot, lambda: app.screen is screen and ASK in flat(screen_text(app)))
        assert app.is_running


async def test_without_a_secret_on_show_ctrl_q_quits_at_once(db_path) -> None:
    app = TokensApp(db=db_path, login="alice")
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+q")
        await wait_for(pilot, lambda: not app.is_running)

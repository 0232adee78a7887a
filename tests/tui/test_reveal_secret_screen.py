"""The one-time reveal: shown once, copied through the terminal, and gone afterwards."""

from __future__ import annotations

from pathlib import Path

import pytest
from modal_host import FAKE_INFO, FAKE_SECRET, ModalHost, fake_info, screen_text
from textual.command import CommandPalette
from textual.widgets import Button

from store import tokenstring
from tui.screens.reveal_secret import (
    ASK,
    ASK_AFTER_COPY,
    COPY_SENT,
    WARNING,
    RevealSecretScreen,
    allows_screenshot,
)

APPS = Path(__file__).parent / "snapshot_apps"
SIZE = (80, 24)
# Leaving twice in quick succession counts once; tests wait this long before the second leave.
READ_THE_QUESTION = RevealSecretScreen.LEAVE_GUARD + 0.1


def host() -> ModalHost:
    return ModalHost(lambda: RevealSecretScreen(FAKE_INFO, FAKE_SECRET))


def flat(text: str) -> str:
    # Wrapped sentences read the same once line breaks and the dialog's borders are gone.
    words = text.replace("│", " ").split()
    return " ".join(words)


def test_the_fake_secret_has_the_shape_of_a_real_one() -> None:
    assert len(FAKE_SECRET) == tokenstring.TOKEN_LENGTH
    assert FAKE_SECRET.startswith(tokenstring.PREFIX)


async def test_shows_the_secret_in_full_with_label_scope_and_warning() -> None:
    app = host()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        text = screen_text(app)
        assert FAKE_SECRET in text
        assert "Label: Power BI – office laptop" in text
        assert "Scope: Read & Write" in text
        assert WARNING in flat(text)
        assert "Copy sent" not in text
        assert app.focused is app.screen.query_one("#copy")


async def test_the_secret_stays_out_of_titles_and_notifications() -> None:
    app = host()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("c", "escape")
        await pilot.pause()
        screen = app.screen
        for text in (app.title, app.sub_title, screen.title or "", screen.sub_title or ""):
            assert FAKE_SECRET not in text
        assert not list(app._notifications)


@pytest.mark.parametrize("how", ["key", "button"])
async def test_copy_sends_the_secret_to_the_terminal_without_claiming_success(how: str) -> None:
    app = host()
    sent: list[str] = []
    async with app.run_test(size=SIZE) as pilot:
        original = app.copy_to_clipboard

        def spy(text: str) -> None:
            sent.append(text)
            original(text)

        app.copy_to_clipboard = spy  # type: ignore[method-assign]
        if how == "key":
            await pilot.press("c")
        else:
            await pilot.click("#copy")
        await pilot.pause()
        assert sent == [FAKE_SECRET]
        assert app.clipboard == FAKE_SECRET
        assert COPY_SENT in flat(screen_text(app))
        # Still visible: if the terminal ignored the copy, it can be selected by hand.
        assert FAKE_SECRET in screen_text(app)
        assert isinstance(app.screen, RevealSecretScreen)


async def test_escape_asks_once_then_closes() -> None:
    app = host()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, RevealSecretScreen)
        assert app.screen.asked
        assert ASK in flat(screen_text(app))
        assert str(app.screen.query_one("#done", Button).label) == "Yes, close"
        await pilot.pause(READ_THE_QUESTION)
        await pilot.press("escape")
        await pilot.pause()
        assert app.results == [None]
        assert not isinstance(app.screen, RevealSecretScreen)


async def test_enter_on_done_asks_once_then_closes() -> None:
    app = host()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("tab")
        assert app.focused is app.screen.query_one("#done")
        await pilot.press("enter")
        await pilot.pause()
        assert app.results == []
        assert ASK in flat(screen_text(app))
        await pilot.pause(READ_THE_QUESTION)
        await pilot.press("enter")
        await pilot.pause()
        assert app.results == [None]


async def test_hammering_escape_does_not_skip_the_question(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    # A guard far longer than the presses take, so a slow machine cannot make them look apart.
    monkeypatch.setattr(RevealSecretScreen, "LEAVE_GUARD", 60.0)
    app = host()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("escape", "escape", "escape")
        await pilot.pause()
        assert app.results == []
        assert ASK in flat(screen_text(app))


async def test_yes_after_escape_closes() -> None:
    app = host()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("escape")
        await pilot.pause(READ_THE_QUESTION)
        await pilot.click("#done")
        await pilot.pause()
        assert app.results == [None]


async def test_the_question_mentions_a_copy_already_sent() -> None:
    app = host()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("c", "escape")
        await pilot.pause()
        assert ASK_AFTER_COPY in flat(screen_text(app))
        assert isinstance(app.screen, RevealSecretScreen)


async def test_after_closing_the_secret_is_gone_from_screen_clipboard_and_screen_object() -> None:
    app = host()
    async with app.run_test(size=SIZE) as pilot:
        modal = app.modal
        assert isinstance(modal, RevealSecretScreen)
        await pilot.press("c", "escape")
        await pilot.pause(READ_THE_QUESTION)
        await pilot.press("escape")
        await pilot.pause()
        assert app.results == [None]
        assert FAKE_SECRET not in screen_text(app)
        svg = app.export_screenshot()
        assert FAKE_SECRET not in svg
        assert FAKE_SECRET[4:20] not in svg
        assert app.clipboard == ""
        assert modal._secret is None
        assert FAKE_SECRET not in repr(vars(modal))


async def test_what_was_copied_before_the_reveal_is_left_alone() -> None:
    app = ModalHost(lambda: RevealSecretScreen(FAKE_INFO, FAKE_SECRET))
    app.copy_to_clipboard("copied earlier")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("escape")
        await pilot.pause(READ_THE_QUESTION)
        await pilot.press("escape")
        await pilot.pause()
        assert app.clipboard == "copied earlier"


async def test_a_partial_copy_of_the_secret_is_forgotten_too() -> None:
    app = host()
    async with app.run_test(size=SIZE) as pilot:
        app.copy_to_clipboard(FAKE_SECRET[:-1])  # a selection one character short
        await pilot.press("escape")
        await pilot.pause(READ_THE_QUESTION)
        await pilot.press("escape")
        await pilot.pause()
        assert app.clipboard == ""


async def test_quitting_while_shown_still_forgets_the_secret() -> None:
    app = host()
    async with app.run_test(size=SIZE) as pilot:
        modal = app.modal
        await pilot.press("c")
        await pilot.pause()
    assert isinstance(modal, RevealSecretScreen)
    assert modal._secret is None
    assert app.clipboard == ""


async def test_no_screenshot_while_the_secret_is_shown() -> None:
    app = host()
    async with app.run_test(size=SIZE) as pilot:
        reveal = app.screen
        assert not allows_screenshot(reveal)
        assert "Screenshot" not in [command.title for command in app.get_system_commands(reveal)]
        # The command palette opened over the reveal does not offer it either.
        await pilot.press("ctrl+p")
        await pilot.pause()
        palette = app.screen
        assert isinstance(palette, CommandPalette)
        assert not allows_screenshot(palette)
        await pilot.press(*"screensh")
        await pilot.pause(0.3)
        assert "Screenshot" not in flat(screen_text(app))
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen is reveal
        await pilot.press("escape")
        await pilot.pause(READ_THE_QUESTION)
        await pilot.press("escape")
        await pilot.pause()
        assert allows_screenshot(app.screen)
        assert "Screenshot" in [command.title for command in app.get_system_commands(app.screen)]
        # And the palette does offer it again, which shows the check above can fail.
        await pilot.press("ctrl+p", *"screensh")
        await pilot.pause(0.3)
        assert "Screenshot" in flat(screen_text(app))


async def test_labels_are_shown_literally() -> None:
    label = "[link=https://example.org]x[/link] [$primary]y \x1b]52;c;ZXZpbA==\x07"
    app = ModalHost(lambda: RevealSecretScreen(fake_info(label), FAKE_SECRET))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        text = screen_text(app)
        assert "[link=https://example.org]x[/link] [$primary]y ]52;c;ZXZpbA==" in text
        assert "\x1b" not in text and "\x07" not in text


@pytest.mark.parametrize("size", [(60, 20), (80, 24), (120, 40)], ids=["60x20", "80x24", "120x40"])
def test_snapshot_reveal_secret(snap_compare, size: tuple[int, int]) -> None:  # type: ignore[no-untyped-def]
    assert snap_compare(APPS / "reveal_secret_app.py", terminal_size=size)


def test_snapshot_reveal_secret_after_copy_and_escape(snap_compare) -> None:  # type: ignore[no-untyped-def]
    assert snap_compare(APPS / "reveal_secret_app.py", terminal_size=(80, 24), press=["c", "escape"])

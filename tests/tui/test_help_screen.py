"""The help screen: every key of the app, a few lines about tokens, and easy to leave."""

from __future__ import annotations

from pathlib import Path

import pytest
from modal_host import ModalHost, screen_text

from tui.screens.help import ABOUT, APP_KEYS, REVEAL_KEYS, HelpScreen

APPS = Path(__file__).parent / "snapshot_apps"


def host() -> ModalHost:
    return ModalHost(HelpScreen)


def flat(text: str) -> str:
    return " ".join(text.replace("│", " ").split())


async def test_lists_every_key_and_explains_tokens() -> None:
    app = host()
    async with app.run_test(size=(120, 50)) as pilot:
        await pilot.pause()
        text = flat(screen_text(app))
        for keys, meaning in (*APP_KEYS, *REVEAL_KEYS):
            assert f"{keys} {meaning}" in text
        for line in ABOUT:
            assert line in text


async def test_the_app_may_pass_its_own_keys() -> None:
    app = ModalHost(lambda: HelpScreen([("x", "Export [b]all[/b]")]))
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        assert "x            Export [b]all[/b]" in screen_text(app)


@pytest.mark.parametrize("key", ["escape", "q", "question_mark"])
async def test_escape_q_and_question_mark_close(key: str) -> None:
    app = host()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press(key)
        await pilot.pause()
        assert app.results == [None]
        assert not isinstance(app.screen, HelpScreen)


async def test_scrolls_with_the_keyboard_on_a_small_terminal() -> None:
    app = host()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert ABOUT[-1] not in flat(screen_text(app))
        await pilot.press("end")
        await pilot.pause()
        assert ABOUT[-1] in flat(screen_text(app))


def test_snapshot_help(snap_compare) -> None:  # type: ignore[no-untyped-def]
    assert snap_compare(APPS / "help_app.py", terminal_size=(80, 24))


def test_help_lists_every_key_the_app_binds() -> None:
    from tui.app import TokensApp
    from tui.screens.help import APP_KEYS as keys

    listed = {part.strip() for key, _ in keys for part in key.split(",")}
    names = {"slash": "/", "question_mark": "?"}
    for binding in TokensApp.BINDINGS:
        for key in binding.key.split(","):
            assert names.get(key, key) in listed, f"help does not mention {key!r}"

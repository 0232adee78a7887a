"""The command palette: tokens by any part of their label or id, "show token …", and every
action of the screen it opens over."""

from __future__ import annotations

from tui.app import TokensApp
from tui.commands import TokenCommands, token_needle
from tui.widgets.token_table import TokenTable

from tui_helpers import pick_in_palette, screen_text, settle, wait_for


async def titles(provider: TokenCommands, query: str) -> list[str]:
    return [hit.text async for hit in provider.search(query)]  # type: ignore[misc]


def test_show_token_is_a_prefix_to_the_part_looked_for() -> None:
    assert token_needle("show token: Backup") == ("backup", True)
    assert token_needle("Show Token backup") == ("backup", True)
    assert token_needle("show tokens") == ("", True)
    assert token_needle("backup") == ("backup", False)
    assert token_needle("show or hide") == ("show or hide", False)


async def test_finds_tokens_by_any_part_of_the_label_or_the_id(demo_db) -> None:
    app = TokensApp(db=demo_db, login="alice")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        provider = TokenCommands(app.screen)
        backup = next(t for t in app.tokens if t.label == "Backup job – NAS")
        assert "Show token: Backup job – NAS" in await titles(provider, "job – n")  # the middle
        assert "Show token: Backup job – NAS" in await titles(provider, "NAS")  # the end, any case
        assert "Show token: Backup job – NAS" in await titles(provider, backup.id[3:9])
        assert "Show token: Backup job – NAS" in await titles(provider, "show token " + backup.id[:6])
        every = await titles(provider, "show token")
        assert sorted(t for t in every if t.startswith("Show token:")) == sorted(
            f"Show token: {t.label}" for t in app.tokens
        )
        assert not [t for t in await titles(provider, "show token zzqx") if t.startswith("Show token:")]


async def test_typing_show_token_in_the_palette_jumps_to_it(demo_db) -> None:
    app = TokensApp(db=demo_db, login="alice")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+p", *"show token excel")
        await wait_for(pilot, lambda: "Show token: Excel – home PC" in screen_text(app))
        await pilot.press("enter")
        await wait_for(pilot, lambda: app.query_one(TokenTable).highlighted.label == "Excel – home PC")


async def test_offers_every_action_of_the_main_screen(demo_db) -> None:
    app = TokensApp(db=demo_db, login="alice")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        provider = TokenCommands(app.screen)
        offered = [hit.text async for hit in provider.discover()]  # type: ignore[misc]
        for title in (
            "Add token",
            "Revoke token",
            "Filter by label",
            "Show or hide revoked tokens",
            "Reload",
            "Help",
            "Go to Profile",
            "Go to API tokens",
        ):
            assert title in offered
        # The list's own actions, which only keys reached before.
        assert "Last token" in offered and "Show the token's details" in offered


async def test_over_a_dialog_it_offers_the_dialogs_actions_not_the_lists(demo_db) -> None:
    from tui.screens.confirm_revoke import ConfirmRevokeScreen

    app = TokensApp(db=demo_db, login="alice")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("r")
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmRevokeScreen))
        provider = TokenCommands(app.screen)
        offered = [hit.text async for hit in provider.discover()]  # type: ignore[misc]
        assert "Revoke" in offered and "Cancel" in offered
        assert "Add token" not in offered and "Go to Profile" not in offered
        assert not [t for t in await titles(provider, "show token") if t.startswith("Show token:")]
        # And choosing one acts on the dialog.
        await pilot.press("ctrl+p")
        await pick_in_palette(pilot, "Cancel")
        await wait_for(pilot, lambda: not isinstance(app.screen, ConfirmRevokeScreen) and app.screen is app.screen_stack[0])

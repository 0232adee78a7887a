"""``tokens --read-only``: for people who only look. No changing action is reachable by key,
palette or mouse, and the header says so."""

from __future__ import annotations

import pytest
from textual.command import CommandList, CommandPalette

from store import Actor, TokenStore, UnknownAccount
from tui.app import TokensApp
from tui.read_only import CHANGING_ACTIONS
from tui.widgets.token_table import TokenTable

from tui_helpers import screen_text, settle, wait_for



def token_states(path: str) -> list[tuple[str, object]]:
    with TokenStore(path) as s:
        return sorted((t.id, t.revoked_at) for t in s.list_tokens(Actor("alice"), include_revoked=True))


async def test_keys_for_changes_do_nothing_and_the_footer_does_not_offer_them(demo_db) -> None:
    before = token_states(demo_db)
    app = TokensApp(db=demo_db, account="alice", read_only=True)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        assert app.query_one(TokenTable).highlighted.revoked_at is None  # there is something to revoke
        for key in ("a", "r", "enter", "y"):
            await pilot.press(key)
            await pilot.pause()
            assert app.screen is app.screen_stack[0], key
        footer = screen_text(app).splitlines()[-1]
        assert "a Add" not in footer and "r Revoke " not in footer
        assert "Filter" in footer  # looking still works
        assert "read-only" in app.sub_title
        assert "read-only" in screen_text(app).splitlines()[0]
        for action in CHANGING_ACTIONS:
            assert app.check_action(action, ()) is False
    assert token_states(demo_db) == before


async def test_the_palette_offers_no_change(demo_db) -> None:
    app = TokensApp(db=demo_db, account="alice", read_only=True)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+p")
        await wait_for(pilot, lambda: isinstance(app.screen, CommandPalette))
        palette = app.screen

        def offered() -> list[str]:
            hits = palette.query_one(CommandList)
            return [str(hits.get_option_at_index(i).prompt) for i in range(hits.option_count)]

        await wait_for(pilot, lambda: any("Filter" in hit for hit in offered()))  # everything is listed
        assert not any("Add token" in hit or "Revoke" in hit for hit in offered())
        await pilot.press(*"revoke")
        await wait_for(pilot, lambda: not any("Filter" in hit for hit in offered()))
        assert not any("Revoke" in hit for hit in offered())
        # Run by name anyway, as the palette would: refused.
        await pilot.press("escape")
        await app.run_action("add_token")
        await app.run_action("revoke_token")
        await pilot.pause()
        assert app.screen is app.screen_stack[0]


async def test_no_button_to_click_and_the_workers_refuse_too(demo_db) -> None:
    before = token_states(demo_db)
    app = TokensApp(db=demo_db, account="alice", read_only=True)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        assert not app.screen.query("#add-button")  # not even made
        assert not app.query_one("#revoke-button").display
        shown = screen_text(app)
        assert "Add token" not in shown and "Revoke token" not in shown
        # Clicking where the buttons are in a normal session reaches nothing that changes.
        await pilot.click("#list-header", offset=(30, 0))
        await pilot.click("#detail")
        await pilot.pause()
        assert app.screen is app.screen_stack[0]
        # Even a direct call (what a future button might make) is refused in the worker.
        app.screen.revoke_token(app.query_one(TokenTable).highlighted)
        await settle(pilot)
        assert any("read-only" in n.message for n in app._notifications)
    assert token_states(demo_db) == before


async def test_the_same_app_without_read_only_offers_the_changes(demo_db) -> None:
    """The other half: what read-only hides is really there otherwise."""
    app = TokensApp(db=demo_db, account="alice")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        assert app.query_one("#add-button").display and app.query_one("#revoke-button").display
        footer = screen_text(app).splitlines()[-1]
        assert "a Add" in footer and "r Revoke " in footer
        assert "read-only" not in app.sub_title


async def test_an_empty_read_only_list_does_not_say_to_add(tmp_path) -> None:
    app = TokensApp(db=str(tmp_path / "empty.db"), account="newcomer", read_only=True)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        shown = screen_text(app)
        assert "read-only" in shown and "Press  a" not in shown
    with TokenStore(str(tmp_path / "empty.db")) as s:
        with pytest.raises(UnknownAccount):
            s.list_tokens(Actor("newcomer"))  # looking created nothing


async def test_an_administrator_reading_only_changes_no_account_or_token(demo_db) -> None:
    app = TokensApp(db=demo_db, account="alice", read_only=True)  # alice, the first account, is an administrator
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        assert app.is_admin
        for page, actions in (("accounts", ("add_account", "toggle_disabled", "toggle_admin", "edit_grants")),
                              ("all", ("revoke_any", "bulk_revoke"))):
            app.action_show_page(page)
            await wait_for(pilot, lambda page=page: app.current_mode == page)
            await settle(pilot)
            for action in actions:
                assert app.screen.check_action(action, ()) is False, action
            footer = screen_text(app).splitlines()[-1]
            assert "Add account" not in footer and "Bulk revoke" not in footer and "r Revoke" not in footer

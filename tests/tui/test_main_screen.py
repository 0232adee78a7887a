"""The main screen: list, detail panel with effective access, filter, toggles, empty and error states."""

from __future__ import annotations

import pytest
from sqlalchemy import text

from store import Actor, Scope, TokenStore
from tui.app import TokensApp
from tui.widgets.detail_panel import DetailPanel
from tui.widgets.token_table import TokenTable

from tui_helpers import screen_text, settle, wait_for

HOSTILE_LABELS = (
    "[/foo]",
    "[link=https://example.org]x[/link]",
    "[$primary]x",
    "[B]bold[/B] and [red]red",
)

ALICE = Actor("alice")


@pytest.fixture
def db_path(tmp_path) -> str:  # type: ignore[no-untyped-def]
    return str(tmp_path / "tokens.db")




async def test_opens_on_api_tokens_with_the_list_newest_first(demo_db) -> None:
    app = TokensApp(db=demo_db, login="alice")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        table = app.query_one(TokenTable)
        labels = [t.label for t in table.rows]
        assert labels[0] == "Backup job – NAS"  # created most recently
        created = [t.created_at for t in table.rows]
        assert created == sorted(created, reverse=True)
        shown = screen_text(app)
        assert "API tokens" in shown
        assert "Profile" in shown
        for label in ("Backup job – NAS", "Sync script – field server", "Excel – home PC"):
            assert label in shown
        # The demo's sync script expires five days from now: the list says when.
        assert "expires in 5 days" in shown and "revoked" in shown
        assert app.focused is table


async def test_detail_panel_shows_what_a_read_only_token_can_really_do(demo_db) -> None:
    app = TokensApp(db=demo_db, login="alice")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        table = app.query_one(TokenTable)
        index = next(i for i, t in enumerate(table.rows) if t.label == "Power BI – office laptop")
        table.cursor = index
        await pilot.pause()
        panel = app.query_one(DetailPanel)
        assert panel.token is not None and panel.token.scope is Scope.READ
        shown = screen_text(app)
        assert "Read-only" in shown
        assert "What this token can do" in shown
        # The account may add and edit on Household survey; this token's scope limits it to view.
        assert "✓view ✗add ✗edit" in shown
        assert "Household survey" in shown
        assert "Staff records" not in shown  # the account has no permission there at all
        assert table.rows[index].id in shown
        assert "$argon2" not in shown


async def test_a_revoked_token_can_do_nothing_and_offers_no_revoke(demo_db) -> None:
    app = TokensApp(db=demo_db, login="alice")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        table = app.query_one(TokenTable)
        await pilot.press("G")  # the oldest token is the revoked one
        await pilot.pause()
        assert table.highlighted is not None and table.highlighted.label == "Excel – home PC"
        shown = screen_text(app)
        assert "Nothing: the token is revoked." in shown
        assert not app.query_one("#revoke-button").display
        assert app.screen.check_action("revoke_token", ()) is None


async def test_keyboard_moves_through_the_list(demo_db) -> None:
    app = TokensApp(db=demo_db, login="alice")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        table = app.query_one(TokenTable)
        await pilot.press("j", "j")
        assert table.cursor == 2
        await pilot.press("k")
        assert table.cursor == 1
        await pilot.press("G")
        assert table.cursor == len(table.rows) - 1
        await pilot.press("g")
        assert table.cursor == 0
        await pilot.press("down")
        assert app.query_one(DetailPanel).token == table.rows[1]


async def test_filter_by_label_and_clear_it_with_escape(demo_db) -> None:
    app = TokensApp(db=demo_db, login="alice")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        table = app.query_one(TokenTable)
        await pilot.press("slash")
        await pilot.press(*"power")
        await pilot.pause()
        assert [t.label for t in table.rows] == ["Power BI – office laptop"]
        await pilot.press("enter")
        assert app.focused is table
        await pilot.press("escape")
        await pilot.pause()
        assert len(table.rows) == 4


async def test_filter_with_no_match_says_so(demo_db) -> None:
    app = TokensApp(db=demo_db, login="alice")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("slash", *"zzz")
        await pilot.pause()
        assert "No token label contains “zzz”" in screen_text(app)


async def test_revoked_tokens_hide_and_show_with_v(demo_db) -> None:
    app = TokensApp(db=demo_db, login="alice")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        table = app.query_one(TokenTable)
        assert any(t.revoked_at for t in table.rows)
        await pilot.press("v")
        await pilot.pause()
        assert table.rows and not any(t.revoked_at for t in table.rows)
        await pilot.press("v")
        await pilot.pause()
        assert any(t.revoked_at for t in table.rows)


async def test_empty_list_says_how_to_add_the_first_token(db_path) -> None:
    app = TokensApp(db=db_path, login="newcomer")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        shown = screen_text(app)
        assert "No tokens yet. Press  a  to add your first token." in shown
        assert not app.query_one(TokenTable).display
        # With nothing to list, focus is on the Add token button: enter opens the add dialog.
        assert "Add token" in shown
        assert app.focused is not None and app.focused.id == "add-button"
        await pilot.press("enter")
        await wait_for(pilot, lambda: type(app.screen).__name__ == "AddTokenScreen")


async def test_unreachable_database_is_a_message_not_a_crash(tmp_path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)  # a short path, so the message fits on one line
    app = TokensApp(db="missing-dir/tokens.db", login="alice")
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        shown = screen_text(app)
        assert "Cannot open the tokens database" in shown
        assert "the directory missing-dir does not exist" in shown
        assert "ctrl+r" in shown
        assert "Add token" not in shown  # no button that could not work
        assert app.is_running
        await pilot.press("a")  # nothing to add to: no crash, no modal
        assert app.screen is app.screen_stack[0]


async def test_corrupt_database_is_a_message_not_a_crash(tmp_path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "tokens.db").write_bytes(b"this is not a database at all" * 100)
    app = TokensApp(db="tokens.db", login="alice")
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        assert "not a tokens database" in screen_text(app)
        assert app.is_running


@pytest.mark.parametrize("label", HOSTILE_LABELS)
async def test_markup_in_a_label_is_shown_literally(db_path, label) -> None:
    with TokenStore(db_path) as s:
        s.ensure_account("alice")
        s.seed_demo(ALICE)
        s.create_token(ALICE, label, "read")
    app = TokensApp(db=db_path, login="alice")
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(pilot)
        table = app.query_one(TokenTable)
        assert table.highlighted is not None and table.highlighted.label == label
        shown = screen_text(app)
        # In the list (possibly cut with an ellipsis) and, in full, in the detail panel.
        assert label in shown
        assert "\x1b" not in shown


async def test_control_characters_forced_into_the_database_never_reach_the_terminal(db_path) -> None:
    hostile = "evil\x1b]52;c;ZXZpbA==\x07\x1b[2Jlabel"
    with TokenStore(db_path) as s:
        s.ensure_account("alice")
        made = s.create_token(ALICE, "placeholder", "read")
        # Validation refuses such a label; simulate a row written by something else.
        with s._engine.begin() as connection:
            connection.execute(text("UPDATE token SET label = :label WHERE id = :id"),
                               {"label": hostile, "id": made.info.id})
    app = TokensApp(db=db_path, login="alice")
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(pilot)
        shown = screen_text(app)
        assert "\x1b" not in shown and "\x07" not in shown
        assert "evil]52;c;ZXZpbA==[2Jlabel" in shown


async def test_profile_page_lists_the_accounts_own_permissions(demo_db) -> None:
    app = TokensApp(db=demo_db, login="alice")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+p")
        await pilot.press(*"Go to Profile")
        await pilot.press("enter")
        await pilot.pause()
        shown = screen_text(app)
        assert "Your permissions" in shown
        assert "view, add, edit" in shown  # Household survey
        assert demo_db in shown


async def test_palette_shows_hostile_labels_literally_and_jumps_to_the_token(db_path) -> None:
    with TokenStore(db_path) as s:
        s.ensure_account("alice")
        for label in HOSTILE_LABELS:
            s.create_token(ALICE, label, "read")
        s.create_token(ALICE, "Zebra target", "read")
    app = TokensApp(db=db_path, login="alice")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+p")
        await pilot.press(*"oo]")  # part of "[/foo]"
        await wait_for(pilot, lambda: "Show token: [/foo]" in screen_text(app))
        for _ in range(3):
            await pilot.press("backspace")
        await pilot.press(*"rg]x")  # part of "[link=https://example.org]x[/link]"
        await wait_for(pilot, lambda: "Show token: [link=https://example.org]x[/link]" in screen_text(app))
        for _ in range(4):
            await pilot.press("backspace")
        await pilot.press(*"Zebra")
        await wait_for(pilot, lambda: "Show token: Zebra target" in screen_text(app))
        await pilot.press("enter")
        await pilot.pause()
        assert app.query_one(TokenTable).highlighted.label == "Zebra target"


async def test_usable_at_80_by_24(demo_db) -> None:
    app = TokensApp(db=demo_db, login="alice")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        shown = screen_text(app)
        assert "API tokens" in shown
        assert "Backup job" in shown
        assert "Revoke token" in shown
        footer = shown.splitlines()[-1]
        assert "a Add" in footer and "r Revoke" in footer and "? Help" in footer


async def test_a_read_only_database_is_a_clear_message_when_adding(demo_db) -> None:
    app = TokensApp(db=f"sqlite:///file:{demo_db}?mode=ro&uri=true", login="alice")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        assert len(app.query_one(TokenTable).rows) == 4  # reading works
        await pilot.press("a", *"Read-only check", "enter")
        await settle(pilot)
        messages = [n.message for n in app._notifications]
        assert any("The token was not created" in m and "read-only" in m for m in messages), messages
        assert app.is_running
    with TokenStore(demo_db) as check:
        assert "Read-only check" not in [t.label for t in check.list_tokens(ALICE)]


async def test_it_lays_out_again_on_resize(demo_db) -> None:
    app = TokensApp(db=demo_db, login="alice")
    async with app.run_test(size=(160, 40)) as pilot:
        await settle(pilot)
        panel = app.query_one(DetailPanel)
        table = app.query_one(TokenTable)
        # Wide: the panel sits beside the list.
        assert panel.region.x > table.region.right - 1
        await pilot.resize_terminal(80, 24)
        await pilot.pause()
        # Narrow: under it, and the list keeps the status column (in fewer words).
        assert panel.region.y >= table.region.bottom
        assert "5 days left" in screen_text(app) or "expires in 5 days" in screen_text(app)


async def test_the_palette_offers_at_most_fifty_tokens_for_a_query(db_path) -> None:
    from tui.commands import TOKEN_HITS, TokenCommands

    with TokenStore(db_path) as s:
        s.ensure_account("alice")
        for n in range(TOKEN_HITS + 10):
            s.create_token(ALICE, f"Script {n:03}", "read")
    app = TokensApp(db=db_path, login="alice")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        provider = TokenCommands(app.screen)
        hits = [hit async for hit in provider.search("script")]
        assert len([h for h in hits if h.text.startswith("Show token:")]) == TOKEN_HITS
        one_letter = [hit async for hit in provider.search("s")]
        assert not [h for h in one_letter if h.text.startswith("Show token:")]  # too short to list tokens


async def test_no_dialog_opens_on_top_of_another(demo_db) -> None:
    from tui.screens.add_token import AddTokenScreen
    from tui.screens.confirm_revoke import ConfirmRevokeScreen

    app = TokensApp(db=demo_db, login="alice")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("r")
        assert isinstance(app.screen, ConfirmRevokeScreen)
        await app.run_action("add_token")
        await app.run_action("revoke_token")
        await pilot.pause()
        assert [type(s) for s in app.screen_stack[1:]] == [ConfirmRevokeScreen]
        await pilot.press("escape")
        await pilot.press("a")
        assert isinstance(app.screen, AddTokenScreen)


async def test_the_profile_page_does_not_act_on_hidden_tokens(demo_db) -> None:
    from tui.screens.confirm_revoke import ConfirmRevokeScreen

    app = TokensApp(db=demo_db, login="alice")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await app.run_action("show_page('profile')")
        await pilot.pause()
        await pilot.press("r", "v")
        await pilot.pause()
        assert not isinstance(app.screen, ConfirmRevokeScreen)
        assert app.sections["tokens"].show_revoked  # v did nothing here
        assert app.focused is app.screen.query_one("#nav")


async def test_the_sidebar_moves_as_one_list_from_the_keyboard(demo_db) -> None:
    app = TokensApp(db=demo_db, login="alice")  # the database's first account: an administrator
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        nav = app.screen.query_one("#nav")

        def at() -> tuple[str | None, int | None]:
            focused = app.focused
            return (focused.id if focused else None), getattr(focused, "highlighted", None)

        nav.focus()
        await wait_for(pilot, lambda: at() == ("nav", 1))  # API tokens, the section shown
        for keys, where in [
            (["down"], ("admin-nav", 0)),  # off the end of one list, onto the next: All tokens
            (["j"], ("admin-nav", 1)),
            (["G"], ("admin-nav", 2)),  # the sidebar's last entry: Audit log
            (["down"], ("nav", 0)),  # round to Profile
            (["up"], ("admin-nav", 2)),
            (["g"], ("nav", 0)),
            (["j", "j"], ("admin-nav", 0)),
            (["k"], ("nav", 1)),
            (["end"], ("admin-nav", 2)),
            (["home"], ("nav", 0)),
        ]:
            await pilot.press(*keys)
            await wait_for(pilot, lambda where=where: at() == where)
        await pilot.press("down", "down", "enter")
        await wait_for(pilot, lambda: app.current_mode == "all")


async def test_the_sidebar_of_an_account_that_is_no_administrator_is_one_short_list(demo_db) -> None:
    app = TokensApp(db=demo_db, login="bob")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        nav = app.screen.query_one("#nav")
        nav.focus()
        await wait_for(pilot, lambda: app.focused is nav and nav.highlighted == 1)
        await pilot.press("down")  # from API tokens round to Profile: no hidden list to go into
        await wait_for(pilot, lambda: app.focused is nav and nav.highlighted == 0)
        await pilot.press("G")
        await wait_for(pilot, lambda: app.focused is nav and nav.highlighted == 1)


async def test_q_quits_from_a_section_but_is_a_letter_in_a_text_field_and_nothing_in_a_dialog(demo_db) -> None:
    from tui.screens.add_token import AddTokenScreen

    app = TokensApp(db=demo_db, login="alice")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("slash", "q")  # the filter takes it as a letter
        await pilot.pause()
        assert app.screen.query_one("#filter").value == "q"
        assert app.is_running
        await pilot.press("escape", "escape", "a")
        await wait_for(pilot, lambda: isinstance(app.screen, AddTokenScreen))
        await pilot.press("tab", "q")  # from the label to the scope choice: no quitting from a dialog
        await pilot.pause()
        assert app.is_running and isinstance(app.screen, AddTokenScreen)
        await pilot.press("escape")
        await wait_for(pilot, lambda: not isinstance(app.screen, AddTokenScreen))
        await pilot.press("q")
        await wait_for(pilot, lambda: not app.is_running)

"""A change made elsewhere shows in every open app within seconds, on SQLite and on PostgreSQL,
without the list being read again while nothing changes."""

from __future__ import annotations

import pytest

from store import Actor, TokenStore
from tui.app import TokensApp
from tui.widgets.token_table import TokenTable

from tui_helpers import settle, wait_for

ALICE = Actor("alice")
BOB = Actor("bob")


@pytest.fixture(params=["sqlite", "postgresql"])
def shared_db(request) -> str:  # type: ignore[no-untyped-def]
    url = request.getfixturevalue("sqlite_url" if request.param == "sqlite" else "postgres_url")
    with TokenStore(url) as s:
        s.ensure_account("alice")
        s.add_account(ALICE, "bob")
        s.create_token(BOB, "Bob laptop", "read")
    return url


def labels(app: TokensApp, table_id: str) -> set[str]:
    section = app.sections.get(app.current_mode)
    tables = section.query(table_id).results(TokenTable) if section is not None else []
    return {t.label for table in tables for t in table.rows}  # nothing until the section is shown


async def test_two_open_apps_see_each_others_changes(shared_db) -> None:
    """Bob adds a token in his app; the administrator's All tokens shows it; she revokes it;
    Bob's list shows it revoked."""
    admin = TokensApp(db=shared_db, login="alice")
    bob = TokensApp(db=shared_db, login="bob")
    async with admin.run_test(size=(120, 40)) as admin_pilot, bob.run_test(size=(120, 40)) as bob_pilot:
        await settle(admin_pilot)
        await settle(bob_pilot)
        # Through the app's own queue: a screen made from this test's task would belong to the
        # app whose run_test was entered last (Textual keeps the running app in a context variable).
        admin.call_later(admin.action_show_page, "all")
        await wait_for(admin_pilot, lambda: labels(admin, "#all-table") == {"Bob laptop"})
        reads = admin.sections["all"].reads

        await bob_pilot.press("a")
        await wait_for(bob_pilot, lambda: type(bob.screen).__name__ == "AddTokenScreen")
        await bob_pilot.press(*"Made by Bob", "enter")
        await wait_for(bob_pilot, lambda: "Made by Bob" in labels(bob, "#token-table"))
        await wait_for(admin_pilot, lambda: "Made by Bob" in labels(admin, "#all-table"))
        assert admin.sections["all"].reads > reads

        table = admin.sections["all"].query_one("#all-table", TokenTable)
        table.cursor = next(i for i, t in enumerate(table.rows) if t.label == "Made by Bob")
        await admin_pilot.press("r", "y")
        await wait_for(
            bob_pilot,
            lambda: any(t.label == "Made by Bob" and t.revoked_at for t in bob.sections["tokens"].tokens),
        )


async def test_a_second_store_writing_shows_in_the_open_app(shared_db) -> None:
    app = TokensApp(db=shared_db, login="bob")
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        with TokenStore(shared_db) as other:
            other.create_token(BOB, "From the command line", "read")
        await wait_for(pilot, lambda: "From the command line" in labels(app, "#token-table"))


async def test_nothing_is_read_again_while_nothing_changes(shared_db) -> None:
    app = TokensApp(db=shared_db, login="bob")
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        screen = app.sections["tokens"]
        reads = screen.reads
        polls = app.polls
        await wait_for(pilot, lambda: app.polls >= polls + 3)  # three looks at the change marker
        await settle(pilot)
        assert screen.reads == reads


async def test_a_change_seen_while_the_app_is_taken_down_is_ignored(sqlite_url) -> None:
    """The change poll's answer can arrive after quitting began, when a section's widgets are
    already gone: it must be dropped, not end the app with an error."""
    from tui.messages import DataChanged
    from tui.widgets.sidebar import Sidebar

    with TokenStore(sqlite_url) as db:
        db.ensure_account("alice")
    app = TokensApp(db=sqlite_url, login="alice")
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        section = app.screen
        await section.query_one(Sidebar).remove()  # as when the screen is taken down
        reads = section.reads
        app.post_message(DataChanged(app.is_admin))
        await pilot.pause()
        await pilot.pause()
        assert app.is_running
        assert section.reads == reads  # nothing is read for a screen on its way out

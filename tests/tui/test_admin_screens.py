"""The administrators' screens: All tokens, Check a token, Accounts, Audit log — and that none of
it is reachable for anyone else."""

from __future__ import annotations

from datetime import timedelta

import pytest

from store import Actor, TokenStatus, TokenStore
from tui.app import TokensApp
from tui.screens.accounts import AccountsScreen
from tui.screens.all_tokens import AllTokensScreen, TokenFilter
from tui.screens.audit_log import AuditLogScreen
from tui.screens.bulk_revoke import BulkRevokeScreen
from tui.screens.check_token import CheckTokenScreen
from tui.screens.confirm_revoke import ConfirmRevokeScreen
from tui.screens.my_tokens import MyTokensScreen
from tui.widgets.token_table import TokenTable

from tui_helpers import open_section, screen_text, settle, wait_for

ALICE = Actor("alice")  # the first account: an administrator
BOB = Actor("bob")


@pytest.fixture
def db_path(tmp_path) -> str:  # type: ignore[no-untyped-def]
    path = str(tmp_path / "tokens.db")
    with TokenStore(path) as s:
        s.ensure_account("alice")
        s.seed_demo(ALICE)
        s.add_account(ALICE, "bob")
        for label in ("Bob laptop", "Bob script", "Bob [b]bold[/b]"):
            s.create_token(BOB, label, "read")
    return path


def all_table(app: TokensApp) -> TokenTable:
    return app.screen.query_one("#all-table", TokenTable)


# ---------------------------------------------------------------------------------------- All tokens


async def test_all_tokens_lists_every_accounts_tokens_with_the_account(db_path) -> None:
    app = TokensApp(db=db_path, login="alice")
    async with app.run_test(size=(120, 40)) as pilot:
        await open_section(pilot, "all")
        assert isinstance(app.screen, AllTokensScreen)
        rows = all_table(app).rows
        assert {t.account for t in rows} == {"alice", "bob"}
        assert len(rows) == 7
        shown = screen_text(app)
        assert "Account" in shown and "bob" in shown
        assert "Bob [b]bold[/b]" in shown  # a label is text, never markup


async def test_all_tokens_filters_by_account_and_label(db_path) -> None:
    app = TokensApp(db=db_path, login="alice")
    async with app.run_test(size=(120, 40)) as pilot:
        await open_section(pilot, "all")
        await pilot.press("slash", *"bob", "enter")
        await wait_for(pilot, lambda: {t.account for t in all_table(app).rows} == {"bob"})
        assert len(all_table(app).rows) == 3
        app.screen.query_one("#filter-label").value = "SCRIPT"
        await wait_for(pilot, lambda: [t.label for t in all_table(app).rows] == ["Bob script"])
        await pilot.press("escape")
        await wait_for(pilot, lambda: len(all_table(app).rows) == 7)


async def test_all_tokens_filters_by_status_unused_and_expiry(db_path) -> None:
    app = TokensApp(db=db_path, login="alice")
    async with app.run_test(size=(120, 40)) as pilot:
        await open_section(pilot, "all")
        screen = app.screen
        screen.query_one("#filter-status").value = TokenStatus.REVOKED.value
        await wait_for(pilot, lambda: [t.label for t in all_table(app).rows] == ["Excel – home PC"])
        screen.query_one("#filter-status").value = ""
        # The demo's "Sync script" expires within 14 days; nothing else expires that soon.
        screen.query_one("#filter-expires").value = "14"
        await wait_for(pilot, lambda: [t.label for t in all_table(app).rows] == ["Sync script – field server"])
        screen.query_one("#filter-expires").value = ""
        # Unused for 20 days: bob's new tokens are not; the demo's older idle tokens are.
        screen.query_one("#filter-unused").value = "20"
        await wait_for(pilot, lambda: screen.filters == TokenFilter(unused_days=20))
        await settle(pilot)
        assert all_table(app).rows and all(t.account == "alice" for t in all_table(app).rows)
        now = app.now()
        for token in all_table(app).rows:
            assert (token.last_used_at or token.created_at) <= now - timedelta(days=20)


async def test_an_administrator_revokes_another_accounts_token_behind_the_confirmation(db_path) -> None:
    app = TokensApp(db=db_path, login="alice")
    async with app.run_test(size=(120, 40)) as pilot:
        await open_section(pilot, "all")
        await pilot.press("slash", *"bob", "enter")
        await wait_for(pilot, lambda: {t.account for t in all_table(app).rows} == {"bob"})
        target = all_table(app).highlighted
        await pilot.press("r")
        assert isinstance(app.screen, ConfirmRevokeScreen)
        await pilot.press("y")
        await wait_for(pilot, lambda: next(t for t in all_table(app).rows if t.id == target.id).revoked_at is not None)
    with TokenStore(db_path) as check:
        assert check.get_token(ALICE, target.id).revoked_at is not None
        events = check.audit_events(ALICE, token_id=target.id)
        assert events[0].action == "token.revoke" and events[0].actor == "alice" and events[0].account == "bob"


async def test_bulk_revoke_lists_exactly_what_it_revokes_then_revokes_it(db_path) -> None:
    app = TokensApp(db=db_path, login="alice")
    async with app.run_test(size=(120, 40)) as pilot:
        await open_section(pilot, "all")
        await pilot.press("slash", *"bob", "enter")
        await wait_for(pilot, lambda: len(all_table(app).rows) == 3)
        table = all_table(app)
        await pilot.press("b")
        await wait_for(pilot, lambda: isinstance(app.screen, BulkRevokeScreen))
        preview = {t.id for t in app.screen.tokens}
        assert preview == {t.id for t in table.rows}
        assert "Revoke 3 tokens" in screen_text(app)
        await pilot.press("y")
        await wait_for(pilot, lambda: all(t.revoked_at is not None for t in table.rows if t.id in preview))
    with TokenStore(db_path) as check:
        revoked = {t.id for t in check.list_tokens(ALICE, account="bob", include_revoked=True) if t.revoked_at}
        assert revoked == preview
        events = [e for e in check.audit_events(ALICE, account="bob") if e.action == "token.revoke"]
        assert sorted(e.token_id for e in events) == sorted(preview)  # one event per token
        assert {e.actor for e in events} == {"alice"}


async def test_bulk_revoke_cancelled_revokes_nothing_and_needs_a_filter(db_path) -> None:
    app = TokensApp(db=db_path, login="alice")
    async with app.run_test(size=(120, 40)) as pilot:
        await open_section(pilot, "all")
        await pilot.press("b")  # no filter: nothing happens but a hint
        await settle(pilot)
        assert not isinstance(app.screen, BulkRevokeScreen)
        await pilot.press("slash", *"bob", "enter")
        await wait_for(pilot, lambda: len(all_table(app).rows) == 3)
        await pilot.press("b")
        await wait_for(pilot, lambda: isinstance(app.screen, BulkRevokeScreen))
        await pilot.press("enter")  # the focused default is Cancel
        await settle(pilot)
        assert not isinstance(app.screen, BulkRevokeScreen)
    with TokenStore(db_path) as check:
        assert all(t.revoked_at is None for t in check.list_tokens(BOB))


# ---------------------------------------------------------------------------------------- Check a token


async def test_check_a_token_names_its_owner_never_shows_the_secret_and_offers_to_revoke(tmp_path) -> None:
    path = str(tmp_path / "tokens.db")
    with TokenStore(path) as s:
        s.ensure_account("alice")
        s.add_account(ALICE, "bob")
        leaked = s.create_token(BOB, "CI pipeline", "read_write")
    secret = leaked.secret
    app = TokensApp(db=path, login="alice")
    async with app.run_test(size=(120, 40)) as pilot:
        await open_section(pilot, "all")
        await pilot.press("c")
        assert isinstance(app.screen, CheckTokenScreen)
        await pilot.press(*secret)
        assert secret not in screen_text(app)  # masked while typed
        await pilot.press("enter")
        await wait_for(pilot, lambda: app.screen.found is not None)
        shown = screen_text(app)
        assert "bob" in shown and "CI pipeline" in shown and leaked.info.id in shown
        assert "Read & Write" in shown and "Active" in shown
        assert secret not in shown and secret[16:48] not in shown
        assert app.screen.query_one("#check-input").value == ""
        await pilot.press("ctrl+x")
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmRevokeScreen))
        await pilot.press("y")
        await settle(pilot)
        assert any("CI pipeline" in n.message for n in app._notifications)
    with TokenStore(path) as check:
        assert check.get_token(ALICE, leaked.info.id).revoked_at is not None


async def test_checking_a_token_never_names_it_in_the_log_of_workers(tmp_path) -> None:
    """Textual logs each worker by its description, which it makes from the arguments unless told."""
    import threading

    path = str(tmp_path / "tokens.db")
    with TokenStore(path) as s:
        s.ensure_account("alice")
        secret = s.create_token(ALICE, "Found in a log", "read").secret
    app = TokensApp(db=path, login="alice")
    async with app.run_test(size=(120, 40)) as pilot:
        await open_section(pilot, "all")
        await pilot.press("c")
        release = threading.Event()
        real_lookup = app.store.lookup

        def slow_lookup(*args, **kwargs):  # type: ignore[no-untyped-def]
            release.wait(30)
            return real_lookup(*args, **kwargs)

        app.store.lookup = slow_lookup  # type: ignore[method-assign]
        try:
            await pilot.press(*secret, "enter")
            await wait_for(pilot, lambda: any(w.group == "lookup" for w in app.workers))
            described = " ".join(f"{w.description} {w!r}" for w in app.workers)
            assert secret not in described and secret[16:48] not in described
        finally:
            release.set()
        await wait_for(pilot, lambda: app.screen.found is not None)


@pytest.mark.parametrize(
    ("text", "expected"),
    [("not a token", "That is not a token"), ("tkn_" + "A" * 50, "That is not a token")],
)
async def test_check_a_malformed_token_says_so(db_path, text, expected) -> None:
    app = TokensApp(db=db_path, login="alice")
    async with app.run_test(size=(120, 40)) as pilot:
        await open_section(pilot, "all")
        await pilot.press("c", *text, "enter")
        await wait_for(pilot, lambda: expected in screen_text(app))
        assert not app.screen.has_class("-revocable")


async def test_check_an_unknown_token_says_not_found(db_path, tmp_path) -> None:
    with TokenStore(str(tmp_path / "elsewhere.db")) as other:
        other.ensure_account("alice")
        foreign = other.create_token(ALICE, "Another database", "read").secret
    app = TokensApp(db=db_path, login="alice")
    async with app.run_test(size=(120, 40)) as pilot:
        await open_section(pilot, "all")
        await pilot.press("c", *foreign, "enter")
        await wait_for(pilot, lambda: "No such token" in screen_text(app))


# ---------------------------------------------------------------------------------------- Accounts


def accounts_names(app: TokensApp) -> list[str]:
    return [a.name for a in app.screen.accounts]


async def test_add_an_account_from_the_keyboard(db_path) -> None:
    app = TokensApp(db=db_path, login="alice")
    async with app.run_test(size=(120, 40)) as pilot:
        await open_section(pilot, "accounts")
        assert isinstance(app.screen, AccountsScreen)
        assert accounts_names(app) == ["alice", "bob"]
        await pilot.press("a", *"carol", "enter")
        await wait_for(pilot, lambda: "carol" in accounts_names(app))
        await pilot.press("a", *"two words", "enter")  # refused by the name rules, in the dialog
        await settle(pilot)
        assert "may not contain spaces" in screen_text(app)
        await pilot.press("escape")
        await pilot.press("a", *"[red]x", "enter")  # a name is text, never markup
        await wait_for(pilot, lambda: "[red]x" in accounts_names(app))
        assert "[red]x" in screen_text(app)
    with TokenStore(db_path) as check:
        assert check.has_account("carol")
        assert check.audit_events(ALICE)[0].action == "account.add"


async def test_disable_enable_and_make_administrator(db_path) -> None:
    app = TokensApp(db=db_path, login="alice")
    async with app.run_test(size=(120, 40)) as pilot:
        await open_section(pilot, "accounts")
        await pilot.press("j")  # bob
        await pilot.press("d")
        await wait_for(pilot, lambda: app.screen.accounts[1].disabled)
        await pilot.press("d")
        await wait_for(pilot, lambda: not app.screen.accounts[1].disabled)
        await pilot.press("m")
        await wait_for(pilot, lambda: app.screen.accounts[1].is_admin)
        assert "administrator" in screen_text(app)


async def test_the_last_administrator_is_refused_clearly(db_path) -> None:
    app = TokensApp(db=db_path, login="alice")
    async with app.run_test(size=(120, 40)) as pilot:
        await open_section(pilot, "accounts")
        await pilot.press("m")  # alice, the only administrator
        await settle(pilot)
        assert any("last administrator" in n.message for n in app._notifications)
        assert app.screen.accounts[0].is_admin
        assert app.is_admin


async def test_grants_are_shown_and_editable(db_path) -> None:
    app = TokensApp(db=db_path, login="alice")
    async with app.run_test(size=(120, 40)) as pilot:
        await open_section(pilot, "accounts")
        await wait_for(pilot, lambda: "Household survey" in screen_text(app))  # alice's grants
        await pilot.press("j")  # bob: none yet
        await wait_for(pilot, lambda: "No permission on any form." in screen_text(app))
        await pilot.press("e")
        await settle(pilot)
        screen = app.screen
        screen.query_one("#grant-new-form").value = "Field Operations/Distributions"
        for box in screen.query("#grant-new Checkbox"):
            box.value = box.name in ("view", "add")
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: "Distributions" in screen_text(app) and "view, add" in screen_text(app))
    with TokenStore(db_path) as check:
        access = check.account_access(ALICE, account="bob")
        assert [(a.form, sorted(x.value for x in a.granted)) for a in access] == [("Distributions", ["add", "view"])]


async def test_a_form_without_a_grant_is_picked_from_the_list_by_keyboard(db_path) -> None:
    from textual.widgets import Checkbox, Select

    app = TokensApp(db=db_path, login="alice")
    async with app.run_test(size=(120, 40)) as pilot:
        await open_section(pilot, "accounts")
        await wait_for(pilot, lambda: "Household survey" in screen_text(app))
        await pilot.press("j")  # bob: no grant yet
        await wait_for(pilot, lambda: "No permission on any form." in screen_text(app))
        await pilot.press("e")
        await wait_for(pilot, lambda: app.screen.query("#grant-new-pick"))
        screen = app.screen
        pick = screen.query_one("#grant-new-pick", Select)
        offered = [name for _, name in screen.offered]
        # By database and form; bob holds no grant, so every form is offered.
        assert offered[:2] == ["Field Operations/Distributions", "Field Operations/Household survey"]
        for _ in range(10):
            if pick.has_focus:
                break
            await pilot.press("tab")
        assert pick.has_focus
        await pilot.press("enter")  # open the list, on its blank first line
        await wait_for(pilot, lambda: pick.expanded)
        await pilot.press("down", "enter")  # the first form
        await wait_for(pilot, lambda: pick.value != Select.NULL and not pick.expanded)
        assert screen.offered[[form_id for form_id, _ in screen.offered].index(pick.value)][1] == "Field Operations/Distributions"
        await pilot.press("tab")  # the "view" box of the new row
        assert isinstance(app.focused, Checkbox) and app.focused.name == "view"
        await pilot.press("space")
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: "Distributions" in screen_text(app) and "view" in screen_text(app))
    with TokenStore(db_path) as check:
        access = check.account_access(ALICE, account="bob")
        assert [(a.form, sorted(x.value for x in a.granted)) for a in access] == [("Distributions", ["view"])]


# ---------------------------------------------------------------------------------------- Audit log


async def test_audit_log_is_newest_first_filterable_and_follows_new_events(db_path) -> None:
    app = TokensApp(db=db_path, login="alice")
    async with app.run_test(size=(140, 40)) as pilot:
        await open_section(pilot, "audit")
        assert isinstance(app.screen, AuditLogScreen)
        events = app.screen.events
        assert [e.at for e in events] == sorted((e.at for e in events), reverse=True)
        with TokenStore(db_path) as other:
            made = other.create_token(BOB, "Made while watching", "read")
        await wait_for(pilot, lambda: app.screen.visible_events()[0].token_id == made.info.id)
        assert "Made while watching" in screen_text(app)
        app.screen.query_one("#audit-action").value = "revoke"
        await wait_for(pilot, lambda: all("revoke" in e.action for e in app.screen.visible_events()))
        app.screen.query_one("#audit-action").value = ""
        app.screen.query_one("#audit-account").value = "bob"
        await wait_for(pilot, lambda: app.screen.events and all(e.account == "bob" for e in app.screen.events))


# ---------------------------------------------------------------------------------------- not for others


# Keys of the administrators' screens ("e", edit grants in Accounts, is also My tokens' own Edit).
ADMIN_KEYS = ("b", "c", "d", "m")


async def test_a_non_administrator_sees_and_reaches_none_of_it(db_path) -> None:
    from tui.commands import TokenCommands

    app = TokensApp(db=db_path, login="bob")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        assert not app.is_admin
        shown = screen_text(app)
        for word in ("Administration", "All tokens", "Accounts", "Audit log", "Check a token"):
            assert word not in shown
        for key in ADMIN_KEYS:
            await pilot.press(key)
            await settle(pilot)
            assert isinstance(app.screen, MyTokensScreen), key
        for section in ("all", "accounts", "audit"):
            await app.run_action(f"show_page('{section}')")
            await settle(pilot)
            assert app.current_mode == "tokens"
            assert app.check_action("show_page", (section,)) is False
        await app.run_action("check_token")
        await settle(pilot)
        assert not isinstance(app.screen, CheckTokenScreen)
        provider = TokenCommands(app.screen)
        titles = [hit.text async for hit in provider.discover()]
        for query in ("all tokens", "accounts", "audit", "check a token"):
            titles += [hit.text async for hit in provider.search(query)]
        assert not any(t and ("All tokens" in t or "Accounts" in t or "Audit" in t or "Check a token" in t) for t in titles)
        # and the sidebar holds no administrators' entry to tab to
        assert not [widget for widget in app.screen.focus_chain if widget.id == "admin-nav"]
        assert {t.account for t in app.screen.tokens} == {"bob"}


async def test_the_palette_offers_an_administrator_the_sections(db_path) -> None:
    from tui.commands import TokenCommands

    app = TokensApp(db=db_path, login="alice")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        provider = TokenCommands(app.screen)
        titles = [hit.text async for hit in provider.discover()]
        assert "Go to All tokens" in titles and "Check a token" in titles
        assert "Administration" in screen_text(app)


async def test_paging_through_all_tokens_while_they_change_shows_each_token_once(tmp_path) -> None:
    """The next page is asked for once however often the cursor moves near the end, and a next
    page that arrives after the rows were read again (a token was made elsewhere meanwhile) is
    dropped rather than joined to rows it does not follow on from."""
    import threading
    from datetime import UTC, datetime

    from store import TokenSeed
    from tui.screens.all_tokens import PAGE

    path = str(tmp_path / "tokens.db")
    start = datetime(2026, 1, 1, tzinfo=UTC)
    with TokenStore(path) as s:
        s.ensure_account("alice")
        s.seed_tokens(ALICE, [TokenSeed(f"token {i:03}", "read", start + timedelta(hours=i)) for i in range(PAGE + 60)])
    app = TokensApp(db=path, login="alice")
    async with app.run_test(size=(120, 40)) as pilot:
        await open_section(pilot, "all")
        assert app.store is not None
        read = app.store.list_all_tokens
        first_page, next_page = threading.Event(), threading.Event()
        asked: list[str | None] = []

        def held(*args, **kwargs):  # type: ignore[no-untyped-def]
            asked.append(kwargs.get("after"))
            (first_page if kwargs.get("after") is None else next_page).wait(30)
            return read(*args, **kwargs)

        app.store.list_all_tokens = held  # type: ignore[method-assign]
        # A token made elsewhere, and the rows read again (held on its way)...
        with TokenStore(path) as other:
            other.create_token(ALICE, "made meanwhile", "read")
        await pilot.press("ctrl+r")
        await wait_for(pilot, lambda: asked == [None])
        # ...while the administrator goes to the end of the rows shown: the next page is asked for
        # once, however the cursor moves near the end meanwhile.
        screen = app.screen
        more, asks = screen.read_more, []  # type: ignore[attr-defined]

        def counted(*args):  # type: ignore[no-untyped-def]
            asks.append(args)  # on the app's loop, as the cursor moves: counted at once
            return more(*args)

        screen.read_more = counted  # type: ignore[attr-defined]
        table = all_table(app)
        table.focus()
        await pilot.press("G")
        await wait_for(pilot, lambda: len(asked) == 2)
        last = table.cursor
        await pilot.press("k", "k", "j", "k")
        await wait_for(pilot, lambda: table.cursor == last - 2)
        assert len(asks) == 1 and len(asked) == 2
        await pilot.press("g")  # back to the top: nothing new is asked for when the rows arrive
        first_page.set()
        await wait_for(pilot, lambda: all_table(app).rows[0].label == "made meanwhile")
        next_page.set()  # it followed the rows as they were: dropped
        await settle(pilot)
        all_table(app).focus()
        await pilot.press("G")
        await wait_for(pilot, lambda: app.screen.next_cursor is None)  # type: ignore[attr-defined]
        labels = [t.label for t in all_table(app).rows]
        assert len(labels) == len(set(labels)) == PAGE + 61


async def test_the_facts_under_a_list_keep_their_scroll_when_the_section_is_read_again(db_path) -> None:
    """A change anywhere reads the section again; the facts the administrator scrolled through
    stay where they were as long as they say the same."""
    from tui.widgets.facts import Facts

    app = TokensApp(db=db_path, login="alice")
    async with app.run_test(size=(50, 14)) as pilot:
        await open_section(pilot, "accounts")
        facts = app.screen.query_one("#accounts-grants", Facts)
        await wait_for(pilot, lambda: facts.max_scroll_y > 0)  # longer than its room at 50×14
        facts.focus()
        await pilot.press("end")
        await wait_for(pilot, lambda: facts.scroll_y == facts.max_scroll_y)
        scrolled = facts.scroll_y
        reads = app.screen.reads  # type: ignore[attr-defined]
        await pilot.press("ctrl+r")
        await wait_for(pilot, lambda: app.screen.reads > reads)  # type: ignore[attr-defined]
        await settle(pilot)
        assert facts.scroll_y == scrolled > 0


async def test_grants_cannot_be_edited_before_they_are_read(db_path) -> None:
    """The editor starts from the account's grants: opened before they are known, it would start
    from none, and saving it would take them all away."""
    import threading

    from tui.screens.edit_grants import EditGrantsScreen

    app = TokensApp(db=db_path, login="alice")
    async with app.run_test(size=(120, 40)) as pilot:
        await open_section(pilot, "accounts")
        assert app.store is not None
        read, release = app.store.account_access, threading.Event()

        def held(*args, **kwargs):  # type: ignore[no-untyped-def]
            release.wait(30)
            return read(*args, **kwargs)

        app.store.account_access = held  # type: ignore[method-assign]
        await pilot.press("j")  # bob, whose grants are not read yet
        await wait_for(pilot, lambda: "Reading its grants…" in screen_text(app))
        await pilot.press("e")
        await pilot.pause()
        assert not isinstance(app.screen, EditGrantsScreen)
        release.set()
        await wait_for(pilot, lambda: "No permission on any form." in screen_text(app))
        await pilot.press("e")
        await wait_for(pilot, lambda: isinstance(app.screen, EditGrantsScreen))

"""Small terminals: the list stays and the detail panel folds away first, long values wrap at
word boundaries, the title keeps the database's file name, and below the smallest size the app
can draw it says how large the terminal must be."""

from __future__ import annotations

import pytest

from store import Actor, Scope, TokenStore
from tui.app import TokensApp
from tui.screens.too_small import MIN_HEIGHT, MIN_WIDTH, TooSmallScreen
from tui.widgets.detail_panel import DetailPanel, describe_token
from tui.widgets.token_table import TokenTable

from tui_helpers import open_section, region_text, screen_text, settle, wait_for

LABELS = ("Backup job – NAS", "Sync script – field server", "Power BI – office laptop", "Excel – home PC")

ALICE = Actor("alice")


async def test_at_50_by_14_the_list_stays_and_the_details_open_on_enter(demo_db) -> None:
    app = TokensApp(db=demo_db, login="alice")
    async with app.run_test(size=(50, 14)) as pilot:
        await settle(pilot)
        table = app.query_one(TokenTable)
        panel = app.query_one(DetailPanel)
        text = screen_text(app)
        for label in ("Backup job – NAS", "Excel – home PC"):
            assert label in text
        assert table.region.height >= 5
        assert panel.region.height == 0, "the detail panel folds away first"
        await pilot.press("enter")
        await wait_for(pilot, lambda: panel.region.height > 5)
        text = screen_text(app)
        assert "ID" in text and "Scope" in text and "Revoke token" in text
        await pilot.press("escape")
        await wait_for(pilot, lambda: app.focused is table and panel.region.height == 0)
        assert "Excel – home PC" in screen_text(app)


async def test_at_60_by_20_the_list_and_the_details_share_the_screen(demo_db) -> None:
    app = TokensApp(db=demo_db, login="alice")
    async with app.run_test(size=(60, 20)) as pilot:
        await settle(pilot)
        text = screen_text(app)
        for label in LABELS:
            assert label in text
        assert app.query_one(DetailPanel).region.height >= 6
        assert "ID        " in text


async def test_the_revoking_account_stays_next_to_its_by(tmp_path, monkeypatch) -> None:
    path = str(tmp_path / "tokens.db")
    account = "an-administrator-long-name"
    monkeypatch.setenv("LOGNAME", account)  # the person at the keyboard is that account
    with TokenStore(path) as s:
        s.ensure_account(account)
        made = s.create_token(Actor(account), "Old laptop", Scope.READ)
        s.revoke(Actor(account), made.info.id)
    app = TokensApp(db=path, login=account)
    async with app.run_test(size=(60, 20)) as pilot:
        await settle(pilot)
        app.query_one(DetailPanel).scroll_end(animate=False)
        await pilot.pause()
        lines = screen_text(app).splitlines()
        assert any(f"by {account}" in line for line in lines), "\n".join(lines)
        assert not any(line.strip(" │") == account for line in lines)


def test_the_revoked_line_puts_by_and_the_name_together_under_the_date() -> None:
    from datetime import UTC, datetime

    from store import TokenInfo

    moment = datetime(2026, 11, 29, 0, 58, tzinfo=UTC)
    token = TokenInfo(
        id="ABCDEFGHIJKL", account="alice", label="x", scope=Scope.READ, created_at=moment,
        expires_at=None, last_used_at=None, revoked_at=moment, revoked_by="bob",
    )
    lines = describe_token(token, moment).plain.splitlines()
    at = next(i for i, line in enumerate(lines) if line.startswith("Revoked"))
    assert lines[at + 1].strip() == "by bob"


async def test_the_title_keeps_the_database_file_name(tmp_path) -> None:
    folder = tmp_path / "a-rather-long-folder-name" / "and-another-one" / "tokens"
    folder.mkdir(parents=True)
    path = folder / "tokens.db"
    with TokenStore(str(path)) as s:
        s.ensure_account("alice")
    app = TokensApp(db=str(path), login="alice")
    async with app.run_test(size=(60, 20)) as pilot:
        await settle(pilot)
        header = screen_text(app).splitlines()[0]
        assert "tokens.db" in header and "…" in header, header
        await pilot.resize_terminal(200, 30)
        await wait_for(pilot, lambda: str(path) in screen_text(app).splitlines()[0])


@pytest.mark.parametrize("size", [(MIN_WIDTH - 1, 24), (80, MIN_HEIGHT - 1), (20, 5)])
async def test_below_the_smallest_size_it_says_how_large_the_terminal_must_be(demo_db, size) -> None:  # type: ignore[no-untyped-def]
    app = TokensApp(db=demo_db, login="alice")
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        await wait_for(pilot, lambda: isinstance(app.screen, TooSmallScreen))
        text = " ".join(screen_text(app).split())
        assert f"{size[0]}×{size[1]}" in text and f"at least {MIN_WIDTH}×{MIN_HEIGHT}" in text
        await pilot.resize_terminal(80, 24)
        await wait_for(pilot, lambda: not isinstance(app.screen, TooSmallScreen))
        assert "Backup job – NAS" in screen_text(app)


async def test_at_the_smallest_size_the_list_is_drawn(demo_db) -> None:
    app = TokensApp(db=demo_db, login="alice")
    async with app.run_test(size=(MIN_WIDTH, MIN_HEIGHT)) as pilot:
        await settle(pilot)
        assert not isinstance(app.screen, TooSmallScreen)
        assert "Backup job – NAS" in screen_text(app)


async def test_a_dialog_opened_while_too_small_is_back_when_large_enough(demo_db) -> None:
    from tui.screens.add_token import AddTokenScreen

    app = TokensApp(db=demo_db, login="alice")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("a")
        await wait_for(pilot, lambda: isinstance(app.screen, AddTokenScreen))
        await pilot.resize_terminal(30, 10)
        await wait_for(pilot, lambda: isinstance(app.screen, TooSmallScreen))
        await pilot.press("a")  # keys do not reach what is hidden
        await pilot.resize_terminal(80, 24)
        await wait_for(pilot, lambda: isinstance(app.screen, AddTokenScreen))
        assert app.screen.query_one("#label").value == ""


async def test_the_list_beneath_a_dialog_is_laid_out_for_the_new_size(demo_db) -> None:
    from tui.screens.add_token import AddTokenScreen

    app = TokensApp(db=demo_db, login="alice")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("a")
        await wait_for(pilot, lambda: isinstance(app.screen, AddTokenScreen))
        await pilot.resize_terminal(50, 14)
        await pilot.pause()
        await pilot.press("escape")
        await wait_for(pilot, lambda: app.screen is app.screen_stack[0])
        await pilot.pause()
        assert app.query_one(DetailPanel).region.height == 0, "folded, as at 50x14"
        assert "Excel – home PC" in screen_text(app)


def _footer_keys(app: TokensApp) -> list[str]:
    """What the footer should show for the screen on top: "key description" of every shown binding."""
    shown: dict[str, str] = {}
    for _, binding, _, _ in app.screen.active_bindings.values():
        if binding.show:
            shown.setdefault(binding.action, f"{app.get_key_display(binding)} {binding.description}")
    return [*shown.values()]


@pytest.mark.parametrize("size", [(60, 20), (50, 14)])
async def test_every_footer_key_is_on_screen_in_every_section_and_dialog(demo_db, size) -> None:  # type: ignore[no-untyped-def]
    from tui.screens.add_token import AddTokenScreen
    from tui.screens.help import HelpScreen

    app = TokensApp(db=demo_db, login="alice")  # the database's first account: an administrator
    async with app.run_test(size=size) as pilot:
        for section in ("all", "accounts", "audit", "tokens"):
            await open_section(pilot, section)
            keys = _footer_keys(app)
            assert "? Help" in keys and len(keys) >= 2
            text = screen_text(app)
            missing = [key for key in keys if key not in text]
            assert not missing, f"{section}: {missing} cut off\n{text}"
        for key, dialog in (("a", AddTokenScreen), ("question_mark", HelpScreen)):
            await pilot.press(key)
            await wait_for(pilot, lambda: isinstance(app.screen, dialog))
            await settle(pilot)
            text = screen_text(app)
            keys = _footer_keys(app)
            assert len(keys) >= 2, f"{dialog.__name__} shows no keys"
            missing = [key for key in keys if key not in text]
            assert not missing, f"{dialog.__name__}: {missing} cut off\n{text}"
            await pilot.press("escape")
            await wait_for(pilot, lambda: not isinstance(app.screen, dialog))


LONG_NAME = "maria.gonzalez-fernandez"


@pytest.fixture
def admin_db(tmp_path) -> str:  # type: ignore[no-untyped-def]
    path = str(tmp_path / "admin.db")
    with TokenStore(path) as s:
        s.ensure_account("alice")  # the first account: an administrator
        s.seed_demo(ALICE)
        s.add_account(ALICE, LONG_NAME)
        s.create_token(Actor(LONG_NAME), "Nightly export – warehouse reporting server", Scope.READ)
    return path


@pytest.mark.parametrize("size", [(60, 20), (80, 24), (120, 40)])
@pytest.mark.parametrize(("section", "table_id", "facts_id", "headers"), [
    ("accounts", "#accounts-table", "#accounts-grants", ("Account", "Role", "State")),
    ("audit", "#audit-table", "#audit-detail", ("Time", "Action")),
])
async def test_the_block_under_a_table_shows_every_field_of_the_highlighted_row_without_scrolling_sideways(
        admin_db, size, section, table_id, facts_id, headers) -> None:  # type: ignore[no-untyped-def]
    from textual.widgets import DataTable

    from tui import format as fmt

    app = TokensApp(db=admin_db, login="alice")
    async with app.run_test(size=size) as pilot:
        await open_section(pilot, section)
        table = app.screen.query_one(table_id, DataTable)
        assert table.max_scroll_x == 0, "no column is reached only by scrolling sideways"
        if section == "accounts":
            names = [account.name for account in app.screen.accounts]
            table.move_cursor(row=names.index(LONG_NAME))
            account = app.screen.accounts[names.index(LONG_NAME)]
            facts = [LONG_NAME, "user", "enabled", "1 active token", fmt.day(account.created_at)]
        else:
            event = app.screen.events[0]  # the newest: the long-named account's token
            assert event.token_id and event.account == LONG_NAME
            facts = [fmt.when(event.at), event.actor, event.action, LONG_NAME, event.token_id,
                     "Nightly export – warehouse reporting server"]
        await settle(pilot)
        text = screen_text(app)
        assert all(header in text for header in headers)
        # In the block under the table, not merely somewhere on the screen (other rows say "user").
        block = region_text(app, app.screen.query_one(facts_id))
        flat = " ".join(block.split())
        for fact in facts:
            assert " ".join(fact.split()) in flat, f"{fact!r} is not in the block at {size}\n{block}"


async def test_all_tokens_facts_of_the_highlighted_token_are_reached_by_keys_at_60_by_20(tmp_path) -> None:
    from tui.widgets.facts import Facts

    path = str(tmp_path / "tokens.db")
    label = "Nightly export – warehouse reporting server"
    with TokenStore(path) as s:
        s.ensure_account("alice")  # the first account: an administrator
        s.seed_demo(ALICE)
        s.add_account(ALICE, LONG_NAME)
        made = s.create_token(Actor(LONG_NAME), label, Scope.READ)
        s.revoke(ALICE, made.info.id)
    app = TokensApp(db=path, login="alice")
    async with app.run_test(size=(60, 20)) as pilot:
        await open_section(pilot, "all")
        table = app.screen.query_one("#all-table", TokenTable)
        assert table.highlighted is not None and table.highlighted.id == made.info.id
        facts = app.screen.query_one("#all-detail", Facts)
        for _ in range(20):
            if app.focused is facts:
                break
            await pilot.press("tab")
        assert app.focused is facts, "tab never reached the token's facts"
        seen = screen_text(app)
        for _ in range(10):  # the down key scrolls what does not fit
            await pilot.press("down")
            await pilot.pause()
            seen += screen_text(app)
        for fact in (LONG_NAME, "Nightly export", made.info.id, "Read-only", "revoked", "by alice", "last used never"):
            assert fact in seen, f"{fact!r} never came on screen\n{screen_text(app)}"

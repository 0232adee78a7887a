"""Usage at a glance in the app: the detail panel draws the days of use as a sparkline, and the list
sorts by least used (a key and a palette command)."""

from __future__ import annotations

from datetime import timedelta

from textual.command import CommandList, CommandPalette
from textual.widgets import Sparkline

from store import Actor, TokenStore, utcnow
from tui.app import TokensApp
from tui.widgets.token_table import TokenTable
from tui.widgets.usage import UsageGlance, bars

from tui_helpers import screen_text, settle, wait_for


async def highlight(pilot, label: str) -> None:  # type: ignore[no-untyped-def]
    table = pilot.app.query_one(TokenTable)
    table.cursor = next(i for i, t in enumerate(table.rows) if t.label == label)
    await pilot.pause()


async def test_the_detail_panel_draws_the_days_of_use(demo_db) -> None:
    app = TokensApp(db=demo_db, account="alice")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await highlight(pilot, "Sync script – field server")  # used every day for the last 10
        glance = app.query_one(UsageGlance)
        spark = glance.query_one(Sparkline)
        token = app.query_one(TokenTable).highlighted
        assert token is not None and token.use_count(app.now()) == 10
        assert list(spark.data or []) == bars(token.days_used(app.now()))
        line = next(line for line in screen_text(app).splitlines() if "Used" in line and "10/30" in line)
        assert "█" in line and "▁" in line  # days of use stand up, the others lie flat

        await highlight(pilot, "Backup job – NAS")  # never used
        assert "0/30" in screen_text(app)
        assert glance.tooltip == "Not used in the last 30 days"
        assert set(spark.data or []) == {0.0}


async def test_a_use_seen_by_authenticate_shows_after_a_reload(tmp_path) -> None:
    path = str(tmp_path / "tokens.db")
    with TokenStore(path) as s:
        s.ensure_account("alice")
        new = s.create_token(Actor("alice"), "Script", "read")
    app = TokensApp(db=path, account="alice")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        assert "0/30" in screen_text(app)
        with TokenStore(path) as s:
            s.authenticate(new.secret)
        await pilot.press("ctrl+r")
        await wait_for(pilot, lambda: "1/30" in screen_text(app))


async def test_u_sorts_least_used_first_and_back(demo_db) -> None:
    app = TokensApp(db=demo_db, account="alice")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        table = app.query_one(TokenTable)
        newest_first = [t.label for t in table.rows]
        await pilot.press("u")
        await pilot.pause()
        # Working tokens first, fewest days of use first; the revoked one last.
        assert [t.label for t in table.rows] == [
            "Backup job – NAS",  # never used
            "Sync script – field server",  # 10 of 30 days
            "Power BI – office laptop",  # office days
            "Excel – home PC",  # revoked
        ]
        counts = [t.use_count(app.now()) for t in table.rows[:3]]
        assert counts == sorted(counts)
        await pilot.press("u")
        await pilot.pause()
        assert [t.label for t in table.rows] == newest_first


async def test_the_palette_offers_least_used_first(demo_db) -> None:
    app = TokensApp(db=demo_db, account="alice")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+p")
        await wait_for(pilot, lambda: isinstance(app.screen, CommandPalette))
        await pilot.press(*"least used")
        hits = app.screen.query_one(CommandList)
        await wait_for(pilot, lambda: hits.option_count > 0
                       and "least used" in str(hits.get_option_at_index(0).prompt).lower())
        await pilot.press("enter")
        await wait_for(pilot, lambda: app.sections["tokens"].least_used_first)
        assert app.query_one(TokenTable).rows[0].label == "Backup job – NAS"


def test_days_of_use_far_in_the_past_are_not_shown() -> None:
    from store import TokenInfo, Scope

    now = utcnow()
    old = TokenInfo("abcdefghijkl", "alice", "Old", Scope.READ, now - timedelta(days=90), None,
                    now - timedelta(days=31), None, None, usage_days=(1 << 30) - 1)
    assert old.use_count(now) == 0
    assert bars(old.days_used(now)) == [0.0] * 60

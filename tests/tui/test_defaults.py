"""The app starts with the defaults the command line uses (tui/defaults.py)."""

from __future__ import annotations

from tui import defaults
from tui.app import TokensApp
from tui.screens.add_token import AddTokenScreen

from tui_helpers import settle, wait_for


async def test_the_app_starts_with_the_same_defaults(tmp_path) -> None:
    app = TokensApp(db=str(tmp_path / "t.db"), account="alice")
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        assert app.sections["tokens"].show_revoked is defaults.SHOW_REVOKED
        await pilot.press("a")
        await wait_for(pilot, lambda: isinstance(app.screen, AddTokenScreen))
        assert app.screen.query_one("#expiry-90d").value  # the 90-day choice is the selected one

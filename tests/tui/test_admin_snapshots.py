"""What the administrators' screens look like, at 60×20, 80×24 and 120×40, on fixed data."""

from __future__ import annotations

from pathlib import Path

import pytest

from tui_helpers import settle, wait_for

APP = Path(__file__).parent / "snapshot_apps" / "admin_app.py"
SIZES = pytest.mark.parametrize("size", [(60, 20), (80, 24), (120, 40)], ids=["60x20", "80x24", "120x40"])


def _open(section: str):  # type: ignore[no-untyped-def]
    async def run_before(pilot) -> None:  # type: ignore[no-untyped-def]
        await settle(pilot)
        await pilot.app.run_action(f"show_page('{section}')")
        await wait_for(pilot, lambda: section in pilot.app.sections and pilot.app.screen is pilot.app.sections[section])
        await settle(pilot)
        await wait_for(pilot, lambda: getattr(pilot.app.screen, "loaded", True))
        await settle(pilot)

    return run_before


@SIZES
@pytest.mark.parametrize("section", ["all", "accounts", "audit"])
def test_snapshot_admin_section(snap_compare, section: str, size: tuple[int, int]) -> None:
    assert snap_compare(str(APP), terminal_size=size, run_before=_open(section))


@SIZES
def test_snapshot_check_token(snap_compare, size: tuple[int, int]) -> None:
    async def run_before(pilot) -> None:  # type: ignore[no-untyped-def]
        await _open("all")(pilot)
        await pilot.press("c", *"tkn_not_a_token", "enter")
        await wait_for(pilot, lambda: "not a token" in str(pilot.app.screen.query_one("#check-result").render()))
        await settle(pilot)

    assert snap_compare(str(APP), terminal_size=size, run_before=run_before)


@SIZES
def test_snapshot_bulk_revoke_preview(snap_compare, size: tuple[int, int]) -> None:
    async def run_before(pilot) -> None:  # type: ignore[no-untyped-def]
        await _open("all")(pilot)
        await pilot.press("slash", *"bob", "enter")
        await wait_for(pilot, lambda: len(pilot.app.screen.rows) == 2)
        await pilot.press("b")
        await wait_for(pilot, lambda: type(pilot.app.screen).__name__ == "BulkRevokeScreen")
        await settle(pilot)

    assert snap_compare(str(APP), terminal_size=size, run_before=run_before)

"""What the main screen looks like, at 80×24 and 120×40, on fixed demo data."""

from __future__ import annotations

from pathlib import Path

import pytest

APP = Path(__file__).parent / "snapshot_apps" / "main_app.py"


async def _wait_for_list(pilot) -> None:  # type: ignore[no-untyped-def]
    from textual.worker import WorkerFailed

    try:
        await pilot.app.workers.wait_for_complete()
    except WorkerFailed:
        pass
    await pilot.pause()


@pytest.mark.parametrize("size", [(50, 14), (60, 20), (80, 24), (120, 40)], ids=["50x14", "60x20", "80x24", "120x40"])
def test_snapshot_main_screen(snap_compare, size) -> None:
    assert snap_compare(str(APP), terminal_size=size, run_before=_wait_for_list)


def test_snapshot_main_screen_read_only_token(snap_compare) -> None:
    """A Read-only token of an account that may edit: the panel shows the scope limiting it."""

    async def highlight_read_only(pilot) -> None:  # type: ignore[no-untyped-def]
        await _wait_for_list(pilot)
        await pilot.press("j", "j")
        await pilot.pause()

    assert snap_compare(str(APP), terminal_size=(120, 40), run_before=highlight_read_only)


READ_ONLY_APP = Path(__file__).parent / "snapshot_apps" / "read_only_session_app.py"


@pytest.mark.parametrize("size", [(60, 20), (80, 24), (120, 40)], ids=["60x20", "80x24", "120x40"])
def test_snapshot_read_only_session(snap_compare, size) -> None:
    """No Add token button, no Revoke button, no a/r in the footer; "read-only" in the header."""
    assert snap_compare(str(READ_ONLY_APP), terminal_size=size, run_before=_wait_for_list)

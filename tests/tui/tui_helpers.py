"""Helpers for driving the app in tests."""

from __future__ import annotations

from modal_host import screen_text

__all__ = ["open_section", "pick_in_palette", "region_text", "screen_text", "settle", "wait_for"]


async def settle(pilot) -> None:  # type: ignore[no-untyped-def]
    """Let workers finish and the screen catch up with their messages."""
    from textual.worker import WorkerError

    for _ in range(3):
        try:
            await pilot.app.workers.wait_for_complete()
        except WorkerError:
            # A failed worker: the app reports worker errors itself, tests look at what it shows.
            # A cancelled one: a newer read of the list replaced it, as the app means it to.
            pass
        await pilot.pause()


async def wait_for(pilot, condition, timeout: float = 30.0) -> None:  # type: ignore[no-untyped-def]
    """Pause until ``condition()`` holds; a busy machine only makes this slower, never wrong.

    The timeout only ends a test that would otherwise hang: it is generous, because on a loaded
    2-core machine a step paced by the app's once-a-second look for changes can take many seconds."""
    import time

    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError("the screen never got there")
        await pilot.pause(0.05)


async def pick_in_palette(pilot, query: str) -> None:  # type: ignore[no-untyped-def]
    """Type into the open command palette and run its first hit once the hits are there."""
    from textual.command import CommandList, CommandPalette

    await wait_for(pilot, lambda: isinstance(pilot.app.screen, CommandPalette))
    palette = pilot.app.screen
    await pilot.press(*query)

    def first_hit_matches() -> bool:
        hits = palette.query_one(CommandList)
        return hits.option_count > 0 and query.casefold() in str(hits.get_option_at_index(0).prompt).casefold()

    await wait_for(pilot, first_hit_matches)
    await pilot.press("enter")


async def open_section(pilot, section: str) -> None:  # type: ignore[no-untyped-def]
    """Show a sidebar section and wait until it has read what it shows."""
    await settle(pilot)
    await pilot.app.run_action(f"show_page('{section}')")
    await wait_for(pilot, lambda: pilot.app.current_mode == section and getattr(pilot.app.screen, "loaded", True))
    await settle(pilot)


def region_text(app, widget) -> str:  # type: ignore[no-untyped-def]
    """The plain text on the screen within ``widget``'s region (what it shows, and only that)."""
    region = widget.region
    lines = screen_text(app).split("\n")[region.y:region.bottom]
    return "\n".join(line[region.x:region.right] for line in lines)

"""Write the README's screenshots: the main screen and the one-time reveal, on fixed demo data
with a fake token. Run from the project root: ``python docs/make_screenshots.py``."""

from __future__ import annotations

import asyncio
import dataclasses
import runpy
from pathlib import Path

from tui.screens.reveal_secret import RevealSecretScreen
from tui.widgets.token_table import TokenTable

ROOT = Path(__file__).resolve().parent.parent
MAIN_APP = ROOT / "tests" / "tui" / "snapshot_apps" / "main_app.py"
# Shaped like a real token, plainly fake.
FAKE_SECRET = "tkn_DEMO00000006" + "EXAMPLEnotAREALtokenEXAMPLEonly0" + "FAKE00"


async def shoot(size: tuple[int, int] = (120, 36)) -> None:
    app = runpy.run_path(str(MAIN_APP))["build"]()
    async with app.run_test(size=size) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        await pilot.press("j", "j")  # the Read-only token: its scope limits what the account may do
        await pilot.pause()
        app.save_screenshot("main-screen.svg", path=str(ROOT / "docs"))
        token = app.query_one(TokenTable).highlighted
        assert token is not None
        new = dataclasses.replace(token, id="DEMO00000006", label="Reporting script – office PC")
        await app.push_screen(RevealSecretScreen(new, FAKE_SECRET))
        await pilot.pause()
        app.save_screenshot("reveal-secret.svg", path=str(ROOT / "docs"))


if __name__ == "__main__":
    asyncio.run(shoot())

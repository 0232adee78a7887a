"""The main screen on the demo data, with a fixed clock and fixed token ids, so that snapshots and
the README's screenshots do not change from run to run."""

from __future__ import annotations

import atexit
import itertools
import os
import shutil
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

from store import Actor, TokenStore, tokenstring
from tui.app import TokensApp
from tui.messages import StoreOpened

NOW = datetime(2025, 3, 3, 12, 0, tzinfo=UTC)

ALICE = Actor("alice")


class FixedMainApp(TokensApp):
    """The real app; only the database's place in the header is fixed (it is a temporary file)."""

    def on_store_opened(self, message: StoreOpened) -> None:
        message.location = "~/.local/share/tokens/tokens.db"
        super().on_store_opened(message)


def build(app_class: type[FixedMainApp] = FixedMainApp) -> FixedMainApp:
    os.environ["TZ"] = "UTC"
    time.tzset()
    folder = Path(tempfile.mkdtemp(prefix="tokens-snapshot-"))
    atexit.register(shutil.rmtree, folder, ignore_errors=True)
    path = folder / "tokens.db"
    ids = (f"DEMO{n:08d}" for n in itertools.count(1))
    make_id = tokenstring.new_token_id
    tokenstring.new_token_id = lambda: next(ids)
    try:
        with TokenStore(path, clock=lambda: NOW) as demo:
            demo.ensure_account("alice")
            demo.seed_demo(ALICE)
    finally:
        tokenstring.new_token_id = make_id
    return app_class(db=str(path), login="alice", clock=lambda: NOW)


app = build()

if __name__ == "__main__":
    app.run()

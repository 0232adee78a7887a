"""Start an app headless, stop at its first frame: the work start-up costs, for instruction counts.

    python bench/first_frame.py tokens|bare

``bench/startup.py --method callgrind`` runs this under ``valgrind --tool=callgrind``, which
counts instructions rather than time: the same code gives the same count whatever else the
machine is doing, so a 20 % goal can be judged on a busy machine. The process ends the moment its
first frame is drawn: neither app's shutdown is counted. The tokens app is started as
the command line starts it (parser, then the app) on a seeded database; its store is not opened,
because that happens after the first frame.
"""

from __future__ import annotations

import asyncio
import os
import sys
from pathlib import Path

from textual.app import App

HERE = Path(__file__).resolve().parent


def build(which: str, db: str) -> App:
    if which == "bare":
        sys.path.insert(0, str(HERE))
        from bare_app import BareApp

        return BareApp()
    from tui.app import TokensApp
    from tui.cli import build_parser

    args = build_parser().parse_args(["--db", db, "--account", "bench"])
    TokensApp.open_store = lambda self: None  # type: ignore[method-assign]
    return TokensApp(db=args.db, account=args.account)


def main() -> None:
    which, db = sys.argv[1], (sys.argv[2] if len(sys.argv) > 2 else "tokens.db")
    paint = App._display

    def first_frame(self: App, *args: object, **kwargs: object) -> None:
        paint(self, *args, **kwargs)
        # Stop right here. Asking the app to exit instead would count its shutdown too, and an app
        # whose first frame comes from a mode's screen is still composing itself at this moment, so
        # it would end with an error (whose rendering would be counted as well).
        os._exit(0)

    App._display = first_frame  # type: ignore[method-assign]
    app = build(which, db)

    async def run() -> None:
        async with app.run_test(size=(100, 30)):
            pass

    asyncio.run(run())


if __name__ == "__main__":
    main()

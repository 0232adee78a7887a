"""Start an app headless, stop at its first frame: the work start-up costs, for instruction counts.

    python bench/first_frame.py tokens|bare

``bench/startup.py --method callgrind`` runs this under ``valgrind --tool=callgrind``, which
counts instructions rather than time: the same code gives the same count whatever else the
machine is doing, so a 20 % goal can be judged on a busy machine. The tokens app is started as
the command line starts it (parser, then the app) on a seeded database; its store is not opened,
because that happens after the first frame.
"""

from __future__ import annotations

import asyncio
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

    def first_frame(self: App, *args: object, **kwargs: object) -> object:
        self.exit()
        return paint(self, *args, **kwargs)

    App._display = first_frame  # type: ignore[method-assign]
    app = build(which, db)

    async def run() -> None:
        async with app.run_test(size=(100, 30)):
            pass

    asyncio.run(run())


if __name__ == "__main__":
    main()

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
import json
import os
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
#: Printed on stderr at the first frame, followed by the JSON list of ``watched_modules_loaded()``.
LOADED_MARK = "loaded at the first frame:"
#: What the app leaves until after its first frame: the database layer, the store's types, the
#: other sections and the dialogs, the list of every binding id.
WATCHED = ("sqlalchemy", "argon2", "store.types", "store.store", "tui.bindings", "tui.screens.")
#: What the first frame does need: the first section's screen, and the check for a terminal too small.
FIRST_FRAME_NEEDS = ("tui.screens.my_tokens", "tui.screens.section", "tui.screens.too_small")


def watched_modules_loaded() -> list[str]:
    """Which of the modules the app leaves for after its first frame are loaded already."""
    return sorted(
        name for name in sys.modules
        if any(name == w or (w.endswith(".") and name.startswith(w)) for w in WATCHED)
        and name not in FIRST_FRAME_NEEDS
    )


def run_headless(app) -> int:  # type: ignore[no-untyped-def]
    """Run ``app`` in a headless 100×30 terminal (stopped at its first frame by ``stop_at_first_frame``)."""

    async def run() -> None:
        async with app.run_test(size=(100, 30)):
            pass

    asyncio.run(run())
    return 0


def stop_at_first_frame() -> None:
    from textual.app import App

    paint = App._display

    def first_frame(self: App, screen: object, renderable: object) -> None:
        paint(self, screen, renderable)
        # The first frame is the first that is drawn: Textual drops what it is given while it
        # holds drawing back (a batch update, as around start-up), and a call without anything
        # to draw draws nothing.
        if renderable is None or self._batch_count:
            return
        sys.stderr.write(f"{LOADED_MARK} {json.dumps(watched_modules_loaded())}\n")
        sys.stderr.flush()
        # Stop right here. Asking the app to exit instead would count its shutdown too, and an app
        # whose first frame comes from a mode's screen is still composing itself at this moment, so
        # it would end with an error (whose rendering would be counted as well).
        os._exit(0)

    App._display = first_frame  # type: ignore[method-assign]


def main() -> None:
    which, db = sys.argv[1], (sys.argv[2] if len(sys.argv) > 2 else "tokens.db")
    if which == "bare":
        stop_at_first_frame()
        sys.path.insert(0, str(HERE))
        from bare_app import BareApp

        run_headless(BareApp())
        return
    # The tokens app starts as the command starts it, `tokens --db DB --account NAME`, through the
    # command line's own entry, with only the terminal replaced by a headless one and the store
    # left closed (it opens after the first frame). Replacing those needs the app's modules
    # imported first; the command imports them with the cycle collector turned off (``open_app``),
    # so that is done here too, after the command line itself is loaded as usual.
    import gc

    from tui.cli import main as tokens

    gc.disable()
    stop_at_first_frame()
    import tui.terminal
    from tui.app import TokensApp

    tui.terminal.run_app = run_headless  # type: ignore[assignment]
    TokensApp.open_store = lambda self: None  # type: ignore[method-assign]
    tokens(["--db", db, "--account", "bench"])
    raise SystemExit("the app ended before its first frame")


if __name__ == "__main__":
    main()

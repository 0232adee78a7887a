"""An administrator's app on fixed data: the demo for alice, and two more accounts with tokens."""

from __future__ import annotations

import itertools
import os

from main_app import ALICE, NOW, FixedMainApp

from store import Actor, TokenStore, tokenstring


def build() -> FixedMainApp:
    from main_app import build as build_main

    app = build_main()
    ids = (f"ADMN{n:08d}" for n in itertools.count(1))
    make_id = tokenstring.new_token_id
    tokenstring.new_token_id = lambda: next(ids)
    try:
        with TokenStore(app._db_arg, clock=lambda: NOW) as s:
            s.add_account(ALICE, "bob")
            s.add_account(ALICE, "carol")
            s.grant(ALICE, "bob", "Field Operations", ["view"])
            for label in ("Bob – Power BI", "Bob – nightly export"):
                s.create_token(Actor("bob"), label, "read")
            s.create_token(Actor("carol"), "Carol – field tablet", "read_write")
            s.set_disabled(ALICE, "carol", True)
    finally:
        tokenstring.new_token_id = make_id
    return app


app = build()

if __name__ == "__main__":
    os.environ.setdefault("TZ", "UTC")
    app.run()

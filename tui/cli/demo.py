"""``tokens demo``: a small realistic data set."""

from __future__ import annotations

import argparse
import shlex
import sys

from .common import EXIT_OK, add_common, open_store, resolve_actor


def register(commands: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    demo = commands.add_parser(
        "demo",
        help="add a small realistic data set: two databases, forms, grants and tokens",
        description="Fill the database with demo forms, grants and tokens for the account; safe to run twice. "
        "It sets grants, so it is for administrators (the first account of a new database is one).",
    )
    add_common(demo, suppress=True)
    demo.set_defaults(run=cmd_demo)


def cmd_demo(args: argparse.Namespace) -> int:
    with open_store(args) as db:
        actor = resolve_actor(db, args)
        account = actor.account
        added = db.seed_demo(actor)
        where = db.location
    if added:
        print(f"Added demo data for {account} in {where}: databases, forms, grants and {len(added)} tokens.",
              file=sys.stderr)
    else:
        print(f"The demo data for {account} is already in {where}.", file=sys.stderr)
    # Name the database whenever it was chosen with --db ($TOKENS_DB may point somewhere else), and
    # the account whenever it was chosen with --account: the app would open the login name's.
    command = "tokens"
    if args.db:
        command += f" --db {shlex.quote(where)}"
    if getattr(args, "account_chosen", False):
        command += f" --account {shlex.quote(account)}"
    print(f"Open the app with: {command}", file=sys.stderr)
    return EXIT_OK

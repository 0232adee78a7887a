"""``tokens db status`` and ``tokens db upgrade``: where a database's schema stands, and bringing it
up to date. An embedded SQLite file is upgraded when opened; a shared server needs ``db upgrade``."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from .common import EXIT_FAIL, EXIT_OK, add_common


def register(commands: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    group = commands.add_parser(
        "db",
        help="see where the database's schema stands, and upgrade it",
        description="The database's schema is versioned. An embedded SQLite file is upgraded when it is "
        "opened; a PostgreSQL database is upgraded only with 'tokens db upgrade'.",
    )
    add_common(group, suppress=True)
    actions = group.add_subparsers(dest="action", metavar="ACTION", parser_class=type(group), required=True)
    status = actions.add_parser(
        "status",
        help="say which schema revision the database has; exit 1 if it needs an upgrade",
        description="Print the database's schema revision against the newest this release knows. "
        "Exit 0 when it is up to date (or has no tables yet), 1 when it needs an upgrade or comes "
        "from a newer release.",
    )
    status.add_argument("--json", action="store_true", help="print JSON for scripts")
    add_common(status, suppress=True)
    status.set_defaults(run=cmd_status)
    upgrade = actions.add_parser(
        "upgrade",
        help="bring the schema to the newest revision (every token is kept)",
        description="Upgrade the database's schema to the newest revision, in one transaction: if it "
        "fails, nothing changes. Every token, active or revoked, is kept.",
    )
    add_common(upgrade, suppress=True)
    upgrade.set_defaults(run=cmd_upgrade)


def _missing_file(args: argparse.Namespace) -> str | None:
    """Asking about a file that does not exist must not create it."""
    from store import describe, resolve_target

    target = resolve_target(args.db)
    if isinstance(target, Path) and not target.exists():
        return describe(target)
    return None


def cmd_status(args: argparse.Namespace) -> int:
    from store import SCHEMA_HEAD as HEAD
    from store import SchemaState, TokenStore

    missing = _missing_file(args)
    if missing is not None:
        found = {"database": missing, "revision": None, "head": HEAD, "state": "absent"}
        line = f"{missing}: no database yet; it is created with schema revision {HEAD} on first use"
        ok = True
    else:
        with TokenStore(args.db, schema="ignore") as db:
            status = db.schema_status()
            where = db.location
        found = {"database": where, "revision": status.revision, "head": status.head, "state": status.state.value}
        line = f"{where}: {status.describe()}"
        ok = status.state in (SchemaState.CURRENT, SchemaState.EMPTY)
    if args.json:
        json.dump(found, sys.stdout)
        sys.stdout.write("\n")
    else:
        print(line)
    return EXIT_OK if ok else EXIT_FAIL


def cmd_upgrade(args: argparse.Namespace) -> int:
    from store import SchemaMismatch, SchemaState, TokenStore

    missing = _missing_file(args)
    if missing is not None:
        raise SchemaMismatch(f"{missing} does not exist; it is created with the newest schema on first use")
    with TokenStore(args.db, schema="ignore") as db:
        before = db.upgrade_schema()
        after = db.schema_status()
        where = db.location
    if before.state is SchemaState.CURRENT:
        print(f"{where}: already at schema revision {after.revision}; nothing to do")
    else:
        was = "made before schema versions" if before.state is SchemaState.UNVERSIONED else (
            f"revision {before.revision}" if before.revision else "no tables")
        print(f"{where}: upgraded from {was} to schema revision {after.revision}; every token was kept")
    return EXIT_OK

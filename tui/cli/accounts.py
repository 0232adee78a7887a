"""``tokens account …``, ``tokens grant`` and ``tokens ungrant``: administrators manage accounts and
what each may do. Everyone else gets a clear refusal and nothing changes."""

from __future__ import annotations

import argparse
import json
import sys

import store

from .. import format as fmt
from .common import EXIT_OK, UsageError, add_common, add_db, open_store, resolve_actor


def register(commands: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    account = commands.add_parser(
        "account",
        help="add, list, disable and enable accounts; make administrators (administrators only)",
        description="Manage accounts (administrators only). The first account of a new database is its administrator.",
    )
    add_common(account, suppress=True)
    actions = account.add_subparsers(dest="action", metavar="ACTION", required=True,
                                     parser_class=type(account))

    add = actions.add_parser("add", help="add an account")
    add.add_argument("name", metavar="NAME")
    add.add_argument("--admin", action="store_true", help="make it an administrator")
    add_common(add, suppress=True)
    add.set_defaults(run=cmd_add)

    listing = actions.add_parser("list", help="list accounts with their role, state and usable tokens")
    listing.add_argument("--json", action="store_true", help="print JSON for scripts")
    add_common(listing, suppress=True)
    listing.set_defaults(run=cmd_list)

    set_admin = actions.add_parser("set-admin", help="make an account administrator (on) or not (off)")
    set_admin.add_argument("name", metavar="NAME")
    set_admin.add_argument("state", choices=("on", "off"))
    add_common(set_admin, suppress=True)
    set_admin.set_defaults(run=cmd_set_admin)

    for verb, text in (("disable", "it can do nothing and its tokens stop working (not revoked)"),
                       ("enable", "undo a disable: its unrevoked tokens work again")):
        sub = actions.add_parser(verb, help=f"{verb} an account: {text}")
        sub.add_argument("name", metavar="NAME")
        add_common(sub, suppress=True)
        sub.set_defaults(run=cmd_disable if verb == "disable" else cmd_enable)

    for verb, text in (("grant", "let an account take ACTIONS on a form, or on every form of a database"),
                       ("ungrant", "take ACTIONS away from an account on a form or a database")):
        sub = commands.add_parser(
            verb,
            help=f"{text} (administrators only)",
            description=f"{text[0].upper()}{text[1:]}. Existing tokens follow on their next request: "
            "what a token may do is always the account's grant intersected with the token's scope.",
        )
        sub.add_argument("grant_target", metavar="ACCOUNT")
        sub.add_argument("forms", metavar="DATABASE[/FORM]")
        sub.add_argument("actions", metavar="ACTIONS", help="a comma list of view, add, edit, delete")
        # The ACCOUNT here is whose grant changes; --account (acting as) goes before the command.
        add_db(sub)
        sub.set_defaults(run=cmd_grant if verb == "grant" else cmd_ungrant)


def _shown(info: store.AccountInfo) -> str:
    role = "administrator" if info.is_admin else "account"
    state = ", disabled" if info.disabled else ""
    return f"{fmt.safe(info.name)} ({role}{state})"


def cmd_add(args: argparse.Namespace) -> int:
    with open_store(args) as db:
        info = db.add_account(resolve_actor(db, args, create=False), args.name, admin=args.admin)
    print(f"Added {_shown(info)}.", file=sys.stderr)
    return EXIT_OK


def cmd_list(args: argparse.Namespace) -> int:
    with open_store(args) as db:
        found = db.list_accounts(resolve_actor(db, args, create=False))
    if args.json:
        json.dump([a.as_dict() for a in found], sys.stdout, ensure_ascii=False, indent=2)
        sys.stdout.write("\n")
        return EXIT_OK
    rows = [("ACCOUNT", "ROLE", "STATE", "TOKENS", "CREATED")]
    for a in found:
        rows.append((fmt.safe(a.name), "administrator" if a.is_admin else "-", "disabled" if a.disabled else "enabled",
                     str(a.active_tokens), fmt.when(a.created_at)))
    print("\n".join(fmt.columns(rows)))
    return EXIT_OK


def cmd_set_admin(args: argparse.Namespace) -> int:
    with open_store(args) as db:
        info = db.set_admin(resolve_actor(db, args, create=False), args.name, args.state == "on")
    print(f"{_shown(info)}.", file=sys.stderr)
    return EXIT_OK


def cmd_disable(args: argparse.Namespace) -> int:
    with open_store(args) as db:
        info = db.set_disabled(resolve_actor(db, args, create=False), args.name, True)
    print(f"Disabled {fmt.safe(info.name)}: it can do nothing, and its tokens are refused from the next request "
          "(they are not revoked; 'tokens account enable' brings them back).", file=sys.stderr)
    return EXIT_OK


def cmd_enable(args: argparse.Namespace) -> int:
    with open_store(args) as db:
        info = db.set_disabled(resolve_actor(db, args, create=False), args.name, False)
    print(f"Enabled {fmt.safe(info.name)}: its unrevoked, unexpired tokens work again.", file=sys.stderr)
    return EXIT_OK


def _actions(text: str) -> list[store.Action]:
    names = [part.strip().lower() for part in text.split(",") if part.strip()]
    if not names:
        raise UsageError("ACTIONS is a comma list of view, add, edit, delete")
    try:
        return [store.Action(name) for name in names]
    except ValueError as exc:
        raise UsageError(f"unknown action in {text!r}: use view, add, edit, delete") from exc


def _grant(args: argparse.Namespace, *, add: bool) -> int:
    actions = _actions(args.actions)
    with open_store(args) as db:
        actor = resolve_actor(db, args, create=False)
        change = db.grant if add else db.ungrant
        access = change(actor, args.grant_target, args.forms, actions)
    print(f"{fmt.safe(args.grant_target)} may now:", file=sys.stderr)
    if not access:
        print("  nothing (no grants)", file=sys.stderr)
    for a in access:
        granted = ", ".join(x.value for x in store.ALL_ACTIONS if x in a.granted)
        print(f"  {fmt.safe(a.database)}/{fmt.safe(a.form)}: {granted}", file=sys.stderr)
    return EXIT_OK


def cmd_grant(args: argparse.Namespace) -> int:
    return _grant(args, add=True)


def cmd_ungrant(args: argparse.Namespace) -> int:
    return _grant(args, add=False)

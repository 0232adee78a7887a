"""``tokens create | list | revoke | verify``: one account's tokens, and checking a presented token."""

from __future__ import annotations

import argparse
import json
import sys

import store
from store import Scope, StoreError

from .. import defaults
from .. import format as fmt
from .common import (
    EXIT_FAIL,
    EXIT_NOT_ALLOWED,
    EXIT_OK,
    EXIT_UNCHECKED,
    UsageError,
    add_common,
    err,
    open_store,
    read_token_from_stdin,
    stdin_is_terminal,
)


def register(commands: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    create = commands.add_parser(
        "create",
        help="create a token and print its secret (shown this once only)",
        description="Create a token. The secret is printed alone on stdout, this one time; store it now.",
    )
    create.add_argument("--label", required=True, help="which application and device use it, e.g. 'Power BI – laptop'")
    create.add_argument(
        "--scope",
        required=True,
        metavar="{read,read_write}",
        help="read: read records only; read_write: also add, edit and delete. "
        "A token never exceeds the account's own rights.",
    )
    create.add_argument(
        "--expires",
        default=defaults.EXPIRY,
        metavar="WHEN",
        help=f"30d, 90d, 1y, never or a date YYYY-MM-DD (valid through the end of that day, your time zone); "
        f"default {defaults.EXPIRY}, as in the app",
    )
    add_common(create, suppress=True)
    create.set_defaults(run=cmd_create)

    listing = commands.add_parser("list", help="list the account's tokens (never their secrets)")
    listing.add_argument("--json", action="store_true", help="print JSON for scripts")
    shown = listing.add_mutually_exclusive_group()
    shown.add_argument("--hide-revoked", dest="show_revoked", action="store_false", default=defaults.SHOW_REVOKED,
                       help="leave revoked tokens out (they are listed by default, as in the app until you press v)")
    shown.add_argument("--all", dest="show_revoked", action="store_true",
                       help="include revoked tokens (the default; kept for scripts written when it was not)")
    add_common(listing, suppress=True)
    listing.set_defaults(run=cmd_list)

    revoke = commands.add_parser(
        "revoke",
        help="revoke a token for good; applications using it stop at once",
        description="Revoke a token. It stops working on the next request, everywhere, and cannot be restored.",
    )
    revoke.add_argument("token_id", metavar="TOKEN_ID", help="the token's id, as shown by 'tokens list'")
    revoke.add_argument("--yes", action="store_true", help="do not ask for confirmation (required without a terminal)")
    add_common(revoke, suppress=True)
    revoke.set_defaults(run=cmd_revoke)

    verify = commands.add_parser(
        "verify",
        help="check a token read from stdin; print RFC 7662-style JSON",
        description="Read one token from stdin and say whether it is active (and, with --can, allowed). "
        "Exit 0 active (and allowed), 1 inactive, 2 active but not allowed, 3 could not check.",
    )
    verify.add_argument(
        "--can",
        metavar="ACTION:FORM",
        help="also check an action (view, add, edit, delete) on a form: its id, its name, or Database/Form",
    )
    add_common(verify, suppress=True)
    verify.set_defaults(run=cmd_verify)


def cmd_create(args: argparse.Namespace) -> int:
    scope = Scope.parse(args.scope)
    expires_at = store.parse_expiry(args.expires)
    label = store.validate_label(args.label)
    with open_store(args) as db:
        account = db.ensure_account(args.account)
        new = db.create_token(account, label, scope, expires_at)
    info = new.info
    until = f"valid through {fmt.expires(info)}" if info.expires_at else "no expiry"
    print(new.secret, flush=True)
    print(
        f"Created token {info.id} “{fmt.safe(info.label)}” for {info.account}: {scope.title}, {until}.\n"
        "This is the only time the secret is shown: store it now (a password manager is best).",
        file=sys.stderr,
    )
    return EXIT_OK


def cmd_list(args: argparse.Namespace) -> int:
    account = args.account
    with open_store(args) as db:
        try:
            tokens = db.list_tokens(account, include_revoked=args.show_revoked)
        except store.UnknownAccount:
            tokens = []  # listing creates nothing: an account not yet used simply has no tokens
    now = store.utcnow()
    if args.json:
        json.dump([t.as_dict(now) for t in tokens], sys.stdout, ensure_ascii=False, indent=2)
        sys.stdout.write("\n")
        return EXIT_OK
    if not tokens:
        hint = "" if args.show_revoked else " (revoked ones are hidden; leave out --hide-revoked to see them)"
        print(f"No tokens for {fmt.safe(account)}{hint}. Create one: tokens create --label NAME --scope read", file=sys.stderr)
        return EXIT_OK
    rows = [("ID", "LABEL", "SCOPE", "CREATED", "EXPIRES", "LAST USED", "STATUS")]
    for t in tokens:
        rows.append(
            (t.id, fmt.safe(t.label), t.scope.title, fmt.when(t.created_at), fmt.expires(t),
             fmt.relative(t.last_used_at, now), fmt.status(t, now))
        )
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    for row in rows:
        print("  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip())
    return EXIT_OK


def cmd_revoke(args: argparse.Namespace) -> int:
    token_id = args.token_id.strip()
    if token_id.startswith("tkn_") and len(token_id) > 20:
        raise UsageError(
            "that is a token's secret, not its id: pass the id that 'tokens list' shows "
            "(and revoke this token, since its secret is now in your shell history)"
        )
    with open_store(args) as db:
        account = args.account
        info = db.get_token(token_id, account=account)  # creates nothing, refuses others' tokens
        if info.revoked_at is not None:
            raise store.AlreadyRevoked(f"token {info.id} was already revoked on {fmt.when(info.revoked_at)}")
        if not args.yes:
            if not stdin_is_terminal():
                raise UsageError("refusing to revoke without confirmation: no terminal to ask on; pass --yes")
            # The question goes to stderr like every other message: input() would write the prompt
            # to stdout, where a redirect hides it.
            print(
                f"Revoke token {info.id} “{fmt.safe(info.label)}” ({info.scope.title})?\n"
                "Applications using it stop working at once. This cannot be undone.\n"
                "Type 'yes' to revoke: ",
                end="",
                file=sys.stderr,
                flush=True,
            )
            answer = sys.stdin.readline()
            if not answer.endswith("\n"):
                print(file=sys.stderr)  # end of input (ctrl-D): the terminal did not move to a new line
            # Irreversible: only the word the prompt asks for counts, not a reflexive 'y'.
            if answer.strip().lower() != "yes":
                err("not revoked")
                return EXIT_FAIL
        revoked = db.revoke(token_id, by=account)
    print(f"Revoked token {revoked.id} “{fmt.safe(revoked.label)}”. Applications using it are refused from now on.",
          file=sys.stderr)
    return EXIT_OK


def cmd_verify(args: argparse.Namespace) -> int:
    check = None
    if args.can:
        action, sep, form = args.can.partition(":")
        if not sep or not form.strip():
            raise UsageError("--can takes ACTION:FORM, e.g. --can edit:'Household survey'")
        try:
            check = (store.Action(action.strip().lower()), form.strip())
        except ValueError:
            raise UsageError(f"unknown action {action!r}: use view, add, edit or delete") from None
    token = read_token_from_stdin()
    try:
        with open_store(args) as db:
            form_id = db.find_form(check[1])[0] if check else None
            try:
                principal = db.authenticate(token)
            except store.InvalidToken:
                print(json.dumps({"active": False}))
                return EXIT_FAIL
            answer: dict[str, object] = {
                "active": True,
                "account": principal.account,
                "token_id": principal.token_id,
                "scope": principal.scope.value,
                "exp": int(principal.expires_at.timestamp()) if principal.expires_at else None,
            }
            code = EXIT_OK
            if check is not None:
                allowed = db.authorize(principal, check[0], form_id)  # type: ignore[arg-type]
                answer["allowed"] = allowed
                code = EXIT_OK if allowed else EXIT_NOT_ALLOWED
    except (store.UnknownForm, store.InvalidInput) as exc:
        raise UsageError(str(exc)) from None
    except StoreError as exc:
        err(str(exc))
        return EXIT_UNCHECKED
    print(json.dumps(answer))
    return code

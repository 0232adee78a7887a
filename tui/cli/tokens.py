"""``tokens create | list | revoke | verify``: one account's tokens, and checking a presented token."""

from __future__ import annotations

import argparse
import json
import re
import sys
from datetime import UTC, datetime

import store
from store import StoreError

from .. import defaults
from .. import format as fmt
from .common import (
    EXIT_FAIL,
    EXIT_NOT_ALLOWED,
    EXIT_OK,
    EXIT_UNCHECKED,
    UsageError,
    add_common,
    confirm,
    err,
    open_store,
    read_token_from_stdin,
    resolve_actor,
    stdin_is_terminal,
)

TYPE_CHECKING = False  # typing itself is not loaded: a short command has no use for it
if TYPE_CHECKING:
    from collections.abc import Iterator

    from store import TokenStore


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
        help=f"30d, 90d, 1y, never or a date YYYY-MM-DD: valid through the end of that day in this computer's "
        f"time zone ({fmt.local_zone()}); default {defaults.EXPIRY}, as in the app",
    )
    create.add_argument(
        "--database",
        action="append",
        metavar="NAME",
        help="limit the token to this database (repeat for more); default: every database the account can reach",
    )
    create.add_argument("--note", metavar="TEXT", help=f"a note for people, up to {store.NOTE_MAX} characters on one line")
    add_common(create, suppress=True)
    create.set_defaults(run=cmd_create)

    listing = commands.add_parser("list", help="list the account's tokens (never their secrets)")
    listing.add_argument("--json", action="store_true", help="print JSON for scripts")
    shown = listing.add_mutually_exclusive_group()
    shown.add_argument("--hide-revoked", dest="show_revoked", action="store_false", default=defaults.SHOW_REVOKED,
                       help="leave revoked tokens out (they are listed by default, as in the app until you press v)")
    shown.add_argument("--all", dest="show_revoked", action="store_true",
                       help="include revoked tokens (the default; kept for scripts written when it was not)")
    listing.add_argument("--all-accounts", action="store_true", help="every account's tokens (administrators)")
    listing.add_argument(
        "--expiring",
        metavar="DURATION",
        help="only usable tokens that stop within DURATION (e.g. 7d); exit 1 if there are any (for cron and monitoring)",
    )
    add_common(listing, suppress=True)
    listing.set_defaults(run=cmd_list)

    revoke = commands.add_parser(
        "revoke",
        help="revoke a token for good (or, with --unused-days, every stale one); applications using it stop at once",
        description="Revoke a token. It stops working on the next request, everywhere, and cannot be restored. "
        "With --unused-days N instead of an id: revoke every usable token not used for N days "
        "(never-used ones count from creation), after showing the list.",
    )
    revoke.add_argument("token_id", metavar="TOKEN_ID", nargs="?", help="the token's id, as shown by 'tokens list'")
    revoke.add_argument("--unused-days", type=_days, metavar="N", help="revoke every token not used for N days")
    revoke.add_argument("--all-accounts", action="store_true", help="with --unused-days: every account's (administrators)")
    revoke.add_argument("--dry-run", action="store_true", help="with --unused-days: only print what would be revoked")
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
    verify.add_argument("--client-address", metavar="ADDR", help="the caller's address, kept as where the token was last used")
    verify.add_argument("--user-agent", metavar="UA", help="the caller's user agent, kept with its address")
    add_common(verify, suppress=True)
    verify.set_defaults(run=cmd_verify)

    lookup = commands.add_parser(
        "lookup",
        help="whose is this token? read from stdin (e.g. one found in a log); never prints the secret",
        description="Read one token from stdin and print whose it is, its id, label, scope, status and last use. "
        "Administrators may look up any token, others only their own. Exit 0 found, 1 not found or malformed.",
    )
    lookup.add_argument("--json", action="store_true", help="print JSON for scripts")
    add_common(lookup, suppress=True)
    lookup.set_defaults(run=cmd_lookup)


def _days(text: str) -> int:
    try:
        days = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number of days") from None
    if days < 0:
        raise argparse.ArgumentTypeError("the number of days must be 0 or more")
    return days


def cmd_create(args: argparse.Namespace) -> int:
    try:
        # Values that can be judged from the command line alone: a bad one is a usage error (64).
        scope = store.Scope.parse(args.scope)
        expires_at = store.parse_expiry(args.expires)
        label = store.validate_label(args.label)
    except store.InvalidInput as exc:
        raise UsageError(str(exc)) from None
    with open_store(args) as db:
        new = db.create_token(resolve_actor(db, args), label, scope, expires_at, databases=args.database, note=args.note)
    info = new.info
    until = f"valid through {fmt.expires(info)}" if info.expires_at else "no expiry"
    limited = f", limited to {fmt.databases(info)}" if info.databases is not None else ""
    print(new.secret, flush=True)
    print(
        f"Created token {info.id} “{fmt.safe(info.label)}” for {info.account}: {scope.title}{limited}, {until}.\n"
        "This is the only time the secret is shown: store it now (a password manager is best).",
        file=sys.stderr,
    )
    return EXIT_OK


def cmd_list(args: argparse.Namespace) -> int:
    if args.expiring is not None:
        return _list_expiring(args)
    now = datetime.now(UTC)  # store.utcnow(), without loading the value types a JSON listing does without
    tokens, account = _listing(args, json_at=now if args.json else None)
    if args.json:
        if isinstance(tokens, list):
            sys.stdout.write(_json_lines([t.as_dict(now) for t in tokens]))
        else:  # already JSON, one object a line, in parts
            first = next(tokens, None)
            if first is None:
                sys.stdout.write("[]\n")
            else:
                sys.stdout.write("[\n" + first)
                for part in tokens:
                    sys.stdout.write(part)
                sys.stdout.write("\n]\n")
        return EXIT_OK
    if not tokens:
        hint = "" if args.show_revoked else " (revoked ones are hidden; leave out --hide-revoked to see them)"
        print(f"No tokens for {fmt.safe(account)}{hint}. Create one: tokens create --label NAME --scope read", file=sys.stderr)
        return EXIT_OK
    print_table(tokens, now, with_account=args.all_accounts)
    return EXIT_OK


def _json_lines(items: list[dict[str, object]]) -> str:
    """A JSON array with one object a line: readable, and encoded by json's C encoder in one call
    (``indent`` forces the pure-Python encoder, many times slower). Every object starts with its
    ``"id"`` key, and inside a JSON string a quote is always escaped, so ``}, {"id"`` occurs only
    between two objects."""
    if not items:
        return "[]\n"
    text = json.dumps(items, ensure_ascii=False)
    return "[\n" + text[1:-1].replace('}, {"id": ', '},\n{"id": ') + "\n]\n"


def _listing(args: argparse.Namespace, *, json_at: datetime | None = None) -> tuple[list | Iterator[str], str]:  # type: ignore[type-arg]
    """The tokens to list, and whose. A current SQLite file is read directly (no database layer
    to import: most of the cost of a short command); anything else goes through the store.
    With ``json_at``, a direct read gives the tokens as JSON text already: the objects of their
    ``as_dict(json_at)``, one a line, in parts to write one after the other."""
    if getattr(args, "ssh_actor", None) is None:
        found = store.quick_list_tokens(args.db, args.login, args.account, all_accounts=args.all_accounts,
                                        include_revoked=args.show_revoked, json_at=json_at)
        if found is not None:
            for warning in found.warnings:
                err(f"warning: {warning}")
            try:
                if found.error is not None:
                    raise found.error
            except store.UnknownAccount:
                if args.all_accounts:
                    raise
                return [], args.account or args.login  # listing creates nothing: no account, no tokens
            assert found.account is not None
            return (found.tokens if json_at is None else found.json), found.account
    with open_store(args) as db:
        actor = resolve_actor(db, args, create=False)
        if args.all_accounts:
            return _every_token(db, actor, include_revoked=args.show_revoked), actor.account
        try:
            return db.list_tokens(actor, include_revoked=args.show_revoked), actor.account
        except store.UnknownAccount:
            return [], actor.account  # listing creates nothing: an account not yet used simply has no tokens


def _list_expiring(args: argparse.Namespace) -> int:
    """Tokens that stop soon, for cron and monitoring: exit 1 when there are any."""
    if args.all_accounts:
        raise UsageError("--expiring lists your own usable tokens; it does not go with --all-accounts")
    within = store.parse_duration(args.expiring, what="window")
    with open_store(args) as db:
        actor = resolve_actor(db, args, create=False)
        try:
            found = db.expiring_tokens(actor, within)
        except store.UnknownAccount:
            found = []
    now = store.utcnow()
    if args.json:
        sys.stdout.write(_json_lines([t.as_dict(now) for t in found]))
    elif found:
        print_table(found, now)
        some = "1 token stops" if len(found) == 1 else f"{len(found)} tokens stop"
        print(f"{some} within {store.describe_duration(within)}: rotate ('tokens rotate ID') or replace before then.",
              file=sys.stderr)
    else:
        print(f"No usable token of {fmt.safe(actor.account)} stops within {store.describe_duration(within)}.",
              file=sys.stderr)
    return EXIT_FAIL if found else EXIT_OK


def _every_token(db: TokenStore, actor: store.Actor, *, include_revoked: bool) -> list[store.TokenInfo]:
    found: list[store.TokenInfo] = []
    cursor = None
    while True:
        page = db.list_all_tokens(actor, after=cursor, limit=5000)
        found += [t for t in page.tokens if include_revoked or t.revoked_at is None]
        cursor = page.next
        if cursor is None:
            return found


def print_table(tokens: list[store.TokenInfo], now: datetime, *, with_account: bool = False) -> None:
    # The rotation column shows only when a token in the list has been rotated or replaces another.
    linked = any(fmt.link(t) for t in tokens)
    rows = [("ID", *(("ACCOUNT",) if with_account else ()), "LABEL", "SCOPE", "CREATED", "EXPIRES", "LAST USED", "STATUS",
             *(("ROTATION",) if linked else ()))]
    for t in tokens:
        rows.append(
            (t.id, *((fmt.safe(t.account),) if with_account else ()), fmt.safe(t.label), t.scope.title,
             fmt.when(t.created_at), fmt.expires(t), fmt.relative(t.last_used_at, now), fmt.status(t, now),
             *((fmt.link(t),) if linked else ()))
        )
    print("\n".join(fmt.columns(rows)))


def cmd_revoke(args: argparse.Namespace) -> int:
    if args.unused_days is not None:
        if args.token_id is not None:
            raise UsageError("give either a TOKEN_ID or --unused-days N, not both")
        return _revoke_unused(args)
    if args.token_id is None:
        raise UsageError("which token? give its TOKEN_ID (see 'tokens list'), or --unused-days N")
    if args.all_accounts or args.dry_run:
        raise UsageError("--all-accounts and --dry-run go with --unused-days N")
    token_id = args.token_id.strip()
    if token_id.startswith("tkn_") and len(token_id) > 20:
        raise UsageError(
            "that is a token's secret, not its id: pass the id that 'tokens list' shows "
            "(and revoke this token, since its secret is now in your shell history)"
        )
    with open_store(args) as db:
        actor = resolve_actor(db, args, create=False)
        try:
            info = db.get_token(actor, token_id)  # creates nothing, refuses others' tokens
        except store.UnknownAccount:
            # An account not yet used has no tokens; its name is not worth an error of its own.
            shown = f" {token_id!r}" if re.fullmatch(r"[0-9A-Za-z]{1,20}", token_id) else " that"
            raise store.TokenNotFound(f"no token with id{shown}") from None
        if info.revoked_at is not None:
            raise store.AlreadyRevoked(f"token {info.id} was already revoked on {fmt.when(info.revoked_at)}")
        question = (f"Revoke token {info.id} “{fmt.safe(info.label)}” ({info.scope.title})?\n"
                    "Applications using it stop working at once. This cannot be undone.")
        if not confirm(question, yes=args.yes, what="revoke"):
            err("not revoked")
            return EXIT_FAIL
        revoked = db.revoke(actor, token_id)
    print(f"Revoked token {revoked.id} “{fmt.safe(revoked.label)}”. Applications using it are refused from now on.",
          file=sys.stderr)
    return EXIT_OK


def _revoke_unused(args: argparse.Namespace) -> int:
    """Bulk revoke: the list is computed once, shown, and exactly that list is revoked."""
    now = store.utcnow()
    with open_store(args) as db:
        actor = resolve_actor(db, args, create=False)
        stale = db.stale_tokens(actor, args.unused_days, all_accounts=args.all_accounts)
        whose = "in any account" if args.all_accounts else f"of {fmt.safe(actor.account)}"
        if not stale:
            print(f"No usable token {whose} has gone unused for {args.unused_days} days.", file=sys.stderr)
            return EXIT_OK
        if args.dry_run:
            print_table(stale, now, with_account=args.all_accounts)
            print(f"Would revoke these {len(stale)} tokens {whose} (dry run: nothing was changed).", file=sys.stderr)
            return EXIT_OK
        if not args.yes:
            if stdin_is_terminal():
                print_table(stale, now, with_account=args.all_accounts)
        question = (f"Revoke these {len(stale)} tokens {whose}, unused for {args.unused_days} days or more?\n"
                    "Applications using them stop working at once. This cannot be undone.")
        if not confirm(question, yes=args.yes, what="revoke"):
            err("nothing was revoked")
            return EXIT_FAIL
        revoked = db.revoke_tokens(actor, [t.id for t in stale])
    for t in revoked:
        print(f"Revoked token {t.id} “{fmt.safe(t.label)}” of {fmt.safe(t.account)}.", file=sys.stderr)
    print(f"Revoked {len(revoked)} tokens.", file=sys.stderr)
    return EXIT_OK


def cmd_lookup(args: argparse.Namespace) -> int:
    token = read_token_from_stdin()
    now = store.utcnow()
    with open_store(args) as db:
        actor = resolve_actor(db, args, create=False)
        try:
            info = db.lookup(actor, token)
            access = db.token_access(actor, info.id)
        except store.InvalidToken:
            del token
            err("not a token: it is malformed or cut short (nothing was looked up)")
            return EXIT_FAIL
        except (store.TokenNotFound, store.UnknownAccount):
            del token
            err("not found: no token you may see matches that")
            return EXIT_FAIL
    del token
    if args.json:
        answer = info.as_dict(now)
        answer["access"] = [
            {"database": a.database, "form": a.form, "actions": [x.value for x in store.ALL_ACTIONS if x in a.effective]}
            for a in access
        ]
        print(json.dumps(answer, ensure_ascii=False))
        return EXIT_OK
    lines = [
        ("Account", fmt.safe(info.account)),
        ("Token id", info.id),
        ("Label", fmt.safe(info.label)),
        ("Scope", info.scope.title),
        ("Status", fmt.status(info, now)),
        ("Created", fmt.when(info.created_at)),
        ("Expires", fmt.expires(info)),
        ("Last used", fmt.relative(info.last_used_at, now)),
    ]
    if info.revoked_at is not None:
        lines.append(("Revoked", fmt.revoked(info)))
    for name, value in lines:
        print(f"{name + ':':<11}{value}")
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
            # The token first: someone holding no valid token learns nothing, not even whether
            # a form of that name exists.
            try:
                principal = db.authenticate(token, client_address=args.client_address, user_agent=args.user_agent)
            except store.InvalidToken:
                print(json.dumps({"active": False}))
                return EXIT_FAIL
            form_id = db.find_form(check[1])[0] if check else None
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

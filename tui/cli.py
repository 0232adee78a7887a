"""The ``tokens`` command.

With no subcommand it opens the terminal app. The subcommands are a contract that scripts rely
on: ``create`` prints the secret alone on stdout and everything else on stderr; ``verify`` reads
the token from stdin, never from the command line.

Exit codes: 0 success; 1 failure (one line on stderr says why); for ``verify`` 1 means an
inactive token, 2 an active token that is not allowed, 3 that it could not be checked;
64 a command line that cannot be understood.
"""

from __future__ import annotations

import argparse
import getpass
import json
import os
import re
import shlex
import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING, NoReturn

import store
from store import Scope, StoreError

from . import format as fmt

if TYPE_CHECKING:
    from store import TokenStore

EXIT_OK = 0
EXIT_FAIL = 1
EXIT_NOT_ALLOWED = 2
EXIT_UNCHECKED = 3
EXIT_USAGE = 64


class UsageError(Exception):
    pass


# Anything that looks like a token string; argparse would echo it back in its error messages.
_TOKEN_LIKE = re.compile(r"tkn_[0-9A-Za-z]+")


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        # A secret typed on the command line is already in the shell history; do not also copy it
        # into a terminal scrollback or a CI log.
        message, found = _TOKEN_LIKE.subn("tkn_…", message)
        if found:
            message += " (a token is never taken from the command line; 'tokens verify' reads it from stdin)"
        self.print_usage(sys.stderr)
        self.exit(EXIT_USAGE, f"{self.prog}: error: {message}\n")


def default_account() -> str:
    try:
        return getpass.getuser()
    except Exception:
        return os.environ.get("USER") or "me"


def _common(parser: argparse.ArgumentParser, *, suppress: bool) -> None:
    default = argparse.SUPPRESS if suppress else None
    parser.add_argument(
        "--db",
        metavar="PATH_OR_URL",
        default=default,
        help=f"SQLite file or database URL (default: ${store.ENV_DB}, else {store.default_db_path()})",
    )
    parser.add_argument(
        "--account",
        metavar="NAME",
        default=default,
        help="the account to act as (default: your login name; created on first use)",
    )


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="tokens",
        description="Personal API tokens: create scoped tokens, see what they may do, revoke them at once. "
        "Run without a command to open the terminal app.",
        epilog="Exit codes: 0 ok, 1 failed (or, for verify, inactive token), 2 verify: not allowed, "
        "3 verify: could not check, 64 bad command line.",
    )
    _common(parser, suppress=False)
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)

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
        default="never",
        metavar="WHEN",
        help="30d, 90d, 1y, never (default) or a date YYYY-MM-DD (valid through the end of that day, your time zone)",
    )
    _common(create, suppress=True)

    listing = commands.add_parser("list", help="list the account's tokens (never their secrets)")
    listing.add_argument("--json", action="store_true", help="print JSON for scripts")
    listing.add_argument("--all", action="store_true", help="include revoked tokens")
    _common(listing, suppress=True)

    revoke = commands.add_parser(
        "revoke",
        help="revoke a token for good; applications using it stop at once",
        description="Revoke a token. It stops working on the next request, everywhere, and cannot be restored.",
    )
    revoke.add_argument("token_id", metavar="TOKEN_ID", help="the token's id, as shown by 'tokens list'")
    revoke.add_argument("--yes", action="store_true", help="do not ask for confirmation (required without a terminal)")
    _common(revoke, suppress=True)

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
    _common(verify, suppress=True)

    demo = commands.add_parser(
        "demo",
        help="add a small realistic data set: two databases, forms, grants and tokens",
        description="Fill the database with demo forms and tokens for the account; safe to run twice.",
    )
    _common(demo, suppress=True)
    return parser


def _err(message: str) -> None:
    # Messages can quote what people typed (paths, names): never let that steer the terminal.
    print(f"tokens: {fmt.safe(message)}", file=sys.stderr)


def _stdin_is_terminal() -> bool:
    # sys.stdin is None when the command runs with stdin closed (`tokens … <&-`).
    try:
        return sys.stdin is not None and sys.stdin.isatty()
    except (ValueError, OSError):
        return False


def _open(args: argparse.Namespace) -> TokenStore:
    from store import TokenStore

    return TokenStore(args.db)


def cmd_create(args: argparse.Namespace) -> int:
    scope = Scope.parse(args.scope)
    expires_at = store.parse_expiry(args.expires)
    label = store.validate_label(args.label)
    with _open(args) as db:
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
    with _open(args) as db:
        try:
            tokens = db.list_tokens(account, include_revoked=args.all)
        except store.UnknownAccount:
            tokens = []  # listing creates nothing: an account not yet used simply has no tokens
    now = store.utcnow()
    if args.json:
        json.dump([t.as_dict(now) for t in tokens], sys.stdout, ensure_ascii=False, indent=2)
        sys.stdout.write("\n")
        return EXIT_OK
    if not tokens:
        hint = "" if args.all else " (revoked ones are hidden; --all shows them)"
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
    with _open(args) as db:
        account = args.account
        info = db.get_token(token_id, account=account)  # creates nothing, refuses others' tokens
        if info.revoked_at is not None:
            raise store.AlreadyRevoked(f"token {info.id} was already revoked on {fmt.when(info.revoked_at)}")
        if not args.yes:
            if not _stdin_is_terminal():
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
                _err("not revoked")
                return EXIT_FAIL
        revoked = db.revoke(token_id, by=account)
    print(f"Revoked token {revoked.id} “{fmt.safe(revoked.label)}”. Applications using it are refused from now on.",
          file=sys.stderr)
    return EXIT_OK


def _read_token_from_stdin() -> str:
    if sys.stdin is None:
        return ""
    if _stdin_is_terminal():
        return getpass.getpass("Token (input hidden): ")
    return sys.stdin.readline(4096)


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
    token = _read_token_from_stdin()
    try:
        with _open(args) as db:
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
        _err(str(exc))
        return EXIT_UNCHECKED
    print(json.dumps(answer))
    return code


def cmd_demo(args: argparse.Namespace) -> int:
    with _open(args) as db:
        account = db.ensure_account(args.account)
        added = db.seed_demo(account)
        where = db.location
    if added:
        print(f"Added demo data for {account} in {where}: databases, forms, grants and {len(added)} tokens.",
              file=sys.stderr)
    else:
        print(f"The demo data for {account} is already in {where}.", file=sys.stderr)
    # Name the database whenever it was chosen with --db: $TOKENS_DB may point somewhere else.
    print("Open the app with: tokens" + (f" --db {shlex.quote(where)}" if args.db else ""), file=sys.stderr)
    return EXIT_OK


def cmd_app(args: argparse.Namespace) -> int:
    from .app import run

    return run(db=args.db, account=args.account)


COMMANDS = {
    "create": cmd_create,
    "list": cmd_list,
    "revoke": cmd_revoke,
    "verify": cmd_verify,
    "demo": cmd_demo,
    None: cmd_app,
}


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    # The subcommands' copies of --db/--account leave no attribute when not given.
    args.db = getattr(args, "db", None)
    args.account = getattr(args, "account", None) or default_account()
    try:
        args.account = store.validate_account_name(args.account)
        return COMMANDS[args.command](args)
    except UsageError as exc:
        _err(str(exc))
        return EXIT_USAGE
    except StoreError as exc:
        _err(str(exc))
        return EXIT_FAIL
    except BrokenPipeError:
        # The reader went away (e.g. `tokens list | head`): not an error worth a message.
        sys.stderr.close()
        return EXIT_OK
    except KeyboardInterrupt:
        _err("interrupted; nothing was changed")
        return 130
    except Exception as exc:  # noqa: BLE001 - a person gets one line, not a traceback
        if os.environ.get("TOKENS_DEBUG"):
            raise
        _err(f"unexpected error ({type(exc).__name__}); run with TOKENS_DEBUG=1 for details")
        return EXIT_FAIL


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())

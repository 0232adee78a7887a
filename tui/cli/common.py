"""What every command group shares: exit codes, the parser that hides secrets, messages, opening the store."""

from __future__ import annotations

import argparse
import getpass
import re
import sys
from typing import TYPE_CHECKING, NoReturn

import store

from .. import format as fmt

if TYPE_CHECKING:
    from store import TokenStore

EXIT_OK = 0
EXIT_FAIL = 1
EXIT_NOT_ALLOWED = 2
EXIT_UNCHECKED = 3
EXIT_USAGE = 64


class UsageError(Exception):
    """A command line that cannot be understood: exit 64 with one line saying why."""


# Anything that looks like a token string; argparse would echo it back in its error messages.
_TOKEN_LIKE = re.compile(r"tkn_[0-9A-Za-z]+")


class Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        # A secret typed on the command line is already in the shell history; do not also copy it
        # into a terminal scrollback or a CI log.
        message, found = _TOKEN_LIKE.subn("tkn_…", message)
        if found:
            message += " (a token is never taken from the command line; 'tokens verify' reads it from stdin)"
        self.print_usage(sys.stderr)
        self.exit(EXIT_USAGE, f"{self.prog}: error: {message}\n")


def add_common(parser: argparse.ArgumentParser, *, suppress: bool) -> None:
    """``--db`` and ``--account``, accepted before and after the command name."""
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


def err(message: str) -> None:
    # Messages can quote what people typed (paths, names): never let that steer the terminal.
    print(f"tokens: {fmt.safe(message)}", file=sys.stderr)


def stdin_is_terminal() -> bool:
    # sys.stdin is None when the command runs with stdin closed (`tokens … <&-`).
    try:
        return sys.stdin is not None and sys.stdin.isatty()
    except (ValueError, OSError):
        return False


def read_token_from_stdin() -> str:
    """One token from stdin (hidden when typed at a terminal); never from the command line."""
    if sys.stdin is None:
        return ""
    if stdin_is_terminal():
        return getpass.getpass("Token (input hidden): ")
    return sys.stdin.readline(4096)


def open_store(args: argparse.Namespace) -> TokenStore:
    from store import TokenStore

    return TokenStore(args.db)


def resolve_actor(db: TokenStore, args: argparse.Namespace, *, create: bool = True):  # type: ignore[no-untyped-def]
    """Who is acting. Over SSH the key decided it (``args.ssh_actor``) and nothing on the command
    line changes it; otherwise the store resolves the login name and ``--account``."""
    established = getattr(args, "ssh_actor", None)
    if established is not None:
        return established
    return db.resolve_actor(args.login, args.account, create=create)

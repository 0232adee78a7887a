"""The ``tokens`` command.

With no subcommand it opens the terminal app. The subcommands are a contract that scripts rely
on: ``create`` prints the secret alone on stdout and everything else on stderr; ``verify`` reads
the token from stdin, never from the command line.

Exit codes: 0 success; 1 failure (one line on stderr says why); for ``verify`` 1 means an
inactive token, 2 an active token that is not allowed, 3 that it could not be checked;
64 a command line that cannot be understood.

One module per command group registers its commands on the parser (``register``) and sets the
function that runs each (``run``). A command line that names its command is read by a parser of
that command's group alone, so a short command imports and builds only what it runs; ``--help``,
no command, and any line that parser cannot read go to the parser of every command.
"""

from __future__ import annotations

import argparse
import os
import sys
from importlib import import_module

import store
from store import StoreError

from .common import EXIT_FAIL, EXIT_OK, EXIT_USAGE, Parser, UsageError, add_common, err, open_app

TYPE_CHECKING = False  # typing itself is not loaded: a short command has no use for it
if TYPE_CHECKING:
    from collections.abc import Sequence
    from typing import NoReturn

__all__ = ["build_parser", "main", "parse"]

#: The commands ``--read-only`` allows (it is there for people who only look): these change nothing.
#: Any other command, including one added later, is refused under it.
READ_ONLY_COMMANDS = frozenset({"list", "verify", "lookup", "audit", "db status", "account list", "ssh keys",
                                "policy show", "policy check"})


#: The command groups, in the order ``tokens --help`` lists them (a module of this package each).
GROUPS = ("tokens", "lifecycle", "accounts", "audit", "ssh", "demo", "db")
#: Which group registers each command.
COMMANDS = {
    "create": "tokens", "list": "tokens", "revoke": "tokens", "verify": "tokens", "lookup": "tokens",
    "rotate": "lifecycle", "edit": "lifecycle", "policy": "lifecycle",
    "account": "accounts", "grant": "accounts", "ungrant": "accounts",
    "audit": "audit", "ssh": "ssh", "demo": "demo", "db": "db",
}
#: The options taken before the command, and whether each takes a value.
_OPTIONS = {"--db": True, "--account": True, "--read-only": False, "--help": False}


def build_parser(groups: Sequence[str] = GROUPS, parser_class: type[Parser] = Parser) -> argparse.ArgumentParser:
    """The parser of the ``tokens`` command with the commands of ``groups`` (by default, all)."""
    parser = parser_class(
        prog="tokens",
        description="Personal API tokens: create scoped tokens, see what they may do, revoke them at once. "
        "Run without a command to open the terminal app.",
        epilog="Exit codes: 0 ok, 1 failed (or, for verify, inactive token), 2 verify: not allowed, "
        "3 verify: could not check, 64 bad command line.",
    )
    add_common(parser, suppress=False)
    parser.add_argument(
        "--read-only",
        action="store_true",
        help="open the app only to look: adding, revoking and every other change is hidden and refused",
    )
    parser.set_defaults(run=cmd_app)
    # The commands' usage lines start "tokens": argparse would lay out a usage line to learn that.
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=parser_class)
    for group in groups:
        import_module(f"{__name__}.{group}").register(commands)
    return parser


class _Unsure(Exception):
    """The parser of one group could not read the command line: the full parser will say why."""


class _OneGroupParser(Parser):
    def error(self, message: str) -> NoReturn:
        raise _Unsure(message)


def _groups_needed(argv: Sequence[str]) -> tuple[str, ...] | None:
    """The command group the command line names, ``()`` when it names no command (the app), or
    ``None`` when it asks for help or cannot be read this simply. The options before the command
    are read as argparse reads them, abbreviations included."""
    words = iter(argv)
    for word in words:
        if word in COMMANDS:
            return (COMMANDS[word],)
        name, equals, _ = word.partition("=")
        found = [option for option in _OPTIONS if option.startswith(name)] if name.startswith("--") else []
        if len(found) != 1 or found[0] == "--help" or (equals and not _OPTIONS[found[0]]):
            return None
        if _OPTIONS[found[0]] and not equals and next(words, None) is None:
            return None
    return ()


def parse(argv: Sequence[str] | None = None) -> argparse.Namespace:
    """Read the command line: with the named command's group alone when that reads it, else (and
    for help and every error message) with the parser of every command."""
    argv = sys.argv[1:] if argv is None else list(argv)
    groups = _groups_needed(argv)
    if groups is not None:
        try:
            return build_parser(groups, _OneGroupParser).parse_args(argv)
        except _Unsure:
            pass
    return build_parser().parse_args(argv)


def cmd_app(args: argparse.Namespace) -> int:
    return open_app(args.db, args.account, read_only=args.read_only)


def main(argv: Sequence[str] | None = None) -> int:
    args = parse(argv)
    action = getattr(args, "action", None)  # the word after a command that takes one ("account list")
    command = " ".join(filter(None, (getattr(args, "command", None), action)))
    if args.read_only and command and command not in READ_ONLY_COMMANDS:
        err(f"--read-only: '{command}' changes the database; run it without --read-only")
        return EXIT_USAGE
    # The subcommands' copies of --db/--account leave no attribute when not given.
    args.db = getattr(args, "db", None)
    chosen = getattr(args, "account", None)
    args.account_chosen = chosen is not None
    args.account = None
    try:
        try:
            args.login = store.validate_account_name(store.login_name())
            # An empty --account is a mistake to point out, not a request for the login name.
            if chosen is not None:
                args.account = store.validate_account_name(chosen)
            if args.db is not None:
                store.resolve_target(args.db)  # an in-memory database is refused before anything runs
        except (store.InvalidInput, store.DatabaseError) as exc:
            raise UsageError(str(exc)) from None
        return args.run(args)
    except UsageError as exc:
        err(str(exc))
        return EXIT_USAGE
    except StoreError as exc:
        err(str(exc))
        return EXIT_FAIL
    except BrokenPipeError:
        # The reader went away (e.g. `tokens list | head`): not an error worth a message.
        sys.stderr.close()
        return EXIT_OK
    except KeyboardInterrupt:
        err("interrupted; nothing was changed")
        return 130
    except Exception as exc:  # noqa: BLE001 - a person gets one line, not a traceback
        if os.environ.get("TOKENS_DEBUG"):
            raise
        err(f"unexpected error ({type(exc).__name__}); run with TOKENS_DEBUG=1 for details")
        return EXIT_FAIL

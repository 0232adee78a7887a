"""What every command group shares: exit codes, the parser that hides secrets, messages, opening the store."""

from __future__ import annotations

import argparse
import json
import re
import sys

import store

from .. import format as fmt

TYPE_CHECKING = False  # typing itself is not loaded: a short command has no use for it
if TYPE_CHECKING:
    from typing import Any, NoReturn

    from store import Actor, TokenStore

EXIT_OK = 0
EXIT_FAIL = 1
EXIT_NOT_ALLOWED = 2
EXIT_UNCHECKED = 3
EXIT_USAGE = 64


class UsageError(Exception):
    """A command line that cannot be understood: exit 64 with one line saying why."""


# Anything that looks like a token string; argparse would echo it back in its error messages.
_TOKEN_LIKE = re.compile(r"tkn_[0-9A-Za-z]+")


class _HelpFormatter(argparse.HelpFormatter):
    """argparse's own help layout, made ready only when it lays text out. argparse makes a
    formatter for every option it is given, only to check the option's value name; making one
    measures the terminal, which imports shutil (and the compression modules shutil imports): a
    cost every command paid, though only help and error messages use the measure."""

    def __init__(self, *args: object, **kwargs: object) -> None:
        self.__dict__["_made_with"] = (args, kwargs)

    def __getattr__(self, name: str) -> object:
        if name.startswith("__") or "_made_with" not in self.__dict__:
            raise AttributeError(name)
        made_with = self.__dict__.pop("_made_with")
        given = dict(self.__dict__)  # anything argparse set on it meanwhile stays as it set it
        super().__init__(*made_with[0], **made_with[1])  # type: ignore[arg-type]
        self.__dict__.update(given)
        return getattr(self, name)


class Parser(argparse.ArgumentParser):
    def __init__(self, *args: object, **kwargs: object) -> None:
        kwargs.setdefault("formatter_class", _HelpFormatter)
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]

    def add_subparsers(self, **kwargs: Any) -> argparse._SubParsersAction:  # type: ignore[type-arg]
        # Given no prog, argparse lays out this parser's usage to name its subcommands, which makes
        # the help formatter (and imports shutil) on every run. No command here has a positional
        # before its action word, so the name is this parser's own.
        kwargs.setdefault("prog", self.prog)
        return super().add_subparsers(**kwargs)

    def error(self, message: str) -> NoReturn:
        # A secret typed on the command line is already in the shell history; do not also copy it
        # into a terminal scrollback or a CI log.
        message, found = _TOKEN_LIKE.subn("tkn_…", message)
        if found:
            message += " (a token is never taken from the command line; 'tokens verify' reads it from stdin)"
        self.print_usage(sys.stderr)
        self.exit(EXIT_USAGE, f"{self.prog}: error: {message}\n")


class _DefaultPath:
    """The default database file, worked out when a help text shows it (finding it imports
    platformdirs, which a command given ``--db`` has no other use for)."""

    def __str__(self) -> str:
        return str(store.default_db_path())


def add_db(parser: argparse.ArgumentParser, *, suppress: bool = True) -> None:
    """``--db``, the same for every command that opens the database."""
    db = parser.add_argument(
        "--db",
        metavar="PATH_OR_URL",
        default=argparse.SUPPRESS if suppress else None,
        help=f"SQLite file or database URL (default: ${store.ENV_DB}, else %(default_path)s)",
    )
    db.default_path = _DefaultPath()  # type: ignore[attr-defined]  # argparse fills in %(…)s from the action


def add_common(parser: argparse.ArgumentParser, *, suppress: bool) -> None:
    """``--db`` and ``--account``, accepted before and after the command name."""
    default = argparse.SUPPRESS if suppress else None
    add_db(parser, suppress=suppress)
    parser.add_argument(
        "--account",
        metavar="NAME",
        default=default,
        help="act as this account, with its rights (administrators only, or on a database with no "
        "accounts yet; default: your login name, whose account is made on first use)",
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
        import getpass

        return getpass.getpass("Token (input hidden): ")
    return sys.stdin.readline(4096)


def open_store(args: argparse.Namespace) -> TokenStore:
    from store import TokenStore

    opened = TokenStore(args.db)
    for warning in opened.warnings:
        err(f"warning: {warning}")
    return opened



def resolve_actor(db: TokenStore, args: argparse.Namespace, *, create: bool = True):  # type: ignore[no-untyped-def]
    """Who is acting. Over SSH the key decided it (``args.ssh_actor``) and nothing on the command
    line changes it; otherwise the store resolves the login name and ``--account``."""
    established = getattr(args, "ssh_actor", None)
    if established is not None:
        return established
    return db.resolve_actor(args.login, args.account, create=create)


def confirm(question: str, *, yes: bool, what: str) -> bool:
    """Ask on the terminal (stderr) for the word 'yes'; without a terminal refuse unless ``--yes``."""
    if yes:
        return True
    if not stdin_is_terminal():
        raise UsageError(f"refusing to {what} without confirmation: no terminal to ask on; pass --yes")
    # The question goes to stderr like every other message: input() would write the prompt to
    # stdout, where a redirect hides it.
    print(f"{question}\nType 'yes' to {what}: ", end="", file=sys.stderr, flush=True)
    answer = sys.stdin.readline()
    if not answer.endswith("\n"):
        print(file=sys.stderr)  # end of input (ctrl-D): the terminal did not move to a new line
    # Irreversible: only the word the prompt asks for counts, not a reflexive 'y'.
    return answer.strip().lower() == "yes"


def print_json_lines(items: list[dict[str, object]]) -> None:
    for item in items:
        sys.stdout.write(json.dumps(item, ensure_ascii=False) + "\n")


def open_app(db: str | None, account: str | None = None, *, read_only: bool = False,
             actor: Actor | None = None) -> int:
    """The terminal app, as ``tokens`` with no command and an SSH key's session open it: the
    process exit code. ``actor``: who is acting, when a key has already established it."""
    import gc

    # Start-up makes thousands of objects that live as long as the app (classes, parsed styles,
    # widgets); before the first frame the cycle collector would only walk them again and again.
    # The app turns it back on as soon as its first frame is on the screen.
    gc.disable()
    try:
        from ..app import run
        from ..config import load

        config = load()  # themes are checked by the app, which knows them
        line = config.problem_line()
        if line is not None:
            err(line)  # left on the terminal when the app ends; the app says it too
        return run(db=db, account=account, read_only=read_only, config=config, actor=actor)
    finally:
        gc.enable()

"""``tokens ssh session FINGERPRINT``: what sshd runs when someone connects with a stored key.

The key decides the account, looked up at this moment (a removed key or a disabled account is
refused). What the client asked for arrives in ``SSH_ORIGINAL_COMMAND`` and is never given to a
shell: it is split like a shell would (``shlex``) and must be one of a few commands, which then
run exactly as they do locally — same output, same exit codes. The client cannot choose the
database or the account: ``--db`` and ``--account`` are refused.

- a terminal and no command: the app, as the key's account;
- a command: ``list``, ``create``, ``revoke``, ``verify``, ``lookup``, ``ssh keys``, ``help``, and
  for administrators their own commands too; anything else: one line, exit 64;
- neither (``ssh -T``): a short help, exit 0. The full-screen app never starts without a terminal.
"""

from __future__ import annotations

import argparse
import os
import shlex

import store

from .common import EXIT_OK, EXIT_USAGE, err, open_app

#: Everyone's commands over SSH (a read-only key: only those that change nothing).
COMMANDS = ("list", "create", "revoke", "verify", "lookup", "help")
READ_ONLY_COMMANDS = ("list", "verify", "lookup", "help")
#: Administrators' command groups, over SSH too.
ADMIN_COMMANDS = ("account", "grant", "ungrant", "audit")
#: ``tokens ssh …`` over SSH: listing one's keys; administrators also add and remove them. Never
#: ``authorized-keys`` (it can write files) nor ``session``.
SSH_ACTIONS = ("keys",)
SSH_ADMIN_ACTIONS = ("keys", "add-key", "remove-key")


def help_text(account: str, *, admin: bool, read_only: bool) -> str:
    mode = " (read-only key)" if read_only else ""
    lines = [
        f"tokens: personal API tokens. This SSH key opens the account {account}{mode}.",
        "",
        "  ssh -t HOST                        the app (needs a terminal: -t)",
        "  ssh HOST list [--json] [--all]     your tokens (never their secrets)",
    ]
    if not read_only:
        lines += [
            "  ssh HOST create --label LABEL --scope read|read_write [--expires 90d]",
            "                                     a new token: its secret alone on stdout, shown once",
            "  ssh HOST revoke TOKEN_ID --yes     revoke a token for good",
        ]
    lines += [
        "  ssh HOST verify < FILE             is the token in FILE active? (JSON; exit 0, 1, 2 or 3)",
        "  ssh HOST lookup < FILE             whose is the token in FILE?",
        "  ssh HOST ssh keys [--json]         your SSH keys",
        "  ssh HOST help                      this text; 'ssh HOST COMMAND --help' for one command",
    ]
    if admin and not read_only:
        lines += ["", "As an administrator also: account, grant, ungrant, audit, ssh add-key, ssh remove-key."]
    lines += ["", "Nothing else runs here: there is no shell."]
    return "\n".join(lines)


def refuse(message: str) -> int:
    err(message)
    return EXIT_USAGE


def run_session(args: argparse.Namespace) -> int:
    # The database is the one in sshd's line for this key; nothing the client sends chooses it.
    os.environ.pop(store.ENV_DB, None)
    with _open(args) as db:
        actor, key = db.session_key(args.fingerprint)
        admin = _is_admin(db, actor)
    requested = os.environ.get("SSH_ORIGINAL_COMMAND")
    if requested is None or not requested.strip():
        from ..terminal import has_terminal

        if has_terminal():
            return _run_app(args.db, actor, read_only=key.read_only)
        print(help_text(actor.account, admin=admin, read_only=key.read_only))
        return EXIT_OK
    try:
        argv = shlex.split(requested)
    except ValueError as exc:
        return refuse(f"cannot read that command ({exc}); 'help' lists what runs here")
    return run_requested(argv, args.db, actor, admin=admin, read_only=key.read_only)


def run_requested(argv: list[str], db: str | None, actor: store.Actor, *, admin: bool, read_only: bool) -> int:
    allowed = READ_ONLY_COMMANDS if read_only else COMMANDS + (ADMIN_COMMANDS if admin else ())
    name = argv[0] if argv else ""
    if name == "help" and len(argv) == 1:
        print(help_text(actor.account, admin=admin, read_only=read_only))
        return EXIT_OK
    if name != "ssh" and name not in allowed:
        shown = store.strip_controls(name)[:40]
        return refuse(f"{shown!r} is not available over SSH; 'help' lists what is (there is no shell)")
    from . import parse

    parsed = parse(argv)  # as locally: only the command's group is built; a bad line exits 64
    if getattr(parsed, "db", None) is not None or getattr(parsed, "account", None) is not None:
        return refuse("--db and --account are not accepted over SSH: your key decides the account")
    if parsed.command == "ssh":
        actions = SSH_ADMIN_ACTIONS if admin and not read_only else SSH_ACTIONS
        if parsed.action not in actions:
            return refuse(f"'ssh {parsed.action}' is not available over SSH; 'help' lists what is")
    elif parsed.command not in allowed:
        return refuse(f"{parsed.command!r} is not available over SSH; 'help' lists what is")
    parsed.db = db
    parsed.account = None
    parsed.login = actor.account
    parsed.ssh_actor = actor
    return parsed.run(parsed)


def _open(args: argparse.Namespace):  # type: ignore[no-untyped-def]
    from store import TokenStore

    return TokenStore(args.db)


def _is_admin(db: store.TokenStore, actor: store.Actor) -> bool:
    return db.get_account(actor).is_admin


def _run_app(db: str | None, actor: store.Actor, *, read_only: bool) -> int:
    # The key established who is acting: the app takes it as it is instead of resolving its own.
    return open_app(db, actor.account, read_only=read_only, actor=actor)

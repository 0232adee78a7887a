"""``tokens ssh …``: people's SSH keys, the lines sshd reads, and the session sshd runs for a key.

sshd is the gate (as for gitolite or GitLab's shell): each stored key is printed as an
``authorized_keys`` line whose forced command is ``tokens [--db …] ssh session FINGERPRINT``, so a
key can only ever open its own account, and only through this program.
"""

from __future__ import annotations

import argparse
import json
import os
import shlex
import shutil
import sys
import tempfile
from pathlib import Path

import store

from .. import format as fmt
from .common import EXIT_OK, UsageError, add_db, err, open_store, resolve_actor


def register(commands: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    group = commands.add_parser(
        "ssh",
        help="SSH access: people's keys, and the lines sshd reads",
        description="Give people access over SSH: each key opens one account, through this program only. "
        "See the README's 'Deploy for a team over SSH'.",
    )
    add_db(group)
    actions = group.add_subparsers(dest="action", metavar="ACTION", parser_class=type(group), required=True)

    add = actions.add_parser(
        "add-key",
        help="let a public key open an account over SSH (administrators)",
        description="Store a public key (the .pub file, or - for stdin) for an account. One key per call; "
        "options, certificates and private keys are refused.",
    )
    add.add_argument("key_account", metavar="ACCOUNT", help="the account the key opens")
    add.add_argument("pubkey_file", metavar="PUBKEY_FILE", help="the public key file, e.g. id_ed25519.pub; - reads stdin")
    # Its own name: the top-level --read-only (this session only looks) would refuse the command.
    add.add_argument("--read-only", dest="key_read_only", action="store_true",
                     help="this key may look but not change: list, verify, lookup, and the app without add or revoke")
    add_db(add)
    add.set_defaults(run=cmd_add_key)

    keys = actions.add_parser("keys", help="list SSH keys (yours; an administrator's: everyone's)")
    keys.add_argument("--json", action="store_true", help="print JSON for scripts")
    # Here --account chooses whose keys to list; it is not "act as" (use the top-level option for that).
    keys.add_argument("--account", dest="keys_of", metavar="NAME", help="only this account's keys")
    add_db(keys)
    keys.set_defaults(run=cmd_keys)

    remove = actions.add_parser(
        "remove-key",
        help="remove an SSH key (yours, or any as administrator); refused from the next connection",
    )
    remove.add_argument("fingerprint", metavar="FINGERPRINT", help="SHA256:… as 'tokens ssh keys' shows it")
    add_db(remove)
    remove.set_defaults(run=cmd_remove_key)

    lines = actions.add_parser(
        "authorized-keys",
        help="print authorized_keys lines for the stored keys (sshd's AuthorizedKeysCommand)",
        description="Print one authorized_keys line per key of an enabled account, each forcing "
        "'tokens ssh session FINGERPRINT'. Given KEYTYPE KEYBLOB (sshd's %t %k), only the line for that key. "
        "With --write PATH, replace that file (0600) atomically instead.",
    )
    lines.add_argument("key_type", metavar="KEYTYPE", nargs="?", help="the offered key's type (%%t)")
    lines.add_argument("key_blob", metavar="KEYBLOB", nargs="?", help="the offered key, base64 (%%k)")
    lines.add_argument("--write", metavar="PATH", help="write the lines to this file (mode 0600), replacing it atomically")
    add_db(lines)
    lines.set_defaults(run=cmd_authorized_keys)

    session = actions.add_parser(
        "session",
        help="what sshd runs for a key (the forced command); not for people to type",
        description="Look the key up now and act as its account: the app on a terminal, one of the allowed "
        "commands given in SSH_ORIGINAL_COMMAND, or a short help.",
    )
    session.add_argument("fingerprint", metavar="FINGERPRINT")
    add_db(session)
    session.set_defaults(run=cmd_session)


# ----------------------------------------------------------------------------- keys


def _read_key(path: str) -> str:
    if path == "-":
        return sys.stdin.read(store.PUBLIC_KEY_MAX + 1) if sys.stdin is not None else ""
    try:
        with open(path, encoding="utf-8", errors="strict") as file:
            return file.read(store.PUBLIC_KEY_MAX + 1)
    except UnicodeDecodeError:
        raise UsageError(f"{path}: not a public key file (it is not text)") from None
    except OSError as exc:
        raise UsageError(f"cannot read {path}: {exc.strerror}") from None


def cmd_add_key(args: argparse.Namespace) -> int:
    text = _read_key(args.pubkey_file)
    store.parse_public_key(text)  # a bad key is refused before the database is opened
    with open_store(args) as db:
        actor = resolve_actor(db, args, create=False)
        key = db.add_key(actor, args.key_account, text, read_only=args.key_read_only)
    mode = " (read-only)" if key.read_only else ""
    print(f"Added {key.type} key {key.fingerprint} for {fmt.safe(key.account)}{mode}. "
          f"It opens the account over SSH from the next connection.", file=sys.stderr)
    return EXIT_OK


def cmd_keys(args: argparse.Namespace) -> int:
    with open_store(args) as db:
        actor = resolve_actor(db, args, create=False)
        keys = db.keys(actor, args.keys_of)
    if args.json:
        json.dump([key.as_dict() for key in keys], sys.stdout, ensure_ascii=False, indent=2)
        sys.stdout.write("\n")
        return EXIT_OK
    if not keys:
        print("No SSH keys. An administrator adds one: tokens ssh add-key ACCOUNT id_ed25519.pub", file=sys.stderr)
        return EXIT_OK
    rows = [("FINGERPRINT", "ACCOUNT", "TYPE", "COMMENT", "ADDED", "ADDED BY", "")]
    for key in keys:
        rows.append((key.fingerprint, fmt.safe(key.account), key.type, fmt.safe(key.comment), fmt.when(key.created_at),
                     fmt.safe(key.created_by or ""), "read-only" if key.read_only else ""))
    print("\n".join(fmt.columns(rows)))
    return EXIT_OK


def cmd_remove_key(args: argparse.Namespace) -> int:
    fingerprint = store.check_fingerprint(args.fingerprint)
    with open_store(args) as db:
        actor = resolve_actor(db, args, create=False)
        key = db.remove_key(actor, fingerprint)
    print(f"Removed {key.type} key {key.fingerprint} of {fmt.safe(key.account)}. "
          "It is refused from the next connection on.", file=sys.stderr)
    return EXIT_OK


# ----------------------------------------------------------------------------- sshd's side


def tokens_program() -> str:
    """The absolute path of this program, for sshd to run (it knows no PATH of ours)."""
    argv0 = sys.argv[0] if sys.argv and sys.argv[0] else ""
    if argv0 and Path(argv0).name == "tokens" and os.access(argv0, os.X_OK):
        return os.path.abspath(argv0)
    found = shutil.which("tokens")
    if found is None:
        raise UsageError("cannot tell where the 'tokens' program is: run it by its path, e.g. /usr/local/bin/tokens")
    return os.path.abspath(found)


def session_command(db: str | None, fingerprint: str) -> str:
    """The forced command for one key: this program, the database it was given, the fingerprint."""
    words = [tokens_program()]
    if db is not None:
        target = store.resolve_target(db)
        words += ["--db", str(target.absolute()) if isinstance(target, Path) else target]
    words += ["ssh", "session", fingerprint]
    command = " ".join(shlex.quote(word) for word in words)
    # sshd reads the command between double quotes, and a shell runs it: keep both readings plain.
    if any(char in command for char in '"\\\n\r'):
        raise UsageError("the program's path or the database location holds a quote, backslash or line break; "
                         "sshd cannot be given it safely: move it")
    return command


def authorized_line(db: str | None, key: store.SshKeyInfo) -> str:
    return f'command="{session_command(db, key.fingerprint)}",restrict,pty {key.type} {key.blob}'


def cmd_authorized_keys(args: argparse.Namespace) -> int:
    if (args.key_type is None) != (args.key_blob is None):
        raise UsageError("give both KEYTYPE and KEYBLOB (sshd's %t %k), or neither")
    # sshd passes no environment: the database this command was told about travels in each line.
    db = args.db if args.db is not None else os.environ.get(store.ENV_DB) or None
    with open_store(args) as opened:
        keys = opened.authorized_keys(args.key_type, args.key_blob)
    lines = "".join(authorized_line(db, key) + "\n" for key in keys)
    if args.write is None:
        sys.stdout.write(lines)
        return EXIT_OK
    _replace_file(Path(args.write), lines)
    print(f"Wrote {len(keys)} key(s) to {fmt.safe(args.write)}.", file=sys.stderr)
    return EXIT_OK


def _replace_file(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` (0600) so that sshd reads either the old file or the new, never half."""
    directory = path.parent if str(path.parent) else Path(".")
    try:
        handle, temporary = tempfile.mkstemp(dir=directory, prefix=f".{path.name}.", suffix=".tmp")
    except OSError as exc:
        raise UsageError(f"cannot write in {directory}: {exc.strerror}") from None
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as file:
            os.fchmod(file.fileno(), 0o600)
            file.write(text)
            file.flush()
            os.fsync(file.fileno())
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def cmd_session(args: argparse.Namespace) -> int:
    from .ssh_session import run_session

    return run_session(args)

"""End to end with the real OpenSSH: a throwaway sshd, two people's keys, the real client in tmux.

Set up as the README tells an administrator: sshd asks ``tokens ssh authorized-keys %t %k`` for
the keys, and each key's forced command is ``tokens ssh session FINGERPRINT``. Every test checks
that no process is left behind once its client has gone.
"""

from __future__ import annotations

import json
import os
import re
import shlex
import shutil
import signal
import sqlite3
import subprocess
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest



from store import Actor, Scope, TokenStore
from store import tokenstring

from sshd import DEADLINE, Sshd, keygen, private_folder, sshd_available, tokens_program

_why_not = sshd_available()
if _why_not and os.environ.get("TOKENS_TEST_SSHD") == "required":
    raise RuntimeError(f"the SSH end-to-end tests must run here, but: {_why_not}")
pytestmark = [
    pytest.mark.skipif(_why_not is not None, reason=_why_not or ""),
    pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is not installed"),
]

SECRET = re.compile(r"tkn_[0-9A-Za-z]{40,}")
ALICE_LABEL = "Alice – Power BI"
BOB_LABEL = "Bob – nightly export"


@dataclass
class Site:
    sshd: Sshd
    database: Path
    folder: Path

    def key(self, name: str) -> Path:
        return self.folder / name

    def ssh(self, who: str, *args: str, stdin: str = "", tty: bool | None = None) -> subprocess.CompletedProcess[str]:
        return self.sshd.ssh(self.key(who), *args, stdin=stdin, tty=tty)

    def tokens(self, *args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
        """The administrator at the server (the login ``admin``), running ``tokens`` on the service's database."""
        env = {**os.environ, "USER": "admin", "LOGNAME": "admin"}
        return subprocess.run([tokens_program(), "--db", str(self.database), *args], input=stdin,
                              capture_output=True, text=True, timeout=60, env=env)

    def store(self) -> TokenStore:
        return TokenStore(self.database)


@pytest.fixture
def site() -> Iterator[Site]:
    folder = private_folder()
    database = folder / "tokens.db"
    server = Sshd(folder, database)
    try:
        with TokenStore(database) as db:
            db.ensure_account("admin")  # the first account: the administrator
            admin = Actor("admin")
            for name, label in (("alice", ALICE_LABEL), ("bob", BOB_LABEL)):
                db.add_account(admin, name)
                db.create_token(Actor(name), label, Scope.READ)
        site = Site(server, database, folder)
        for name in ("alice", "bob"):
            keygen(folder / name, f"{name}@laptop")
            added = site.tokens("ssh", "add-key", name, str(folder / f"{name}.pub"))
            assert added.returncode == 0, added.stderr
        server.start()
        yield site
        server.wait_no_leftovers()
    finally:
        server.stop()
        shutil.rmtree(folder, ignore_errors=True)


class Tmux:
    """The ssh client in a 100×30 tmux pane on a private tmux server, with OSC 52 turned on."""

    def __init__(self) -> None:
        self._tmux = ["tmux", "-L", f"tokens-ssh-{uuid.uuid4().hex[:12]}", "-f", "/dev/null"]

    def run(self, *args: str) -> str:
        done = subprocess.run([*self._tmux, *args], capture_output=True, text=True, timeout=10)
        if done.returncode != 0:
            raise AssertionError(f"tmux {' '.join(args)} failed: {done.stderr.strip()}")
        return done.stdout

    def start(self, argv: list[str]) -> None:
        self.run("new-session", "-d", "-s", "ssh", "-x", "100", "-y", "30", shlex.join(argv))
        self.run("set-option", "-s", "set-clipboard", "on")
        self.run("set-option", "-t", "ssh", "remain-on-exit", "on")

    def screen(self) -> str:
        return self.run("capture-pane", "-p", "-t", "ssh")

    def keys(self, *keys: str) -> None:
        self.run("send-keys", "-t", "ssh", *keys)

    def type(self, text: str) -> None:
        self.run("send-keys", "-t", "ssh", "-l", text)

    def pane_pid(self) -> int:
        return int(self.run("display-message", "-p", "-t", "ssh", "#{pane_pid}").strip())

    def pane_dead(self) -> bool:
        return self.run("display-message", "-p", "-t", "ssh", "#{pane_dead}").strip() == "1"

    def wait_for(self, what: str | Callable[[str], bool], timeout: float = DEADLINE) -> str:
        check = what if callable(what) else (lambda screen: what in screen)
        deadline = time.monotonic() + timeout
        screen = ""
        while time.monotonic() < deadline:
            screen = self.screen()
            if check(screen):
                return screen
            time.sleep(0.05)
        raise AssertionError(f"waited {timeout} s for {what!r}; the screen shows:\n{screen}")

    def close(self) -> None:
        subprocess.run([*self._tmux, "kill-server"], capture_output=True, timeout=10)


@pytest.fixture
def tmux() -> Iterator[Tmux]:
    term = Tmux()
    try:
        yield term
    finally:
        term.close()


def test_the_app_opens_as_the_keys_account_and_a_new_token_is_copied_through_tmux(site: Site, tmux: Tmux) -> None:
    tmux.start(site.sshd.ssh_command(site.key("alice"), tty=True))
    screen = tmux.wait_for(ALICE_LABEL)
    assert "alice" in screen
    assert BOB_LABEL not in screen, "another account's tokens are visible"

    tmux.keys("a")
    tmux.wait_for("Add a token")
    tmux.type("Over SSH")
    tmux.keys("Enter")
    screen = tmux.wait_for(lambda s: SECRET.search(s) is not None)
    secret = SECRET.search(screen).group(0)  # type: ignore[union-attr]
    tmux.keys("c")
    deadline = time.monotonic() + DEADLINE
    while True:
        buffers = subprocess.run([*tmux._tmux, "show-buffer"], capture_output=True, text=True, timeout=10).stdout
        if secret in buffers:
            break
        assert time.monotonic() < deadline, "the copied token never reached tmux's buffer (OSC 52)"
        time.sleep(0.05)

    # The connection goes away with the secret on screen: the token stays, active and never used,
    # so its owner can spot it in the list and revoke it.
    os.kill(tmux.pane_pid(), signal.SIGKILL)
    site.sshd.wait_no_leftovers()
    with site.store() as db:
        [token] = [t for t in db.list_tokens(Actor("alice")) if t.label == "Over SSH"]
        assert token.id == tokenstring.parse(secret)[0]
        assert token.is_active() and token.last_used_at is None
        assert db.authenticate(secret).account == "alice"


def test_commands_over_ssh_are_the_allowed_subset_for_the_keys_account(site: Site) -> None:
    listed = site.ssh("alice", "list", "--json")
    assert listed.returncode == 0, listed.stderr
    assert [t["label"] for t in json.loads(listed.stdout)] == [ALICE_LABEL]

    created = site.ssh("alice", "create", "--label", "'script over ssh'", "--scope", "read")
    assert created.returncode == 0, created.stderr
    secret = created.stdout.strip()
    assert SECRET.fullmatch(secret)
    verified = site.ssh("alice", "verify", stdin=secret + "\n")
    assert verified.returncode == 0 and json.loads(verified.stdout)["account"] == "alice"

    # Never a shell, never another account, never another database.
    for attempt in (["/bin/sh"], ["sh", "-c", "id"], ["list;", "id"], ["--account", "bob", "list"],
                    ["list", "--account", "bob"], ["list", "--db", "/tmp/other.db"], ["ssh", "authorized-keys"],
                    ["demo"], ["account", "list"]):
        refused = site.ssh("alice", "--", *attempt)
        assert refused.returncode == 64, (attempt, refused)
        assert refused.stdout == "", (attempt, refused.stdout)
        assert refused.stderr.startswith("tokens:") and refused.stderr.count("\n") == 1, (attempt, refused.stderr)
        assert BOB_LABEL not in refused.stderr

    bobs = json.loads(site.ssh("bob", "list", "--json").stdout)
    assert [t["label"] for t in bobs] == [BOB_LABEL]
    not_hers = site.ssh("alice", "revoke", bobs[0]["id"], "--yes")
    assert not_hers.returncode == 1 and "no token" in not_hers.stderr
    with site.store() as db:
        assert db.get_token(Actor("bob"), bobs[0]["id"]).revoked_at is None


def test_without_a_terminal_or_command_a_help_is_printed_and_nothing_stays(site: Site) -> None:
    done = site.ssh("alice", tty=False)
    assert done.returncode == 0, done.stderr
    assert "alice" in done.stdout and "ssh -t" in done.stdout and "list" in done.stdout
    assert "\x1b" not in done.stdout, "the app wrote escape codes into a pipe"
    site.sshd.wait_no_leftovers()


def test_killing_the_client_mid_dialog_leaves_no_process_and_an_intact_database(site: Site, tmux: Tmux) -> None:
    tmux.start(site.sshd.ssh_command(site.key("alice"), tty=True))
    tmux.wait_for(ALICE_LABEL)
    tmux.keys("a")
    tmux.wait_for("Add a token")
    tmux.type("half typed")
    tmux.wait_for("half typed")
    os.kill(tmux.pane_pid(), signal.SIGKILL)
    site.sshd.wait_no_leftovers()
    with sqlite3.connect(site.database) as connection:
        assert connection.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    with site.store() as db:
        assert [t.label for t in db.list_tokens(Actor("alice"), include_revoked=True)] == [ALICE_LABEL]


def test_a_removed_key_is_refused_on_the_next_connection(site: Site) -> None:
    assert site.ssh("bob", "list").returncode == 0
    listed = json.loads(site.tokens("ssh", "keys", "--json", "--account", "bob").stdout)
    removed = site.tokens("ssh", "remove-key", listed[0]["fingerprint"])
    assert removed.returncode == 0, removed.stderr
    refused = site.ssh("bob", "list")
    assert refused.returncode == 255 and "Permission denied" in refused.stderr
    assert site.ssh("alice", "list").returncode == 0, "only the removed key is refused"

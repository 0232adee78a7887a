"""End to end: the real ``tokens`` program in a real terminal (tmux), driven with keys only.

Each test runs its own tmux server (a private socket), so it never touches a person's tmux
sessions and can run in parallel with other tests; the server is killed afterwards.
"""

from __future__ import annotations

import re
import shlex
import shutil
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from store import Actor, InvalidToken, Scope, TokenStore

pytestmark = pytest.mark.skipif(
    shutil.which("tmux") is None,
    reason="tmux is not installed: the end-to-end tests drive the real app in a terminal",
)

ACCOUNT = "alice"
EXISTING = "Existing – backup job"
NEW_LABEL = "E2E laptop 42"
SECRET = re.compile(r"tkn_[0-9A-Za-z]{40,}")


def tokens_program() -> str:
    program = Path(sys.executable).with_name("tokens")
    assert program.exists(), f"the 'tokens' program is not installed next to {sys.executable}"
    return str(program)


class Terminal:
    """The ``tokens`` app in a tmux pane (120×40 unless told): send keys, read the screen."""

    def __init__(self, width: int = 120, height: int = 40) -> None:
        self.socket = f"tokens-e2e-{uuid.uuid4().hex[:12]}"
        self.session = f"app-{uuid.uuid4().hex[:8]}"
        self._tmux = ["tmux", "-L", self.socket, "-f", "/dev/null"]
        self.width, self.height = width, height

    def start(self, command: str) -> None:
        self.run("new-session", "-d", "-s", self.session, "-x", str(self.width), "-y", str(self.height), command)
        # Keep the pane when the app exits, so a crash leaves its last words to read.
        self.run("set-option", "-t", self.session, "remain-on-exit", "on")

    def run(self, *args: str) -> str:
        done = subprocess.run([*self._tmux, *args], capture_output=True, text=True, timeout=10)
        if done.returncode != 0:
            raise AssertionError(f"tmux {' '.join(args)} failed: {done.stderr.strip()}")
        return done.stdout

    def screen(self) -> str:
        return self.run("capture-pane", "-p", "-t", self.session)

    def keys(self, *keys: str) -> None:
        self.run("send-keys", "-t", self.session, *keys)

    def type(self, text: str) -> None:
        self.run("send-keys", "-t", self.session, "-l", text)

    def wait_for(self, what: str | Callable[[str], bool], timeout: float = 30.0) -> str:
        """Poll the screen until ``what`` is on it (or the predicate holds); return the screen."""
        check = what if callable(what) else (lambda screen: what in screen)
        deadline = time.monotonic() + timeout
        screen = ""
        while time.monotonic() < deadline:
            screen = self.screen()
            if check(screen):
                return screen
            time.sleep(0.03)
        raise AssertionError(f"waited {timeout} s for {what!r}; the screen shows:\n{screen}")

    def close(self) -> None:
        """Stop this test's tmux server and remove its socket."""
        found = subprocess.run(
            [*self._tmux, "display-message", "-p", "#{socket_path}"], capture_output=True, text=True, timeout=10
        )
        subprocess.run([*self._tmux, "kill-server"], capture_output=True, timeout=10)
        if found.returncode == 0 and found.stdout.strip():
            Path(found.stdout.strip()).unlink(missing_ok=True)


@pytest.fixture
def database(tmp_path: Path) -> Path:
    path = tmp_path / "tokens.db"
    with TokenStore(path) as db:
        db.ensure_account(ACCOUNT)
        db.create_token(Actor(ACCOUNT), EXISTING, Scope.READ_WRITE)
    return path


def app_command(tmp_path: Path, database: Path) -> str:
    environment = {
        "XDG_DATA_HOME": str(tmp_path / "xdg-data"),
        "TOKENS_ARGON2_PROFILE": "CHEAPEST",
        "TOKENS_ALLOW_INSECURE_HASHING": "1",
        "TOKENS_DEBUG": "1",
        # The person at the terminal is alice: the app acts as its login name.
        "LOGNAME": ACCOUNT,
        "USER": ACCOUNT,
    }
    # COLUMNS and LINES, if the test runner has them, would override the pane's real size.
    command = "exec env -u TOKENS_DB -u COLUMNS -u LINES " + " ".join(f"{k}={shlex.quote(v)}" for k, v in environment.items())
    command += " " + shlex.join([tokens_program(), "--db", str(database)])
    return command


@pytest.fixture
def terminal(tmp_path: Path, database: Path) -> Iterator[Terminal]:
    term = Terminal()
    try:
        term.start(app_command(tmp_path, database))
        yield term
    finally:
        term.close()


def _token_by_label(path: Path, label: str):  # type: ignore[no-untyped-def]
    with TokenStore(path) as db:
        matches = [t for t in db.list_tokens(Actor(ACCOUNT), include_revoked=True) if t.label == label]
    assert len(matches) == 1, matches
    return matches[0]


def test_add_reveal_and_revoke_with_keys_only(terminal: Terminal, database: Path) -> None:
    terminal.wait_for(EXISTING, timeout=60)

    # Add: the label field has the focus; enter in it generates.
    terminal.keys("a")
    terminal.wait_for("Add a token")
    terminal.type(NEW_LABEL)
    terminal.wait_for(NEW_LABEL)
    terminal.keys("Enter")

    # The one-time reveal shows the whole token string.
    screen = terminal.wait_for(lambda s: "Your new token" in s and SECRET.search(s) is not None)
    found = SECRET.search(screen)
    assert found is not None
    secret = found.group(0)
    with TokenStore(database) as db:
        assert db.authenticate(secret).account == ACCOUNT, "the secret on the screen is the token's secret"

    # Leaving asks once; the answer is a second escape (ignored for a moment after the question,
    # so keep answering until the screen has gone).
    terminal.keys("Escape")
    terminal.wait_for("Have you copied it?")
    deadline = time.monotonic() + 30
    while "Your new token" in terminal.screen():
        assert time.monotonic() < deadline, "the reveal screen did not close"
        terminal.keys("Escape")
        try:
            terminal.wait_for(lambda s: "Your new token" not in s, timeout=0.7)
        except AssertionError:
            continue

    # Back on the list, the new token is there and highlighted; its secret is nowhere.
    screen = terminal.wait_for(NEW_LABEL)
    assert secret not in screen
    assert secret[4:20] not in screen

    # Revoke: `r` asks; Cancel has the focus, `y` confirms.
    terminal.keys("r")
    question = f"Revoke “{NEW_LABEL}”?"
    terminal.wait_for(question)
    terminal.keys("y")

    deadline = time.monotonic() + 30
    while _token_by_label(database, NEW_LABEL).revoked_at is None:
        assert time.monotonic() < deadline, "the token was not revoked in the store"
        time.sleep(0.05)
    with TokenStore(database) as db, pytest.raises(InvalidToken):
        db.authenticate(secret)
    assert _token_by_label(database, EXISTING).revoked_at is None, "only the chosen token is revoked"

    screen = terminal.wait_for(lambda s: question not in s and "revoked" in s.lower())
    assert secret not in screen
    assert secret[4:20] not in screen

    terminal.keys("C-q")


@pytest.mark.parametrize("size", [(50, 14), (60, 20)], ids=["50x14", "60x20"])
def test_small_terminals_keep_the_list_and_reach_generate(tmp_path: Path, database: Path, size: tuple[int, int]) -> None:
    term = Terminal(*size)
    try:
        term.start(app_command(tmp_path, database))
        # The list is there, with its header row, not only the detail panel.
        term.wait_for(lambda s: EXISTING[:14] in s and "Label" in s, timeout=60)

        term.keys("a")
        term.wait_for("Add a token")
        term.type("Small screen")
        term.wait_for("Small screen")
        # Generate by the key the footer shows at every size (tab to the button and its scrolling
        # into view are checked by test_add_token_screen at 80×24).
        term.wait_for("^s Generate")
        term.keys("C-s")
        term.wait_for(lambda s: "Your new token" in s or SECRET.search(s) is not None)
        assert _token_by_label(database, "Small screen").revoked_at is None
    finally:
        term.close()

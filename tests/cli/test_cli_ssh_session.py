"""``tokens ssh session FINGERPRINT``, what sshd runs for a stored key, without sshd: the app as
the key's account, and the commands the client asks for (tests/ssh does the same through sshd)."""

from __future__ import annotations

import gc
import shlex

import pytest

BOB_KEY = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAINOM4mEb6LDTYCODZKFf0uJfYch1vfQMCK1uyE3QmW3i bob@laptop"


@pytest.fixture
def session(tokens, create, cli, db, monkeypatch):  # type: ignore[no-untyped-def]
    """``session(command, read_only=False)``: connect with bob's key, asking for ``command``
    (``None``: none, from a terminal)."""

    def connect(command: str | None, *, read_only: bool = False):  # type: ignore[no-untyped-def]
        create()  # alice's account first: the administrator, who adds bob and his key
        assert tokens("account", "add", "bob").code == 0
        flags = ["--read-only"] if read_only else []
        added = tokens("ssh", "add-key", "bob", "-", *flags, stdin=BOB_KEY + "\n")
        assert added.code == 0, added
        fingerprint = tokens("ssh", "keys", "--json").json[0]["fingerprint"]
        if command is None:
            monkeypatch.delenv("SSH_ORIGINAL_COMMAND", raising=False)
            monkeypatch.setattr("tui.terminal.has_terminal", lambda: True)
        else:
            monkeypatch.setenv("SSH_ORIGINAL_COMMAND", command)
        return cli("ssh", "session", fingerprint, "--db", db)

    return connect


@pytest.mark.parametrize("read_only", [False, True])
def test_a_key_with_a_terminal_opens_the_app_as_its_account(session, monkeypatch, read_only) -> None:
    opened: list[dict[str, object]] = []

    def run(**kwargs: object) -> int:
        opened.append({**kwargs, "collector_on": gc.isenabled()})
        return 0

    monkeypatch.setattr("tui.app.run", run)
    result = session(None, read_only=read_only)

    assert result.code == 0, result
    (app,) = opened
    assert app["actor"].account == "bob" and app["read_only"] is read_only  # type: ignore[attr-defined]
    assert app["collector_on"] is False  # off while the app starts, as for the local command
    assert gc.isenabled()


def test_a_command_over_ssh_runs_as_the_keys_account(session, tokens) -> None:
    result = session("create --label Laptop --scope read")

    assert result.code == 0, result
    secret = result.out.strip()
    assert result.out == secret + "\n" and secret.startswith("tkn_")
    (token,) = [t for t in tokens("list", "--json", "--all-accounts").json if t["account"] == "bob"]
    assert token["label"] == "Laptop"


@pytest.mark.parametrize(
    ("command", "message"),
    [
        ("list --no-such-option", "unrecognized arguments: --no-such-option"),
        ("create --label", "argument --label: expected one argument"),
        ("ssh keys extra", "unrecognized arguments: extra"),
    ],
)
def test_a_command_line_that_cannot_be_read_exits_64_as_locally(session, cli, command, message) -> None:
    result = session(command)
    local = cli(*shlex.split(command))

    assert result.code == local.code == 64
    assert message in result.err and result.err == local.err and result.out == ""


def test_db_and_account_options_are_refused_over_ssh(session) -> None:
    result = session("list --account alice")

    result.assert_one_error_line()
    assert result.code == 64 and "your key decides the account" in result.err


def test_an_administrator_adds_a_key_that_may_only_look(tokens, create) -> None:
    create()
    assert tokens("account", "add", "bob").code == 0

    added = tokens("ssh", "add-key", "bob", "-", "--read-only", stdin=BOB_KEY + "\n")

    assert added.code == 0, added
    (key,) = tokens("ssh", "keys", "--json").json
    assert key["account"] == "bob" and key["read_only"] is True
    assert tokens("--read-only", "ssh", "add-key", "bob", "-", stdin=BOB_KEY + "\n").code == 64

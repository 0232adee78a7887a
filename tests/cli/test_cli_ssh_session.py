"""``tokens ssh session FINGERPRINT``, what sshd runs for a stored key, without sshd: the app as
the key's account, and the commands the client asks for (tests/ssh does the same through sshd)."""

from __future__ import annotations

import pytest

BOB_KEY = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAINOM4mEb6LDTYCODZKFf0uJfYch1vfQMCK1uyE3QmW3i bob@laptop"


def test_an_administrator_adds_a_key_that_may_only_look(tokens, create) -> None:
    create()
    assert tokens("account", "add", "bob").code == 0

    added = tokens("ssh", "add-key", "bob", "-", "--read-only", stdin=BOB_KEY + "\n")

    assert added.code == 0, added
    (key,) = tokens("ssh", "keys", "--json").json
    assert key["account"] == "bob" and key["read_only"] is True
    assert tokens("--read-only", "ssh", "add-key", "bob", "-", stdin=BOB_KEY + "\n").code == 64

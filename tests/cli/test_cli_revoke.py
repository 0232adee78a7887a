"""``tokens revoke``: asks on a terminal, refuses without one unless ``--yes``; irreversible."""

from __future__ import annotations

from store import Actor

import pytest

both_backends = pytest.mark.parametrize("db", ["sqlite", "postgresql"], indirect=True)


@both_backends
def test_revoke_with_yes(tokens, create, id_of, statuses) -> None:
    secret = create("Sync script")
    token_id = id_of(secret)

    result = tokens("revoke", token_id, "--yes")

    assert result.code == 0, result
    assert result.out == ""
    assert token_id in result.err and "Sync script" in result.err
    assert statuses() == {token_id: "revoked"}
    inactive = tokens("verify", stdin=secret)
    assert (inactive.code, inactive.out) == (1, '{"active": false}\n')


def test_refuses_without_a_terminal_and_changes_nothing(tokens, create, id_of, statuses) -> None:
    token_id = id_of(create())

    result = tokens("revoke", token_id, stdin="yes\n", tty=False)

    assert result.code == 64
    result.assert_one_error_line()
    assert "--yes" in result.err
    assert statuses() == {token_id: "active"}


def test_asks_on_a_terminal_and_accepts_yes(tokens, create, id_of, statuses) -> None:
    token_id = id_of(create("Power BI – laptop"))

    result = tokens("revoke", token_id, stdin="yes\n", tty=True)

    assert result.code == 0, result
    assert result.out == ""  # the question goes to stderr, like every other message
    assert "Power BI – laptop" in result.err and "cannot be undone" in result.err
    assert "Type 'yes'" in result.err
    assert statuses() == {token_id: "revoked"}


@pytest.mark.parametrize("answer", ["", "\n", "no\n", "y\n", "yes please\n", "ja\n"])
def test_anything_but_yes_keeps_the_token(tokens, create, id_of, statuses, answer) -> None:
    token_id = id_of(create())

    result = tokens("revoke", token_id, stdin=answer, tty=True)

    assert result.code == 1
    assert result.err.endswith("tokens: not revoked\n")
    if not answer:  # ctrl-D: the message still starts on a line of its own
        assert result.err.endswith("\ntokens: not revoked\n")
    assert statuses() == {token_id: "active"}


def test_yes_is_case_and_space_insensitive(tokens, create, id_of, statuses) -> None:
    token_id = id_of(create())

    assert tokens("revoke", token_id, stdin="  YES \n", tty=True).code == 0
    assert statuses() == {token_id: "revoked"}


@both_backends
def test_revoking_twice_is_a_clear_error(tokens, create, id_of) -> None:
    token_id = id_of(create())
    assert tokens("revoke", token_id, "--yes").code == 0

    again = tokens("revoke", token_id, "--yes")

    assert again.code == 1
    again.assert_one_error_line()
    assert "already revoked" in again.err and token_id in again.err


def test_another_accounts_token_is_not_found(cli, db, create, id_of, statuses) -> None:
    token_id = id_of(create())

    result = cli("--db", db, "--account", "mallory", "revoke", token_id, "--yes")

    assert result.code == 1
    result.assert_one_error_line()
    assert "no token" in result.err
    assert statuses() == {token_id: "active"}


def test_unknown_id(tokens) -> None:
    result = tokens("revoke", "AAAAAAAAAAAA", "--yes")

    assert result.code == 1
    result.assert_one_error_line()
    assert "no token with id 'AAAAAAAAAAAA'" in result.err


def test_a_full_secret_instead_of_an_id_is_refused(tokens, create, id_of, statuses) -> None:
    secret = create()

    result = tokens("revoke", secret, "--yes")

    assert result.code == 64
    result.assert_one_error_line()
    assert secret not in result.err
    assert "secret, not its id" in result.err
    assert statuses() == {id_of(secret): "active"}


def test_revoke_is_audited(tokens, create, id_of, db) -> None:
    from store import TokenStore

    token_id = id_of(create())
    assert tokens("revoke", token_id, "--yes").code == 0

    with TokenStore(db) as store:
        actions = [(e.actor, e.action) for e in store.audit_events(Actor("alice"), token_id=token_id)]
    assert actions == [("alice", "token.revoke"), ("alice", "token.create")]  # newest first

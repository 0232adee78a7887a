"""A database that cannot be used gets one clear line on stderr, never a traceback, and no change."""

from __future__ import annotations

import os

import pytest

COMMANDS = [
    ["list"],
    ["list", "--json", "--all"],
    ["create", "--label", "L", "--scope", "read"],
    ["revoke", "AAAAAAAAAAAA", "--yes"],
    ["demo"],
]
GARBAGE = b"this is not a database\n" * 200


@pytest.mark.parametrize("command", COMMANDS, ids=lambda c: " ".join(c))
def test_missing_directory(cli, tmp_path, command) -> None:
    target = tmp_path / "no-such-directory" / "tokens.db"

    result = cli("--db", str(target), "--account", "alice", *command)

    assert result.code == 1
    result.assert_one_error_line()
    assert "does not exist" in result.err
    assert result.out == ""
    assert not target.parent.exists()


@pytest.mark.parametrize("command", COMMANDS, ids=lambda c: " ".join(c))
def test_corrupt_file(cli, tmp_path, command) -> None:
    target = tmp_path / "tokens.db"
    target.write_bytes(GARBAGE)

    result = cli("--db", str(target), "--account", "alice", *command)

    assert result.code == 1
    result.assert_one_error_line()
    assert "not a tokens database" in result.err
    assert result.out == ""
    assert target.read_bytes() == GARBAGE


def test_a_directory_is_not_a_database(cli, tmp_path) -> None:
    result = cli("--db", str(tmp_path), "--account", "alice", "list")

    assert result.code == 1
    result.assert_one_error_line()
    assert "directory" in result.err


@pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0, reason="needs a user that file permissions apply to")
def test_unreadable_file(cli, tmp_path) -> None:
    target = tmp_path / "tokens.db"
    assert cli("--db", str(target), "--account", "alice", "create", "--label", "L", "--scope", "read").code == 0
    before = target.read_bytes()
    target.chmod(0)
    try:
        for command in COMMANDS:
            result = cli("--db", str(target), "--account", "alice", *command)
            assert result.code == 1, (command, result)
            result.assert_one_error_line()
            assert "permission denied" in result.err
    finally:
        target.chmod(0o600)
    assert target.read_bytes() == before


def test_verify_says_it_could_not_check(cli, tmp_path) -> None:
    # Exit 3, not 1: a script must not mistake a broken database for a revoked token.
    target = tmp_path / "tokens.db"
    target.write_bytes(GARBAGE)

    result = cli("--db", str(target), "verify", stdin="tkn_" + "A" * 50)

    assert result.code == 3
    result.assert_one_error_line()
    assert result.out == ""


def test_unreachable_database_server(cli) -> None:
    pytest.importorskip("psycopg")
    url = "postgresql+psycopg://nobody@127.0.0.1:1/none?connect_timeout=2"

    result = cli("--db", url, "--account", "alice", "list")

    assert result.code == 1
    result.assert_one_error_line()
    assert "cannot reach" in result.err


def test_unknown_url_scheme(cli) -> None:
    result = cli("--db", "nosuchdb://x/y", "--account", "alice", "list")

    assert result.code == 1
    result.assert_one_error_line()



def test_a_mistyped_account_is_not_created_by_list_or_revoke(cli, tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from store import TokenStore

    db = str(tmp_path / "t.db")
    monkeypatch.setenv("LOGNAME", "bob")
    assert cli("create", "--label", "Real", "--scope", "read", "--db", db).code == 0
    # bob, the first account, is the administrator and may act as others; that creates nothing.
    assert cli("list", "--db", db, "--account", "typo_bob").code == 0
    refused = cli("revoke", "AAAAAAAAAAAA", "--yes", "--db", db, "--account", "typo_bob")
    assert refused.code == 1 and "no token with id 'AAAAAAAAAAAA'" in refused.err
    with TokenStore(db) as check:
        assert check.has_account("bob") and not check.has_account("typo_bob")


def test_an_escape_sequence_in_a_path_never_reaches_the_terminal(cli, tmp_path) -> None:  # type: ignore[no-untyped-def]
    result = cli("list", "--db", str(tmp_path / "x\x1b]2;PWNED\x07y" / "t.db"))
    assert result.code == 1
    assert "\x1b" not in result.err and "\x07" not in result.err


def test_the_test_only_argon2_profile_is_refused_in_one_line(run_script, tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.delenv("TOKENS_ALLOW_INSECURE_HASHING")
    db = str(tmp_path / "t.db")
    result = run_script("--db", db, "create", "--label", "x", "--scope", "read")
    assert result.returncode == 1, result
    assert result.stdout == ""
    assert result.stderr.startswith("tokens: TOKENS_ARGON2_PROFILE=CHEAPEST is for tests only"), result.stderr
    assert result.stderr.count("\n") == 1

"""``tokens demo``: a small realistic data set showing that a token can only limit."""

from __future__ import annotations

import pytest

both_backends = pytest.mark.parametrize("db", ["sqlite", "postgresql"], indirect=True)


@both_backends
def test_demo_is_idempotent_and_shows_the_rule(tokens, create, listed) -> None:
    first = tokens("demo")
    assert first.code == 0, first
    assert first.out == ""
    assert "Added demo data for alice" in first.err
    before = listed("--all")

    second = tokens("demo")

    assert second.code == 0, second
    assert "already" in second.err
    assert listed("--all") == before
    assert {t["status"] for t in before} >= {"active", "revoked"}
    assert len(listed("--hide-revoked")) < len(before)

    # The account can edit one form and only view another; a token can only limit that.
    write = create("Checker", "read_write")
    read = create("Reader", "read")
    checks = {
        (write, "edit:Household survey"): 0,
        (write, "view:Distributions"): 0,
        (write, "edit:Distributions"): 2,
        (write, "view:Staff records"): 2,
        (read, "view:Household survey"): 0,
        (read, "edit:Household survey"): 2,
    }
    for (secret, can), code in checks.items():
        result = tokens("verify", "--can", can, stdin=secret)
        assert result.code == code, (can, result)


def test_demo_tokens_are_never_shown(tokens) -> None:
    result = tokens("demo")

    assert "tkn_" not in result.out + result.err
    listing = tokens("list", "--json", "--all")
    assert "tkn_" not in listing.out and "$argon2" not in listing.out


def test_demo_for_two_accounts_shares_the_forms(cli, db, tokens, listed) -> None:
    assert tokens("demo").code == 0
    # The demo sets grants, so it is for administrators: alice (the first account) makes bob one.
    assert tokens("account", "add", "bob", "--admin").code == 0
    bob = cli("--db", db, "--account", "bob", "demo")

    assert bob.code == 0, bob
    assert "Added demo data for bob" in bob.err
    assert len(cli("--db", db, "--account", "bob", "list", "--json", "--all").json) == len(listed("--all"))


def test_demo_names_the_database_it_filled(cli, tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("TOKENS_DB", str(tmp_path / "elsewhere.db"))
    chosen = tmp_path / "my tokens.db"

    result = cli("demo", "--db", str(chosen), "--account", "alice")

    assert result.code == 0, result
    assert f"tokens --db '{chosen}'" in result.err


def test_demo_for_another_account_says_how_to_open_the_app_as_it(cli, tmp_path) -> None:
    chosen = tmp_path / "demo.db"

    result = cli("demo", "--db", str(chosen), "--account", "alice")

    assert result.code == 0, result
    assert result.err.splitlines()[-1] == f"Open the app with: tokens --db {chosen} --account alice"


def test_demo_for_the_login_name_needs_no_options(cli, tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("TOKENS_DB", str(tmp_path / "t.db"))

    result = cli("demo")

    assert result.code == 0, result
    assert result.err.splitlines()[-1] == "Open the app with: tokens"

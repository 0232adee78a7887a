"""``tokens rotate``, ``edit``, ``policy``, ``create --database/--note``, ``list --expiring`` and
``verify --client-address/--user-agent``: the command-line contract of a token's life."""

from __future__ import annotations

import pytest


@pytest.fixture
def as_bob(cli, db, tokens, monkeypatch):  # type: ignore[no-untyped-def]
    """Run a command as bob, an account that is not an administrator (alice, the first, is)."""
    from store import TokenStore

    with TokenStore(db) as s:
        s.ensure_account("alice")
    assert tokens("account", "add", "bob").code == 0

    def run(*argv: str, **kwargs):  # type: ignore[no-untyped-def]
        monkeypatch.setenv("LOGNAME", "bob")
        try:
            return cli("--db", db, *argv, **kwargs)
        finally:
            monkeypatch.setenv("LOGNAME", "alice")

    return run


def _verify(tokens, secret: str, *extra: str):  # type: ignore[no-untyped-def]
    return tokens("verify", *extra, stdin=secret + "\n")


# ----------------------------------------------------------------------------- rotate


@pytest.mark.parametrize("db", ["sqlite", "postgresql"], indirect=True)
def test_rotate_prints_the_new_secret_alone_and_the_old_one_keeps_working(tokens, create, id_of, listed) -> None:  # type: ignore[no-untyped-def]
    old = create("Sync job", "read", "--expires", "90d")
    result = tokens("rotate", id_of(old))
    assert result.code == 0, result
    new = result.out.strip()
    assert result.out == new + "\n" and new.startswith("tkn_") and new != old
    assert "keeps working until" in result.err and "(1 day)" in result.err
    assert _verify(tokens, new).json["token_id"] == id_of(new)
    assert _verify(tokens, old).json["active"] is True
    rows = {t["id"]: t for t in listed()}
    assert rows[id_of(new)]["replaces"] == id_of(old) and rows[id_of(old)]["replaced_by"] == id_of(new)
    assert rows[id_of(new)]["label"] == "Sync job"
    table = tokens("list").out
    assert f"replaced by {id_of(new)}" in table and f"replaces {id_of(old)}" in table
    assert "rotated, stops in 23 hours" in table


def test_rotate_with_overlap_zero_stops_the_old_token_at_once(tokens, create, id_of) -> None:  # type: ignore[no-untyped-def]
    old = create()
    result = tokens("rotate", id_of(old), "--overlap", "0")
    assert result.code == 0, result
    assert "stopped working now" in result.err
    inactive = _verify(tokens, old)
    assert inactive.code == 1 and inactive.json == {"active": False}
    assert _verify(tokens, result.out.strip()).code == 0


@pytest.mark.parametrize(("overlap", "message"), [("8d", "to 1 week"), ("soon", "cannot read overlap"), ("-1h", "cannot read")])
def test_rotate_refuses_a_bad_overlap_with_one_line_and_changes_nothing(tokens, create, id_of, listed, overlap, message) -> None:  # type: ignore[no-untyped-def]
    old = create()
    before = listed("--all")
    result = tokens("rotate", id_of(old), f"--overlap={overlap}")
    result.assert_one_error_line()
    assert message in result.err and result.out == ""
    assert listed("--all") == before


def test_rotate_twice_revoked_or_unknown_is_refused_clearly(tokens, create, id_of) -> None:  # type: ignore[no-untyped-def]
    old = create("One")
    assert tokens("rotate", id_of(old)).code == 0
    again = tokens("rotate", id_of(old))
    again.assert_one_error_line()
    assert "already rotated" in again.err and again.out == ""
    gone = create("Two")
    assert tokens("revoke", id_of(gone), "--yes").code == 0
    revoked = tokens("rotate", id_of(gone))
    revoked.assert_one_error_line()
    assert "revoked token cannot be rotated" in revoked.err
    unknown = tokens("rotate", "AAAAAAAAAAAA")
    unknown.assert_one_error_line()
    pasted = tokens("rotate", gone)
    assert pasted.code == 64 and "tkn_" not in pasted.err.replace("tkn_…", "")


def test_rotate_outside_the_policy_is_refused_and_can_choose_an_expiry(tokens, create, id_of) -> None:  # type: ignore[no-untyped-def]
    old = create("Forever", "read", "--expires", "never")
    assert tokens("policy", "set", "--max-lifetime", "90d").code == 0
    refused = tokens("rotate", id_of(old))
    refused.assert_one_error_line()
    assert "tokens must expire within 90 days" in refused.err
    chosen = tokens("rotate", id_of(old), "--expires", "30d")
    assert chosen.code == 0, chosen


# ----------------------------------------------------------------------------- create --database / --note, edit


def test_create_limited_to_a_database_is_enforced_by_verify_can(tokens, forms, cli, db, id_of, listed) -> None:  # type: ignore[no-untyped-def]
    from store import Actor, TokenStore

    with TokenStore(db) as s:
        stock = s.add_form(Actor("alice"), "Warehouse", "Stock")
        s.set_grant(Actor("alice"), "alice", stock, ["view", "edit"])
    result = tokens("create", "--label", "Warehouse only", "--scope", "read_write", "--database", "Warehouse",
                    "--note", "stock sync")
    assert result.code == 0, result
    secret = result.out.strip()
    assert "limited to Warehouse" in result.err
    assert _verify(tokens, secret, "--can", "edit:Warehouse/Stock").code == 0
    refused = _verify(tokens, secret, "--can", "view:Household survey")
    assert refused.code == 2 and refused.json["allowed"] is False
    (row,) = [t for t in listed() if t["id"] == id_of(secret)]
    assert row["databases"] == ["Warehouse"] and row["note"] == "stock sync"


def test_create_refuses_a_database_the_account_cannot_reach(tokens, forms, listed) -> None:  # type: ignore[no-untyped-def]
    result = tokens("create", "--label", "X", "--scope", "read", "--database", "Finance")
    result.assert_one_error_line()
    assert "cannot reach database 'Finance'" in result.err and "Field Operations" in result.err
    assert result.out == "" and listed() == []


def test_edit_renames_and_sets_a_note(tokens, create, id_of, listed) -> None:  # type: ignore[no-untyped-def]
    secret = create("Laptop")
    create("Desktop")
    result = tokens("edit", id_of(secret), "--label", "Laptop – 2027", "--note", "the new one")
    assert result.code == 0, result
    (row,) = [t for t in listed() if t["id"] == id_of(secret)]
    assert (row["label"], row["note"]) == ("Laptop – 2027", "the new one")
    assert tokens("edit", id_of(secret), "--note", "").code == 0
    assert [t for t in listed() if t["id"] == id_of(secret)][0]["note"] is None
    duplicate = tokens("edit", id_of(secret), "--label", "desktop")
    duplicate.assert_one_error_line()
    nothing = tokens("edit", id_of(secret))
    assert nothing.code == 64
    bad = tokens("edit", id_of(secret), "--note", "\x1b]52;c;AAAA\x07")
    bad.assert_one_error_line()
    assert "\x1b" not in bad.err


# ----------------------------------------------------------------------------- list --expiring


def test_list_expiring_exits_1_when_some_token_stops_soon(tokens, create, id_of) -> None:  # type: ignore[no-untyped-def]
    create("Later", "read", "--expires", "90d")
    none = tokens("list", "--expiring", "7d")
    assert none.code == 0 and none.out == "" and "No usable token" in none.err
    assert tokens("list", "--expiring", "7d", "--json").json == []
    soon = create("Soon", "read", "--expires", "3d")
    found = tokens("list", "--expiring", "7d", "--json")
    assert found.code == 1
    assert [t["id"] for t in found.json] == [id_of(soon)]
    table = tokens("list", "--expiring", "7d")
    assert table.code == 1 and "expires in 3 days" in table.out
    assert tokens("list", "--expiring", "100d").code == 1
    assert tokens("list", "--expiring", "whenever").code == 1


# ----------------------------------------------------------------------------- policy


def test_policy_set_show_and_check(tokens, create, id_of) -> None:  # type: ignore[no-untyped-def]
    assert "no lifetime policy" in tokens("policy", "show").out
    endless = create("Endless", "read", "--expires", "never")
    result = tokens("policy", "set", "--max-lifetime", "90d", "--require-expiry", "on")
    assert result.code == 0, result
    assert "1 existing token outlives it" in result.err
    shown = tokens("policy", "show", "--json").json
    assert shown["max_lifetime_seconds"] == 90 * 86400 and shown["require_expiry"] is True
    assert shown["updated_by"] == "alice"
    refused = tokens("create", "--label", "New", "--scope", "read", "--expires", "1y")
    refused.assert_one_error_line()
    assert "tokens must expire within 90 days" in refused.err
    assert tokens("create", "--label", "New", "--scope", "read", "--expires", "30d").code == 0
    check = tokens("policy", "check", "--json")
    assert check.code == 1 and [t["id"] for t in check.json["tokens"]] == [id_of(endless)]
    assert tokens("policy", "set", "--max-lifetime", "none", "--require-expiry", "off").code == 0
    assert tokens("policy", "check").code == 0


def test_only_administrators_set_the_policy(as_bob, tokens) -> None:  # type: ignore[no-untyped-def]
    refused = as_bob("policy", "set", "--max-lifetime", "30d")
    refused.assert_one_error_line()
    assert "administrator" in refused.err
    assert "no lifetime policy" in as_bob("policy", "show").out
    assert tokens("policy", "set").code == 64


# ----------------------------------------------------------------------------- verify --client-address


def test_verify_records_the_caller_bounded_and_cleaned(tokens, create, id_of, listed) -> None:  # type: ignore[no-untyped-def]
    secret = create()
    result = _verify(tokens, secret, "--client-address", "203.0.113.7", "--user-agent", "PowerBI/2.1 \x1b[2J" + "x" * 500)
    assert result.code == 0, result
    (row,) = listed()
    assert row["last_used_from"]["address"] == "203.0.113.7"
    agent = row["last_used_from"]["user_agent"]
    assert agent.startswith("PowerBI/2.1 [2J") and len(agent) == 200 and "\x1b" not in agent

"""The administrators' commands: every one refused to others with nothing changed, the audit
trail, lookup, bulk revoke, and --account as ``sudo -u``."""

from __future__ import annotations

import json

import pytest


# alice (the login name in tests) makes the first account, so she is the administrator.
ADMIN_COMMANDS = [
    ("account", "add", "carol"),
    ("account", "list"),
    ("account", "set-admin", "bob", "on"),
    ("account", "disable", "alice"),
    ("account", "enable", "alice"),
    ("grant", "bob", "Field Operations", "view,edit"),
    ("ungrant", "alice", "Field Operations", "view"),
    ("list", "--all-accounts"),
    ("revoke", "--unused-days", "0", "--all-accounts", "--yes"),
]


@pytest.fixture
def with_bob(tokens, create, forms, cli, db, monkeypatch):  # type: ignore[no-untyped-def]
    create()  # alice's account first: the administrator
    assert tokens("account", "add", "bob").code == 0

    def as_bob(*argv: str, **kwargs):  # type: ignore[no-untyped-def]
        monkeypatch.setenv("LOGNAME", "bob")
        try:
            return cli("--db", db, *argv, **kwargs)
        finally:
            monkeypatch.setenv("LOGNAME", "alice")

    return as_bob


def _everything(db: str) -> str:
    from sqlalchemy import MetaData, create_engine, select

    engine = create_engine(db if "://" in db else f"sqlite:///{db}")
    reflected = MetaData()
    with engine.connect() as connection:
        reflected.reflect(connection)
        rows = [f"{t.name}: {tuple(r)!r}" for t in reflected.sorted_tables for r in connection.execute(select(t))]
    engine.dispose()
    return "\n".join(rows)


@pytest.mark.parametrize("argv", ADMIN_COMMANDS, ids=[" ".join(a) for a in ADMIN_COMMANDS])
def test_every_administrator_command_is_refused_to_others(with_bob, db, argv) -> None:  # type: ignore[no-untyped-def]
    before = _everything(db)
    result = with_bob(*argv)
    assert result.code == 1, result
    result.assert_one_error_line()
    assert "only an administrator" in result.err
    assert _everything(db) == before


def test_acting_as_another_account_is_refused_to_others(with_bob, db) -> None:  # type: ignore[no-untyped-def]
    before = _everything(db)
    result = with_bob("--account", "alice", "list")
    assert result.code == 1 and "only an administrator may act as another account" in result.err
    result.assert_one_error_line()
    assert _everything(db) == before


def test_an_administrator_acting_as_someone_is_recorded_as_both(tokens, create, with_bob) -> None:  # type: ignore[no-untyped-def]
    assert tokens("--account", "bob", "create", "--label", "Phone", "--scope", "read").code == 0
    newest = json.loads(tokens("audit", "--json", "--limit", "1").out)
    assert (newest["actor"], newest["as_account"], newest["account"], newest["action"]) == ("alice", "bob", "bob", "token.create")
    assert newest["label"] == "Phone" and "secret" not in json.dumps(newest) and "argon2" not in json.dumps(newest)


def test_accounts_commands_work_for_the_administrator_and_are_audited(tokens, with_bob) -> None:  # type: ignore[no-untyped-def]
    assert tokens("account", "add", "carol", "--admin").code == 0
    assert tokens("account", "set-admin", "carol", "off").code == 0
    assert tokens("account", "disable", "bob").code == 0
    listed = {a["name"]: a for a in tokens("account", "list", "--json").json}
    assert listed["alice"]["admin"] and not listed["carol"]["admin"] and listed["bob"]["disabled"]
    assert tokens("account", "enable", "bob").code == 0
    assert tokens("grant", "bob", "Field Operations/Household survey", "view,edit").code == 0
    events = [json.loads(line) for line in tokens("audit", "--json").out.splitlines()]
    assert [(e["action"], e["actor"], e["account"]) for e in events[:6]] == [
        ("grant.change", "alice", "bob"),
        ("account.enable", "alice", "bob"),
        ("account.disable", "alice", "bob"),
        ("account.unadmin", "alice", "carol"),
        ("account.add", "alice", "carol"),
        ("account.add", "alice", "bob"),
    ]


def test_the_last_administrator_cannot_remove_itself(tokens, create) -> None:  # type: ignore[no-untyped-def]
    create()
    result = tokens("account", "set-admin", "alice", "off")
    assert result.code == 1 and "last administrator" in result.err
    result.assert_one_error_line()


def test_audit_of_a_non_administrator_shows_only_their_account(tokens, create, with_bob) -> None:  # type: ignore[no-untyped-def]
    assert with_bob("create", "--label", "Phone", "--scope", "read").code == 0
    events = [json.loads(line) for line in with_bob("audit", "--json").out.splitlines()]
    assert events and {e["account"] for e in events} == {"bob"}


def test_disable_and_enable_take_effect_on_the_next_verify(tokens, with_bob) -> None:  # type: ignore[no-untyped-def]
    secret = with_bob("create", "--label", "Phone", "--scope", "read").out.strip()
    assert tokens("verify", stdin=secret).code == 0
    assert tokens("account", "disable", "bob").code == 0
    assert tokens("verify", stdin=secret).json == {"active": False}
    assert tokens("account", "enable", "bob").code == 0
    assert tokens("verify", stdin=secret).code == 0


def test_a_changed_grant_changes_what_an_existing_token_may_do(tokens, with_bob) -> None:  # type: ignore[no-untyped-def]
    secret = with_bob("create", "--label", "Phone", "--scope", "read_write").out.strip()
    assert tokens("verify", "--can", "edit:Household survey", stdin=secret).code == 2
    assert tokens("grant", "bob", "Field Operations", "view,edit").code == 0
    assert tokens("verify", "--can", "edit:Household survey", stdin=secret).code == 0
    assert tokens("ungrant", "bob", "Field Operations/Household survey", "edit").code == 0
    assert tokens("verify", "--can", "edit:Household survey", stdin=secret).code == 2


def test_lookup_valid_revoked_malformed_and_others(tokens, create, id_of, with_bob) -> None:  # type: ignore[no-untyped-def]
    alices = create("Laptop")
    bobs = with_bob("create", "--label", "Phone", "--scope", "read").out.strip()

    found = tokens("lookup", "--json", stdin=bobs)
    assert found.code == 0 and found.json["account"] == "bob" and found.json["id"] == id_of(bobs)
    assert bobs not in found.out and id_of(bobs) in found.out

    shown = tokens("lookup", stdin=alices)
    assert shown.code == 0 and "Laptop" in shown.out and alices not in shown.out + shown.err

    assert tokens("revoke", id_of(alices), "--yes").code == 0
    revoked = tokens("lookup", "--json", stdin=alices)
    assert revoked.code == 0 and revoked.json["status"] == "revoked"

    malformed = tokens("lookup", stdin=alices[:-3] + "\n")
    assert malformed.code == 1 and "not a token" in malformed.err
    malformed.assert_one_error_line()

    others = with_bob("lookup", stdin=alices)
    assert others.code == 1 and "not found" in others.err and alices not in others.err
    others.assert_one_error_line()


def test_lookup_never_takes_the_token_from_the_command_line(tokens, create) -> None:  # type: ignore[no-untyped-def]
    secret = create()
    result = tokens("lookup", secret)
    assert result.code == 64 and secret not in result.err


def test_bulk_revoke_dry_run_lists_exactly_what_is_then_revoked(tokens, create, id_of, with_bob) -> None:  # type: ignore[no-untyped-def]
    with_bob("create", "--label", "Phone", "--scope", "read")
    made = {t["id"] for t in tokens("list", "--all-accounts", "--json").json}
    assert len(made) == 2  # alice's and bob's
    # Nothing has gone unused for 40 days yet: nothing to list, nothing revoked.
    none = tokens("revoke", "--unused-days", "40", "--all-accounts", "--dry-run")
    assert none.code == 0 and none.out == ""
    preview = tokens("revoke", "--unused-days", "0", "--all-accounts", "--dry-run")
    assert preview.code == 0 and "nothing was changed" in preview.err
    listed = {line.split()[0] for line in preview.out.splitlines()[1:]}
    assert listed == made
    assert {t["status"] for t in tokens("list", "--all-accounts", "--json").json} == {"active"}

    done = tokens("revoke", "--unused-days", "0", "--all-accounts", "--yes")
    assert done.code == 0, done
    after = {t["id"]: t["status"] for t in tokens("list", "--all-accounts", "--all", "--json").json}
    assert {i for i, s in after.items() if s == "revoked"} == listed
    events = [json.loads(line) for line in tokens("audit", "--json").out.splitlines()]
    revokes = [e for e in events if e["action"] == "token.revoke"]
    assert sorted(e["token_id"] for e in revokes) == sorted(listed)  # one event per token
    assert {e["actor"] for e in revokes} == {"alice"}


def test_bulk_revoke_of_ones_own_tokens_leaves_others_alone(tokens, create, id_of, with_bob) -> None:  # type: ignore[no-untyped-def]
    bobs = id_of(with_bob("create", "--label", "Phone", "--scope", "read").out.strip())
    create("Laptop")
    assert with_bob("revoke", "--unused-days", "0", "--yes").code == 0
    after = {t["id"]: t["status"] for t in tokens("list", "--all-accounts", "--all", "--json").json}
    assert after[bobs] == "revoked" and list(after.values()).count("revoked") == 1


def test_bulk_revoke_without_a_terminal_needs_yes(tokens, create, listed) -> None:  # type: ignore[no-untyped-def]
    create()
    result = tokens("revoke", "--unused-days", "0")
    assert result.code == 64 and "--yes" in result.err
    assert [t["status"] for t in listed()] == ["active"]


def test_an_unknown_action_in_a_grant_is_a_usage_error(tokens, create, forms) -> None:  # type: ignore[no-untyped-def]
    create()
    result = tokens("grant", "alice", "Field Operations", "view,fly")
    assert result.code == 64
    result.assert_one_error_line()

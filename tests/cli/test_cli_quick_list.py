"""``tokens list`` on a current SQLite file reads it directly (store.quick), without the database
layer; whatever it prints must be exactly what the full store path prints."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
import textwrap
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

import store
from argon2 import PasswordHasher, profiles

from store import Actor, SchemaState, TokenSeed, TokenStore, quick



@pytest.fixture
def spy(monkeypatch):  # type: ignore[no-untyped-def]
    """Records whether each listing went the quick way (a result) or fell back (``None``)."""
    answers: list[object] = []
    real = quick.list_tokens

    def recording(*args, **kwargs):  # type: ignore[no-untyped-def]
        answer = real(*args, **kwargs)
        answers.append(answer)
        return answer

    # The command line reaches it as store.quick_list_tokens.
    monkeypatch.setattr(store, "quick_list_tokens", recording)
    return answers


@pytest.fixture
def history(tmp_path) -> str:  # type: ignore[no-untyped-def]
    """alice (the administrator), bob and a disabled carol, with active, expiring, expired and
    revoked tokens and labels that are not ASCII."""
    path = str(tmp_path / "history.db")
    now = datetime.now(UTC).replace(microsecond=0)
    # Hours away from any boundary "3 days ago" / "in 5 days" could cross while the test runs.
    day = timedelta(days=1)
    with TokenStore(path, hasher=PasswordHasher.from_parameters(profiles.CHEAPEST)) as db:
        db.ensure_account("alice")
        alice, bob, carol = Actor("alice"), Actor("bob"), Actor("carol")
        db.add_account(alice, "bob")
        db.add_account(alice, "carol")
        db.seed_tokens(alice, [
            TokenSeed("Power BI – laptop", "read", now - 40 * day, last_used_at=now - 3 * day - timedelta(hours=5)),
            TokenSeed("東京 sync ☕", "read_write", now - 30 * day, expires_at=now + 5 * day + timedelta(hours=6)),
            TokenSeed("Cafe\u0301 expired", "read", now - 20 * day, expires_at=now - 2 * day),
            TokenSeed("Old [b]backup[/b]", "read_write", now - 10 * day, revoked_at=now - day),
        ])
        db.seed_tokens(bob, [
            TokenSeed("Ünïcödé phone", "read", now - 15 * day, expires_at=now + 90 * day),
            TokenSeed("bob's server", "read_write", now - 5 * day, last_used_at=now - timedelta(hours=30)),
        ])
        db.seed_tokens(carol, [TokenSeed("carol's", "read", now - 3 * day)])
        revoked = db.create_token(bob, "to revoke", "read")
        db.revoke(alice, revoked.info.id)  # revoked by the administrator: "revoked_by" is alice
        db.set_disabled(alice, "carol")
        # A token's life: limited to one database, with a note, then rotated (both rows linked);
        # and the last caller's description, as authenticate records it.
        db.set_grant(alice, "alice", db.add_form(alice, "Field Operations", "Household survey"), ["view"])
        db.set_grant(alice, "alice", db.add_form(alice, "Monitoring", "Site visits"), ["view"])
        limited = db.create_token(alice, "Survey export", "read", databases=["Field Operations"], note="for the weekly report")
        rotated = db.rotate(alice, limited.info.id)
        db.authenticate(rotated.secret, client_address="192.0.2.7", user_agent="PowerBI/2.1")
    return path


CASES = [
    ("alice", ["list"]),
    ("alice", ["list", "--json"]),
    ("alice", ["list", "--all"]),
    ("alice", ["list", "--all", "--json"]),
    ("alice", ["list", "--all-accounts"]),
    ("alice", ["list", "--all-accounts", "--all", "--json"]),
    ("alice", ["--account", "bob", "list", "--all", "--json"]),
    ("alice", ["--account", "nobody", "list"]),
    ("bob", ["list", "--all"]),
    ("bob", ["list", "--all-accounts"]),  # refused: not an administrator
    ("bob", ["--account", "alice", "list"]),  # refused: --account is for administrators
    ("carol", ["list"]),  # refused: disabled
    ("dave", ["list", "--json"]),  # no account yet: nothing to list, nothing created
    ("dave", ["list"]),
    ("dave", ["list", "--all-accounts"]),  # unknown account
]


@pytest.mark.parametrize(("login", "argv"), CASES)
def test_the_quick_path_prints_exactly_what_the_store_prints(cli, history, spy, monkeypatch, login, argv) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("LOGNAME", login)
    fast = cli("--db", history, *argv)
    assert spy and spy[-1] is not None, "the quick path was not taken"

    monkeypatch.setattr(quick, "list_tokens", lambda *a, **k: None)
    full = cli("--db", history, *argv)

    assert fast == full
    if "--json" in argv and fast.code == 0:
        assert isinstance(json.loads(fast.out), list)


def test_json_is_one_object_a_line_and_keeps_every_key(cli, history, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    result = cli("--db", history, "list", "--all-accounts", "--all", "--json")
    lines = result.out.splitlines()
    assert lines[0] == "[" and lines[-1] == "]"
    items = [json.loads(line.rstrip(",")) for line in lines[1:-1]]
    assert items == result.json and len(items) == 10
    assert set(items[0]) == {"id", "account", "label", "scope", "created", "expires", "last_used", "status",
                             "revoked_at", "revoked_by", "note", "databases", "replaces", "replaced_by",
                             "last_used_from", "days_used_last_30"}
    rotated = [t for t in items if t["replaces"]]
    assert len(rotated) == 1 and rotated[0]["databases"] == ["Field Operations"]
    assert rotated[0]["note"] == "for the weekly report"
    assert rotated[0]["last_used_from"] == {"address": "192.0.2.7", "user_agent": "PowerBI/2.1"}
    assert {t["status"] for t in items} == {"active", "expires soon", "expired", "revoked"}


@pytest.mark.parametrize("versioned", [True, False])
def test_an_outdated_database_goes_through_the_store_and_is_upgraded(cli, tmp_path, spy, first_release, versioned) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "old.db"
    first_release(f"sqlite:///{path}", versioned=versioned)

    result = cli("--db", str(path), "list", "--all", "--json")

    assert result.code == 0, result
    assert spy == [None]  # not current: the quick path stood aside
    assert {t["status"] for t in result.json} >= {"active", "revoked"}
    with TokenStore(str(path), schema="ignore") as db:
        assert db.schema_status().state is SchemaState.CURRENT
    # Upgraded: from now on the quick path answers, with the same list.
    again = cli("--db", str(path), "list", "--all", "--json")
    assert spy[-1] is not None
    assert again.json == result.json


def test_a_database_url_goes_through_the_store(cli, history, spy) -> None:  # type: ignore[no-untyped-def]
    result = cli("--db", f"sqlite:///{history}", "list", "--json", "--hide-revoked")
    assert result.code == 0 and len(result.json) == 5
    assert spy == [None]


def test_a_loose_file_is_made_private_and_a_shared_folder_warned_about(cli, tmp_path, spy) -> None:  # type: ignore[no-untyped-def]
    folder = tmp_path / "shared"
    folder.mkdir()
    path = folder / "t.db"
    assert cli("--db", str(path), "create", "--label", "L", "--scope", "read").code == 0
    folder.chmod(0o755)
    path.chmod(0o644)

    result = cli("--db", str(path), "list")

    assert spy and spy[-1] is not None
    assert result.code == 0
    assert result.err.startswith("tokens: warning: the folder ") and "can be read by other users" in result.err
    assert oct(path.stat().st_mode & 0o777) == oct(0o600)


def test_the_quick_listing_never_imports_the_database_layer(history) -> None:  # type: ignore[no-untyped-def]
    script = textwrap.dedent(f"""
        import io, json, sys
        from store import quick
        out = sys.stdout
        sys.stdout = io.StringIO()
        from tui.cli import main
        codes = [main(["--db", {history!r}, "list", "--json"]),
                 main(["--db", {history!r}, "list", "--all-accounts", "--all"])]
        assert quick.list_tokens({history!r}, "alice") is not None
        sys.stdout = out
        print(json.dumps([codes, sorted({{m.split(".")[0] for m in sys.modules}})]))
    """)
    env = {**os.environ, "LOGNAME": "alice"}
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60, env=env, check=False)
    assert result.returncode == 0, result.stderr
    codes, loaded = json.loads(result.stdout.strip().splitlines()[-1])
    assert codes == [0, 0]
    assert "sqlite3" in loaded
    assert not {"sqlalchemy", "sqlmodel", "argon2", "alembic"} & set(loaded)


def test_a_json_listing_loads_only_the_command_group_it_runs(history) -> None:  # type: ignore[no-untyped-def]
    # A short command pays only for what it runs: not the other commands, not the value types
    # (whose dataclasses are most of a listing's start-up), not the database layer.
    script = textwrap.dedent(f"""
        import io, json, sys
        out = sys.stdout
        sys.stdout = io.StringIO()
        from tui.cli import main
        code = main(["--db", {history!r}, "list", "--all", "--json"])
        listed = sys.stdout.getvalue()
        sys.stdout = out
        print(json.dumps([code, len(json.loads(listed)), sorted(sys.modules)]))
    """)
    env = {**os.environ, "LOGNAME": "alice"}
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60, env=env, check=False)
    assert result.returncode == 0, result.stderr
    code, count, loaded = json.loads(result.stdout.strip().splitlines()[-1])
    assert (code, count) == (0, 6)
    assert "tui.cli.tokens" in loaded and "store.quick" in loaded
    assert not {"tui.cli.accounts", "tui.cli.ssh", "tui.cli.lifecycle", "store.types", "dataclasses"} & set(loaded)


def test_the_scopes_a_quick_listing_knows_are_the_stores() -> None:
    from store import Scope
    from store.constants import SCOPE_VALUES

    assert set(SCOPE_VALUES) == {scope.value for scope in Scope}


def test_json_of_unusual_stored_values_is_what_the_store_prints(cli, history, spy, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    # What an API server reported and a person typed may hold quotes, backslashes, control and
    # line-separator characters; a time may have been written in another form by hand.
    agent = 'say "hi" \\ \x1b[31m red\x00\u2028 ☕ \U0001f600'
    with sqlite3.connect(history) as connection:
        connection.execute("UPDATE token SET last_used_agent = ?, note = ? WHERE label = ?",
                           (agent, "tab\there\nand there", "bob's server"))
        connection.execute("UPDATE token SET last_used_at = '2021-01-02 03:04:05.5' WHERE label = ?", ("carol's",))
    connection.close()
    monkeypatch.setenv("LOGNAME", "alice")
    argv = ("--db", history, "list", "--all-accounts", "--all", "--json")

    fast = cli(*argv)
    assert spy and spy[-1] is not None, "the quick path was not taken"
    monkeypatch.setattr(quick, "list_tokens", lambda *a, **k: None)
    full = cli(*argv)

    assert fast == full
    by_label = {t["label"]: t for t in fast.json}
    assert by_label["bob's server"]["last_used_from"]["user_agent"] == agent
    assert by_label["bob's server"]["note"] == "tab\there\nand there"
    assert by_label["carol's"]["last_used"] == "2021-01-02T03:04:05.500000+00:00"

"""``--db`` and ``--account`` on every command, before or after it; ``$TOKENS_DB``; the default file."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from store import tokenstring


def _placed(where: str, command: list[str], db: str, account: str) -> list[str]:
    options = ["--db", db, "--account", account]
    return options + command if where == "before" else command[:1] + options + command[1:]


@pytest.mark.parametrize("where", ["before", "after"])
def test_every_command_takes_db_and_account(cli, tmp_path, where, monkeypatch) -> None:
    db = str(tmp_path / "chosen.db")
    monkeypatch.setenv("LOGNAME", "carol")  # --account naming oneself is always allowed

    def run(*command: str, stdin: str = ""):  # type: ignore[no-untyped-def]
        return cli(*_placed(where, list(command), db, "carol"), stdin=stdin)

    demo = run("demo")
    created = run("create", "--label", "Mine", "--scope", "read_write")
    listing = run("list", "--json")
    verified = run("verify", "--can", "edit:Household survey", stdin=created.out)
    revoked = run("revoke", tokenstring.parse(created.out)[0], "--yes")

    assert [r.code for r in (demo, created, listing, verified, revoked)] == [0, 0, 0, 0, 0]
    assert "demo data for carol" in demo.err
    assert "Mine" in [t["label"] for t in listing.json]
    assert {t["account"] for t in listing.json} == {"carol"}
    assert verified.json["account"] == "carol"
    assert Path(db).exists()
    assert not (tmp_path / "xdg-data").exists()  # the default file was never touched


def test_subcommand_option_wins_over_the_global_one(cli, tmp_path, monkeypatch) -> None:
    first, second = str(tmp_path / "first.db"), str(tmp_path / "second.db")
    monkeypatch.setenv("LOGNAME", "b")

    assert cli("--db", first, "--account", "a", "create", "--db", second, "--account", "b",
               "--label", "L", "--scope", "read").code == 0

    assert cli("--db", second, "--account", "b", "list", "--json").json[0]["account"] == "b"
    assert not Path(first).exists()


def test_tokens_db_environment_variable(cli, tmp_path, monkeypatch) -> None:
    from_env = tmp_path / "from-env.db"
    monkeypatch.setenv("TOKENS_DB", str(from_env))

    assert cli("--account", "alice", "create", "--label", "L", "--scope", "read").code == 0

    assert from_env.exists()
    assert len(cli("--account", "alice", "list", "--json").json) == 1
    # --db still wins over the environment.
    flagged = tmp_path / "flag.db"
    assert cli("--db", str(flagged), "--account", "alice", "list", "--json").json == []
    assert flagged.exists()


def test_default_database_under_the_data_directory(cli, tmp_path) -> None:
    assert cli("--account", "alice", "create", "--label", "L", "--scope", "read").code == 0

    path = tmp_path / "xdg-data" / "tokens" / "tokens.db"
    assert path.exists()
    if os.name == "posix":
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
        assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700


def test_account_defaults_to_the_login_name(cli, db, monkeypatch) -> None:
    monkeypatch.setenv("LOGNAME", "dora")

    assert cli("--db", db, "create", "--label", "L", "--scope", "read").code == 0

    assert cli("--db", db, "list", "--json").json[0]["account"] == "dora"


@pytest.mark.parametrize("name", ["two words", "", "  ", "\u200b", "al\u202eice"])
@pytest.mark.parametrize("command", [["list"], ["create", "--label", "L", "--scope", "read"], ["demo"]])
def test_bad_account_name_is_a_usage_error(cli, db, name, command) -> None:
    # An empty --account is refused, never quietly taken as the login name.
    result = cli("--db", db, "--account", name, *command)

    assert result.code == 64
    result.assert_one_error_line()
    assert "account name" in result.err
    assert result.out == ""
    assert not Path(db).exists()


@pytest.mark.parametrize("target", [":memory:", "sqlite://", "sqlite:///:memory:"])
def test_an_in_memory_database_is_refused_before_anything_is_made(cli, tmp_path, monkeypatch, target) -> None:
    monkeypatch.chdir(tmp_path)
    result = cli("--db", target, "create", "--label", "L", "--scope", "read")

    assert result.code == 64
    result.assert_one_error_line()
    assert "in-memory database" in result.err
    assert result.out == ""  # no secret for a token that would be gone
    assert [p.name for p in tmp_path.iterdir() if p.name != "xdg-data"] == []


def test_a_sqlite_uri_is_read_by_sqlite_and_leaves_no_stray_file(cli, tmp_path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    assert cli("--db", "t.db", "--account", "alice", "create", "--label", "L", "--scope", "read").code == 0
    before = (tmp_path / "t.db").read_bytes()

    listing = cli("--db", "file:t.db?mode=ro", "--account", "alice", "list", "--json")
    refused = cli("--db", "file:t.db?mode=ro", "--account", "alice", "create", "--label", "M", "--scope", "read")

    assert listing.code == 0 and [t["label"] for t in listing.json] == ["L"]
    assert refused.code == 1 and "read-only" in refused.err and refused.out == ""
    refused.assert_one_error_line()
    assert (tmp_path / "t.db").read_bytes() == before
    assert not [p for p in tmp_path.iterdir() if p.name.startswith("file:")]
    assert stat.S_IMODE((tmp_path / "t.db").stat().st_mode) == 0o600


def test_a_new_database_through_a_sqlite_uri_is_private(cli, tmp_path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    assert cli("--db", "file:new.db", "--account", "alice", "create", "--label", "L", "--scope", "read").code == 0
    assert stat.S_IMODE((tmp_path / "new.db").stat().st_mode) == 0o600


def test_unknown_command_is_a_usage_error(cli) -> None:
    result = cli("frobnicate")

    assert result.code == 64
    assert result.out == ""
    assert "invalid choice" in result.err

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


def test_bad_account_name(cli, db) -> None:
    result = cli("--db", db, "--account", "two words", "list")

    assert result.code == 1
    result.assert_one_error_line()
    assert "account name" in result.err


def test_unknown_command_is_a_usage_error(cli) -> None:
    result = cli("frobnicate")

    assert result.code == 64
    assert result.out == ""
    assert "invalid choice" in result.err

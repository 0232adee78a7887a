"""``tokens db status`` and ``tokens db upgrade``: where the schema stands, and upgrading it."""

from __future__ import annotations

from pathlib import Path

import pytest

from store import schema


def test_status_of_a_database_in_use_is_up_to_date(tokens, create) -> None:  # type: ignore[no-untyped-def]
    create()
    result = tokens("db", "status")
    assert result.code == 0, result
    assert f"schema revision {schema.HEAD}: up to date" in result.out
    data = tokens("db", "status", "--json").json
    assert data["state"] == "current" and data["revision"] == data["head"] == schema.HEAD


def test_status_of_a_missing_file_creates_nothing(cli, tmp_path) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "nothing-here.db"
    result = cli("--db", str(path), "db", "status")
    assert result.code == 0, result
    assert "no database yet" in result.out
    assert not path.exists()
    refused = cli("--db", str(path), "db", "upgrade")
    refused.assert_one_error_line()
    assert not path.exists()


def test_an_old_sqlite_file_reports_its_age_and_upgrades_keeping_every_token(cli, sqlite_url, first_release) -> None:  # type: ignore[no-untyped-def]
    made = first_release(f"sqlite:///{sqlite_url}", versioned=False)
    status = cli("--db", sqlite_url, "db", "status")
    assert status.code == 1, status
    assert "made before schema versions were recorded" in status.out
    upgraded = cli("--db", sqlite_url, "db", "upgrade")
    assert upgraded.code == 0, upgraded
    assert f"to schema revision {schema.HEAD}; every token was kept" in upgraded.out
    assert cli("--db", sqlite_url, "db", "status").code == 0
    for token in made["active"]:
        assert cli("--db", sqlite_url, "verify", stdin=token + "\n").code == 0
    for token in made["revoked"] + made["expired"]:
        assert cli("--db", sqlite_url, "verify", stdin=token + "\n").code == 1
    again = cli("--db", sqlite_url, "db", "upgrade")
    assert again.code == 0 and "nothing to do" in again.out


def test_an_old_postgresql_database_is_refused_with_the_command_then_upgraded(cli, postgres_url, first_release) -> None:  # type: ignore[no-untyped-def]
    made = first_release(postgres_url, versioned=False)
    refused = cli("--db", postgres_url, "--account", "alice", "list")
    refused.assert_one_error_line()
    assert "tokens db upgrade --db" in refused.err
    assert cli("--db", postgres_url, "db", "status").code == 1
    upgraded = cli("--db", postgres_url, "db", "upgrade")
    assert upgraded.code == 0, upgraded
    listed = cli("--db", postgres_url, "--account", "alice", "list", "--json", "--all")
    assert listed.code == 0, listed
    assert len(listed.json) == 6
    for token in made["active"]:
        assert cli("--db", postgres_url, "verify", stdin=token + "\n").code == 0


def test_a_database_from_a_newer_release_is_named_as_such(cli, tokens, create, db) -> None:  # type: ignore[no-untyped-def]
    from sqlalchemy import create_engine, text

    create()
    engine = create_engine(f"sqlite:///{db}")
    with engine.begin() as connection:
        connection.execute(text("UPDATE alembic_version SET version_num = '9999'"))
    engine.dispose()
    status = tokens("db", "status")
    assert status.code == 1 and "newer release" in status.out
    refused = tokens("list")
    refused.assert_one_error_line()
    assert "newer release" in refused.err
    assert Path(db).exists()

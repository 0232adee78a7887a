"""Schema migrations: every database, however old, keeps every token across an upgrade.

A database of the first revision is built here the way that release left it (its tables, its
trigger, no version table) and filled through raw SQL, so these tests keep describing the first
release's databases however far the models move on.
"""

from __future__ import annotations

import pytest
from argon2 import PasswordHasher, profiles
from sqlalchemy import create_engine, text
from sqlalchemy import exc as sa_exc

from store import Actor, InvalidToken, SchemaMismatch, SchemaState, TokenStore
from store import labelsearch
from store import schema as schema_module
from store import tokenstring as ts
from store.models import metadata

CHEAP = PasswordHasher.from_parameters(profiles.CHEAPEST)


def _assert_every_token_kept(store: TokenStore, made: dict[str, list[str]]) -> None:
    for token in made["active"]:
        assert store.authenticate(token).token_id == ts.parse(token)[0]
    for token in made["revoked"] + made["expired"]:
        with pytest.raises(InvalidToken):
            store.authenticate(token)
    # The trigger came through too: a revoked token cannot be restored even through raw SQL.
    revoked_id = ts.parse(made["revoked"][0])[0]
    with pytest.raises(sa_exc.DatabaseError):
        with store._engine.begin() as connection:
            connection.execute(text("UPDATE token SET revoked_at = NULL WHERE id = :id"), {"id": revoked_id})
    with pytest.raises(InvalidToken):
        store.authenticate(made["revoked"][0])


def test_head_is_the_newest_revision() -> None:
    from alembic.script import ScriptDirectory

    script = ScriptDirectory(str(schema_module.MIGRATIONS))
    assert script.get_heads() == [schema_module.HEAD]


def test_a_new_database_matches_the_models(make_store) -> None:  # type: ignore[no-untyped-def]
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    store = make_store()
    assert store.schema_status().state is SchemaState.CURRENT
    with store._engine.connect() as connection:
        # The label index exists only where the database can have it: the revisions own it.
        context = MigrationContext.configure(connection, opts={"include_name": labelsearch.modelled})
        differences = compare_metadata(context, metadata)
    assert differences == []


def test_an_unversioned_sqlite_database_is_upgraded_on_open_and_keeps_every_token(sqlite_url, first_release) -> None:  # type: ignore[no-untyped-def]
    made = first_release(f"sqlite:///{sqlite_url}", versioned=False)
    with TokenStore(sqlite_url, hasher=CHEAP) as store:
        assert store.schema_status().state is SchemaState.CURRENT
        _assert_every_token_kept(store, made)
        assert len(store.list_tokens(Actor("alice"), include_revoked=True)) == 6


def test_a_versioned_sqlite_database_of_the_first_revision_is_upgraded_too(sqlite_url, first_release) -> None:  # type: ignore[no-untyped-def]
    made = first_release(f"sqlite:///{sqlite_url}", versioned=True)
    with TokenStore(sqlite_url, hasher=CHEAP) as store:
        assert store.schema_status().revision == schema_module.HEAD
        _assert_every_token_kept(store, made)


@pytest.mark.skipif(schema_module.HEAD == "0001", reason="needs a revision after the first")
def test_an_outdated_postgresql_database_is_refused_with_the_command_to_run(postgres_url, first_release) -> None:  # type: ignore[no-untyped-def]
    first_release(postgres_url, versioned=True)
    with pytest.raises(SchemaMismatch, match="tokens db upgrade --db"):
        TokenStore(postgres_url, hasher=CHEAP)


def test_an_unversioned_postgresql_database_is_refused_then_upgraded_on_request(postgres_url, first_release) -> None:  # type: ignore[no-untyped-def]
    made = first_release(postgres_url, versioned=False)
    with pytest.raises(SchemaMismatch, match="tokens db upgrade --db") as refused:
        TokenStore(postgres_url, hasher=CHEAP)
    assert "\n" not in str(refused.value)
    with TokenStore(postgres_url, hasher=CHEAP, schema="ignore") as store:
        assert store.schema_status().state is SchemaState.UNVERSIONED
        before = store.upgrade_schema()
        assert before.state is SchemaState.UNVERSIONED
        assert store.schema_status().state is SchemaState.CURRENT
    with TokenStore(postgres_url, hasher=CHEAP) as store:
        _assert_every_token_kept(store, made)


def test_a_database_from_a_newer_release_is_refused_and_left_alone(db_url) -> None:  # type: ignore[no-untyped-def]
    with TokenStore(db_url, hasher=CHEAP):
        pass
    url = db_url if "://" in db_url else f"sqlite:///{db_url}"
    engine = create_engine(url)
    with engine.begin() as connection:
        connection.execute(text("UPDATE alembic_version SET version_num = '9999'"))
    with pytest.raises(SchemaMismatch, match="newer release"):
        TokenStore(db_url, hasher=CHEAP)
    with pytest.raises(SchemaMismatch, match="newer release"):
        TokenStore(db_url, hasher=CHEAP, schema="upgrade")
    with engine.connect() as connection:
        assert connection.execute(text("SELECT version_num FROM alembic_version")).scalar() == "9999"
    engine.dispose()


def test_two_processes_opening_an_old_database_at_once_both_succeed(tmp_path, first_release) -> None:  # type: ignore[no-untyped-def]
    import subprocess
    import sys

    path = tmp_path / "old.db"
    made = first_release(f"sqlite:///{path}", versioned=False)
    program = (
        "import sys; from store import TokenStore; "
        "from argon2 import PasswordHasher, profiles; "
        "s = TokenStore(sys.argv[1], hasher=PasswordHasher.from_parameters(profiles.CHEAPEST)); "
        "print(s.schema_status().state.value)"
    )
    runs = [subprocess.Popen([sys.executable, "-c", program, str(path)], stdout=subprocess.PIPE, text=True) for _ in range(3)]
    outputs = [run.communicate(timeout=120)[0].strip() for run in runs]
    assert [run.returncode for run in runs] == [0, 0, 0]
    assert outputs == ["current"] * 3
    with TokenStore(path, hasher=CHEAP) as store:
        _assert_every_token_kept(store, made)


def test_an_upgrade_that_fails_leaves_the_database_as_it_was(sqlite_url, monkeypatch, first_release) -> None:  # type: ignore[no-untyped-def]
    made = first_release(f"sqlite:///{sqlite_url}", versioned=False)

    from alembic import command

    def broken(config, revision, **kwargs):  # type: ignore[no-untyped-def]
        config.attributes["connection"].execute(text("CREATE TABLE half_done (x INTEGER)"))
        raise RuntimeError("disk went away")

    monkeypatch.setattr(command, "upgrade", broken)
    with pytest.raises(RuntimeError):
        TokenStore(sqlite_url, hasher=CHEAP)
    monkeypatch.undo()
    engine = create_engine(f"sqlite:///{sqlite_url}")
    with engine.connect() as connection:
        tables = {row[0] for row in connection.execute(text("SELECT name FROM sqlite_master WHERE type = 'table'"))}
    engine.dispose()
    assert "half_done" not in tables and "alembic_version" not in tables
    with TokenStore(sqlite_url, hasher=CHEAP) as store:
        _assert_every_token_kept(store, made)

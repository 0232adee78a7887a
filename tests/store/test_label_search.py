"""Administrators filter every account's tokens by a part of their label: the label index finds
exactly the tokens that reading every token finds, whatever the needle, and stays in step as
tokens are created, renamed, rotated and revoked, and across upgrades from older databases."""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest
from argon2 import PasswordHasher, profiles
from sqlalchemy import create_engine, insert, text

from store import Actor, SchemaState, TokenStore, label_key, tokenstring
from store.models import Token

CHEAP = PasswordHasher.from_parameters(profiles.CHEAPEST)
ALICE = Actor("alice")

LABELS = [
    "Laptop at home",
    "LAPTOP work",
    "ＬＡＰＴＯＰ fullwidth",
    "Straße sync",
    "Café (e + combining acute)".replace("é", "e\u0301"),
    "Café composed",
    'Quote " in the middle',
    'Two "" quotes',
    "Star * and NEAR(a b)",
    "100% sure",
    "under_score",
    "it's mine",
    "A AND B OR C",
    "label:colon {label} ^caret",
    "Key 🔑 emoji",
    "office ﬃ ligature",
    "Power BI",
]

# Needles a person may type: ordinary words, FTS5 and LIKE syntax, quotes, other scripts.
NEEDLES = [
    "laptop", "LAPTOP", "ｌａｐｔｏｐ", "lap", "la", "l", "top w",
    "strasse", "STRASSE", "straße", "café", "cafe\u0301", "CAFÉ", "afé",
    '"', '""', '" in', 'quote "', '"" quotes', "*", "NEAR", "NEAR(a", "near(a b)", "(a b)",
    "%", "100%", "0% s", "pow%bi", "_", "under_", "unde_", "'", "it's", "t's m", "AND", "a and b", "B OR C", "OR",
    "label:", ":colon", "{label}", "^caret", "^ca",
    "🔑", "y 🔑 e", "🔑 emoji", "ﬃ", "ffi", "ffi lig", "\u0301", "e\u0301 (",
    "power bi", "r b", "er B", "fleet", "Fleet 0042", "t 0042", "0042", "fleet 05", "FLEET 0",
    "nothing like this", "  laptop  ", "renamed", "old name", "rotated",
]


def _alembic(connection):  # type: ignore[no-untyped-def]
    from alembic.config import Config

    from store import schema

    config = Config()
    config.set_main_option("script_location", str(schema.MIGRATIONS))
    config.attributes["connection"] = connection
    return config


def _migrate(url: str, where: str) -> None:
    """Run the revisions up or down to ``where`` on the database at ``url`` (a path or a URL)."""
    from alembic import command

    engine = create_engine(url if "://" in url else f"sqlite:///{url}")
    try:
        with engine.begin() as connection:
            if where == "head":
                command.upgrade(_alembic(connection), where)
            else:
                command.downgrade(_alembic(connection), where)
    finally:
        engine.dispose()


def _found(store: TokenStore, needle: str) -> tuple[list[tuple[str, str]], int]:
    """Every (id, label) the filter pages through, in order, and the count it reports."""
    seen: list[tuple[str, str]] = []
    after = None
    while True:
        page = store.list_all_tokens(ALICE, label_contains=needle, after=after, limit=200)
        seen += [(info.id, info.label) for info in page.tokens]
        if page.next is None:
            break
        after = page.next
    return seen, store.count_tokens(ALICE, label_contains=needle)


def _fill(store: TokenStore, clock) -> dict[str, str]:  # type: ignore[no-untyped-def]
    """Tokens of every kind under the labels above, plus 600 "Fleet NNNN" tokens (a common needle)."""
    ids = {}
    for label in LABELS:
        ids[label] = store.create_token(ALICE, label, "read").info.id
        clock.advance(seconds=1)
    store.ensure_account("bob")
    bob = Actor("bob")
    store.create_token(bob, "laptop of bob", "read")
    revoked = store.create_token(bob, "revoked laptop", "read").info.id
    store.revoke(bob, revoked)
    renamed = store.create_token(ALICE, "old name", "read").info.id
    store.edit_token(ALICE, renamed, label="renamed token")
    rotated = store.create_token(ALICE, "rotated token", "read").info.id
    store.rotate(ALICE, rotated)
    short = store.create_token(ALICE, "expiring laptop", "read", clock.now + timedelta(hours=1)).info.id
    clock.advance(hours=2)
    store.create_token(ALICE, "expiring laptop", "read")  # the expired one gives its label key up
    ids.update(renamed=renamed, rotated=rotated, revoked=revoked, expired=short)
    with store._write_engine.begin() as connection:
        account_id = connection.execute(text("SELECT id FROM account WHERE name = 'alice'")).scalar_one()
        rows = []
        for n in range(600):
            label = f"Fleet {n:04d}"
            rows.append({
                "id": tokenstring.new_token_id(), "account_id": account_id, "label": label,
                "label_key": label_key(label), "scope": "read", "secret_hash": "x",
                "created_at": clock.now - timedelta(minutes=n), "revoked_at": None, "revoked_by_id": None,
            })
        connection.execute(insert(Token.__table__), rows)  # type: ignore[attr-defined]
    return ids


def test_the_label_filter_finds_exactly_what_reading_every_token_finds(store, clock, db_url, record_sql) -> None:  # type: ignore[no-untyped-def]
    ids = _fill(store, clock)
    statements = record_sql(store)
    with_index = {needle: _found(store, needle) for needle in NEEDLES}
    if store._engine.dialect.name == "sqlite":
        # The index did the narrowing for the rare needles (not only the scan's LIKE).
        assert any("token_label_fts MATCH" in s and " IN (SELECT" in s for s in statements)

    _migrate(db_url, "0006")  # no index: every filter reads every token
    by_scan = {needle: _found(store, needle) for needle in NEEDLES}
    for needle in NEEDLES:
        assert with_index[needle] == by_scan[needle], needle
        assert with_index[needle][1] == len(with_index[needle][0]), needle

    # And what both find is what people expect.
    def labels(needle: str) -> set[str]:
        return {label for _, label in with_index[needle][0]}

    assert labels("ｌａｐｔｏｐ") >= {"Laptop at home", "LAPTOP work", "ＬＡＰＴＯＰ fullwidth", "laptop of bob",
                                "revoked laptop", "expiring laptop"}
    assert labels("strasse") == {"Straße sync"}
    assert labels("café") == {LABELS[4], "Café composed"}
    assert labels('"" quotes') == {'Two "" quotes'}
    assert labels("near(a b)") == {"Star * and NEAR(a b)"}
    assert labels("0% s") == {"100% sure"} and labels("pow%bi") == set()  # % and _ are characters
    assert labels("under_") == {"under_score"} and labels("unde_") == set()
    assert labels("🔑 emoji") == {"Key 🔑 emoji"}
    assert labels("renamed") == {"renamed token"} and labels("old name") == set()
    assert {ids["rotated"]} <= {token_id for token_id, _ in with_index["rotated"][0]}
    found_laptops = {token_id for token_id, _ in with_index["laptop"][0]}
    assert {ids["revoked"], ids["expired"]} <= found_laptops
    assert len(with_index["fleet"][0]) == 600 and len(with_index["fleet 05"][0]) == 100
    assert labels("Fleet 0042") == {"Fleet 0042"} and labels("0042") == {"Fleet 0042"}
    assert labels("nothing like this") == set()


def test_an_existing_database_gets_its_index_filled_and_can_go_back(sqlite_url, first_release, record_sql) -> None:  # type: ignore[no-untyped-def]
    first_release(f"sqlite:///{sqlite_url}", versioned=True)
    with TokenStore(sqlite_url, hasher=CHEAP) as store:  # upgraded on open, 0001 to the newest
        assert store.schema_status().state is SchemaState.CURRENT
        statements = record_sql(store)
        found = store.list_all_tokens(Actor("root"), label_contains="token 7 – CAFÉ").tokens
        assert [info.label for info in found] == ["Token 7 – café"]
        assert any("token_label_fts MATCH" in s and " IN (SELECT" in s for s in statements)

    _migrate(sqlite_url, "0006")
    engine = create_engine(f"sqlite:///{sqlite_url}")
    with engine.connect() as connection:
        left = connection.execute(text("SELECT name FROM sqlite_master WHERE name LIKE 'token_label_fts%'")).all()
    assert left == []
    with TokenStore(sqlite_url, hasher=CHEAP) as store:  # back up to the newest, index filled again
        assert store.schema_status().state is SchemaState.CURRENT
        with engine.connect() as connection:
            indexed = connection.execute(text("SELECT count(*) FROM token_label_fts")).scalar_one()
            assert indexed == connection.execute(text("SELECT count(*) FROM token")).scalar_one() == 12
        store.create_token(Actor("alice"), "Token 12 – after", "read")
        found = store.list_all_tokens(Actor("root"), label_contains="12 – after").tokens
        assert [info.label for info in found] == ["Token 12 – after"]
    engine.dispose()


def test_postgresql_upgrades_an_existing_database_with_trigram_indexes(postgres_url, first_release) -> None:  # type: ignore[no-untyped-def]
    first_release(postgres_url, versioned=True)
    with TokenStore(postgres_url, hasher=CHEAP, schema="upgrade") as store:
        assert store.schema_status().state is SchemaState.CURRENT
        found = store.list_all_tokens(Actor("root"), label_contains="Token 7 – ").tokens
        assert [info.label for info in found] == ["Token 7 – café"]
        with store._engine.connect() as connection:
            indexes = set(connection.execute(
                text("SELECT indexname FROM pg_indexes WHERE tablename = 'token' AND schemaname = current_schema()")
            ).scalars())
    assert {"ix_token_label_key_trgm", "ix_token_label_trgm"} <= indexes
    _migrate(postgres_url, "0006")
    with TokenStore(postgres_url, hasher=CHEAP, schema="ignore") as store:
        assert store.schema_status().revision == "0006"
        with store._engine.connect() as connection:
            indexes = set(connection.execute(
                text("SELECT indexname FROM pg_indexes WHERE tablename = 'token' AND schemaname = current_schema()")
            ).scalars())
        assert not indexes & {"ix_token_label_key_trgm", "ix_token_label_trgm"}
        assert len(store.list_all_tokens(Actor("root"), label_contains="café").tokens) == 12


@pytest.fixture
def unprivileged_postgres_url():  # type: ignore[no-untyped-def]
    """A new PostgreSQL database, and a role that may create tables in it but not install
    extensions there (as a database's user often may not): its URL."""
    import os

    from sqlalchemy.engine import make_url

    server = os.environ.get("TOKENS_TEST_POSTGRES_URL", "").strip()
    if not server:
        pytest.skip("TOKENS_TEST_POSTGRES_URL is not set")
    name = f"t_{uuid.uuid4().hex[:16]}"
    admin = create_engine(server, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE ROLE "{name}" LOGIN'))
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    inside = create_engine(make_url(server).set(database=name), isolation_level="AUTOCOMMIT")
    with inside.connect() as connection:
        connection.execute(text(f'GRANT USAGE, CREATE ON SCHEMA public TO "{name}"'))
    inside.dispose()
    try:
        yield make_url(server).set(database=name, username=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE "{name}" WITH (FORCE)'))
            connection.execute(text(f'DROP ROLE "{name}"'))
        admin.dispose()


def test_without_pg_trgm_the_upgrade_succeeds_and_the_filter_reads_every_token(unprivileged_postgres_url) -> None:  # type: ignore[no-untyped-def]
    with TokenStore(unprivileged_postgres_url, hasher=CHEAP) as store:  # a new database gets the schema
        assert store.schema_status().state is SchemaState.CURRENT
        store.ensure_account("alice")
        for label in ("Laptop at home", "Phone", "laptop spare"):
            store.create_token(ALICE, label, "read")
        found = store.list_all_tokens(ALICE, label_contains="LAPTOP").tokens
        assert sorted(info.label for info in found) == ["Laptop at home", "laptop spare"]
        assert store.count_tokens(ALICE, label_contains="pho") == 1
        with store._engine.connect() as connection:
            assert connection.execute(text("SELECT count(*) FROM pg_extension WHERE extname = 'pg_trgm'")).scalar() == 0
            indexes = set(connection.execute(text("SELECT indexname FROM pg_indexes WHERE tablename = 'token'")).scalars())
        assert not indexes & {"ix_token_label_key_trgm", "ix_token_label_trgm"}

"""Shared fixtures.

Store tests run on SQLite always and on PostgreSQL when ``TOKENS_TEST_POSTGRES_URL`` is set
(CI sets it; then a missing server fails the run instead of skipping). Each PostgreSQL test gets a
schema of its own, dropped afterwards, so runs never see each other's rows.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from urllib.parse import quote

import pytest

POSTGRES_URL = os.environ.get("TOKENS_TEST_POSTGRES_URL", "").strip()


def _cheap_hasher():  # type: ignore[no-untyped-def]
    from argon2 import PasswordHasher, profiles

    return PasswordHasher.from_parameters(profiles.CHEAPEST)


@pytest.fixture(autouse=True)
def _isolated_environment(tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """No test reads or writes the real user's data directory, and Argon2 stays cheap."""
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg-data"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "xdg-config"))
    monkeypatch.delenv("TOKENS_CONFIG", raising=False)
    monkeypatch.delenv("TOKENS_DB", raising=False)
    monkeypatch.setenv("TOKENS_ARGON2_PROFILE", "CHEAPEST")


@pytest.fixture
def sqlite_url(tmp_path) -> str:  # type: ignore[no-untyped-def]
    return str(tmp_path / "tokens.db")


@pytest.fixture
def postgres_url() -> Iterator[str]:
    """A PostgreSQL URL whose search_path is a fresh schema, dropped after the test."""
    if not POSTGRES_URL:
        pytest.skip("TOKENS_TEST_POSTGRES_URL is not set")
    from sqlalchemy import create_engine, text

    schema = f"t_{uuid.uuid4().hex[:16]}"
    admin = create_engine(POSTGRES_URL)
    with admin.begin() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    separator = "&" if "?" in POSTGRES_URL else "?"
    try:
        yield f"{POSTGRES_URL}{separator}options={quote(f'-csearch_path={schema}')}"
    finally:
        with admin.begin() as connection:
            connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request) -> str:  # type: ignore[no-untyped-def]
    """Each store test runs once per backend."""
    if request.param == "sqlite":
        return request.getfixturevalue("sqlite_url")
    return request.getfixturevalue("postgres_url")


@pytest.fixture
def make_store(db_url):  # type: ignore[no-untyped-def]
    """Open (more) stores on this test's database; all are closed afterwards."""
    from store import TokenStore

    opened = []

    def _make(**kwargs):  # type: ignore[no-untyped-def]
        kwargs.setdefault("hasher", _cheap_hasher())
        s = TokenStore(db_url, **kwargs)
        opened.append(s)
        return s

    yield _make
    for s in opened:
        s.close()


@pytest.fixture
def token_store(make_store):  # type: ignore[no-untyped-def]
    """A store on a fresh database with the account ``alice`` in it."""
    s = make_store()
    s.ensure_account("alice")
    return s


def pytest_configure(config) -> None:  # type: ignore[no-untyped-def]
    if os.environ.get("CI") and not POSTGRES_URL:
        raise pytest.UsageError("CI must set TOKENS_TEST_POSTGRES_URL: the store is tested on PostgreSQL too")

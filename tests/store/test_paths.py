"""What ``--db`` and ``$TOKENS_DB`` may name: a path, a URL, a SQLite URI; never memory."""

from __future__ import annotations

from pathlib import Path

import pytest

from store import Actor, DatabaseError, TokenStore, resolve_target


@pytest.mark.parametrize(
    "target",
    [":memory:", "sqlite://", "sqlite:///", "sqlite:///:memory:", "sqlite:///file::memory:?cache=shared",
     "file::memory:", "file:t.db?mode=memory", "sqlite:///file:t.db?mode=memory&uri=true"],
)
def test_an_in_memory_database_is_refused_and_no_file_is_made(target, tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.chdir(tmp_path)
    with pytest.raises(DatabaseError, match="in-memory database keeps nothing"):
        TokenStore(target)
    assert list(tmp_path.iterdir()) == []


def test_an_in_memory_database_in_the_environment_is_refused_too(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("TOKENS_DB", ":memory:")
    with pytest.raises(DatabaseError, match="in-memory"):
        resolve_target(None)


def test_a_sqlite_uri_filename_is_read_by_sqlite_not_used_as_a_name(tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.chdir(tmp_path)
    with TokenStore("file:t.db") as s:
        s.ensure_account("alice")
        s.create_token(Actor("alice"), "Laptop", "read")
    assert (tmp_path / "t.db").is_file()
    with TokenStore("file:t.db?mode=ro") as s:
        assert [t.label for t in s.list_tokens(Actor("alice"))] == ["Laptop"]
    assert [p.name for p in tmp_path.iterdir() if not p.name.startswith("t.db")] == []


def test_a_plain_path_stays_a_path_and_a_url_a_url() -> None:
    assert resolve_target("some/where.db") == Path("some/where.db")
    assert resolve_target("sqlite:///x.db") == "sqlite:///x.db"
    assert resolve_target("file:x.db?mode=ro") == "sqlite:///file:x.db?mode=ro&uri=true"

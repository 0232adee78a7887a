"""Where the database lives, how SQLite is set up, and what people see when it cannot be used.

Every failure to open, read or write is a ``store.DatabaseError`` with one line a person can act
on (no traceback chained behind it), and leaves the data as it was.
"""

from __future__ import annotations

from store import Actor

import os
import sqlite3
import stat
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from sqlalchemy import exc as sa_exc
from sqlalchemy import text

from store import DatabaseError, DatabaseLocked, ReadOnlyDatabase, TokenStore, default_db_path
from store import tokenstring as ts


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.fixture
def open_store():  # type: ignore[no-untyped-def]
    """Open stores on SQLite targets the test chooses; all are closed afterwards."""
    opened = []

    def _open(*args, **kwargs) -> TokenStore:  # type: ignore[no-untyped-def]
        s = TokenStore(*args, **kwargs)
        opened.append(s)
        return s

    yield _open
    for s in opened:
        s.close()


@pytest.fixture
def sqlite_file(open_store, sqlite_url) -> Path:  # type: ignore[no-untyped-def]
    """A closed SQLite database holding alice and one active token."""
    s = open_store(sqlite_url)
    s.ensure_account("alice")
    s.create_token(Actor("alice"), "Laptop", "read")
    s.close()
    return Path(sqlite_url)


# ----------------------------------------------------------------------------- where it lives


def test_the_default_database_is_private_to_the_user(open_store, tmp_path) -> None:  # type: ignore[no-untyped-def]
    expected = tmp_path / "xdg-data" / "tokens" / "tokens.db"
    assert default_db_path() == expected
    old_umask = os.umask(0)  # even a permissive umask must not widen the modes
    try:
        s = open_store()
        s.ensure_account("alice")
        s.create_token(Actor("alice"), "Laptop", "read")
        assert s.target == expected
        assert mode(expected.parent) == 0o700
        assert mode(expected) == 0o600
        for companion in expected.parent.glob("tokens.db-*"):  # SQLite's -wal and -shm files
            assert mode(companion) & 0o077 == 0, companion
    finally:
        os.umask(old_umask)
    assert [t.label for t in open_store().list_tokens(Actor("alice"))] == ["Laptop"]


def test_tokens_db_chooses_another_file(open_store, tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    chosen = tmp_path / "elsewhere.db"
    monkeypatch.setenv("TOKENS_DB", str(chosen))
    s = open_store()
    s.ensure_account("alice")
    s.create_token(Actor("alice"), "Laptop", "read")
    assert s.target == chosen
    assert chosen.is_file()
    assert not default_db_path().exists()
    assert [t.label for t in open_store(chosen).list_tokens(Actor("alice"))] == ["Laptop"]


def test_an_explicit_target_wins_over_tokens_db(open_store, tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("TOKENS_DB", str(tmp_path / "from-env.db"))
    s = open_store(tmp_path / "explicit.db")
    assert s.target == tmp_path / "explicit.db"
    assert not (tmp_path / "from-env.db").exists()


def test_sqlite_runs_in_wal_mode_with_foreign_keys_and_the_busy_timeout(open_store, sqlite_url) -> None:  # type: ignore[no-untyped-def]
    s = open_store(sqlite_url, busy_timeout=0.2)
    with s._engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert connection.exec_driver_sql("PRAGMA busy_timeout").scalar() == 200
    # WAL is recorded in the file, so other programs reading it see the same mode.
    with sqlite3.connect(sqlite_url) as plain:
        assert plain.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_foreign_keys_are_enforced(token_store) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(sa_exc.IntegrityError):
        with token_store._engine.begin() as connection:
            connection.execute(
                text(
                    "INSERT INTO token (id, account_id, label, scope, secret_hash, created_at) "
                    "VALUES (:id, 987654, 'Orphan', 'read', 'x', CURRENT_TIMESTAMP)"
                ),
                {"id": ts.new_token_id()},
            )


# ----------------------------------------------------------------------------- when it cannot be used


def test_a_missing_directory_is_a_clear_error_and_is_not_created(open_store, tmp_path, one_clear_line) -> None:  # type: ignore[no-untyped-def]
    target = tmp_path / "no-such-dir" / "tokens.db"
    with pytest.raises(DatabaseError) as caught:
        open_store(target)
    message = one_clear_line(caught.value)
    assert "does not exist" in message and str(target.parent) in message
    assert not target.parent.exists()


def test_a_directory_given_as_the_file_is_a_clear_error(open_store, tmp_path, one_clear_line) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(DatabaseError) as caught:
        open_store(tmp_path)
    assert "directory" in one_clear_line(caught.value)


@pytest.mark.parametrize(
    "garbage",
    [b"this is not a database, it is a shopping list\n" * 200, b"SQLite format 3\x00" + b"\xff" * 4000],
)
def test_a_corrupt_file_is_a_clear_error_and_stays_as_it_was(open_store, tmp_path, one_clear_line, garbage: bytes) -> None:  # type: ignore[no-untyped-def]
    target = tmp_path / "tokens.db"
    target.write_bytes(garbage)
    with pytest.raises(DatabaseError) as caught:
        open_store(target)
    assert "not a tokens database" in one_clear_line(caught.value)
    assert target.read_bytes() == garbage
    assert not Path(f"{target}-wal").exists() or Path(f"{target}-wal").stat().st_size == 0


@pytest.mark.skipif(hasattr(os, "geteuid") and os.geteuid() == 0, reason="root may write a file whatever its mode")
def test_a_read_only_file_is_a_clear_error_on_write(open_store, sqlite_file, one_clear_line) -> None:  # type: ignore[no-untyped-def]
    sqlite_file.chmod(0o400)
    s = open_store(sqlite_file)
    with pytest.raises(ReadOnlyDatabase) as caught:
        s.create_token(Actor("alice"), "Another", "read")
    assert "read-only" in one_clear_line(caught.value)
    assert [t.label for t in s.list_tokens(Actor("alice"))] == ["Laptop"]


def test_a_read_only_database_refuses_writes_clearly_and_still_authenticates(open_store, sqlite_url, one_clear_line) -> None:  # type: ignore[no-untyped-def]
    # Opened read-only through SQLite itself, which holds even for root (unlike a file mode).
    writer = open_store(sqlite_url)
    writer.ensure_account("alice")
    new = writer.create_token(Actor("alice"), "Laptop", "read")
    s = open_store(f"sqlite:///file:{sqlite_url}?mode=ro&uri=true")
    for attempt in (
        lambda: s.create_token(Actor("alice"), "Another", "read"),
        lambda: s.revoke(Actor("alice"), new.info.id),
    ):
        with pytest.raises(ReadOnlyDatabase) as caught:
            attempt()
        assert "read-only" in one_clear_line(caught.value)
    # Reading still works, and a last-used time that cannot be saved does not turn a token away.
    assert s.authenticate(new.secret).token_id == new.info.id
    assert [(t.label, t.revoked_at) for t in writer.list_tokens(Actor("alice"))] == [("Laptop", None)]


def test_an_unreachable_server_is_a_clear_error_without_the_password(open_store, one_clear_line) -> None:  # type: ignore[no-untyped-def]
    url = "postgresql+psycopg://tokens:hunter2@127.0.0.1:1/tokens?connect_timeout=2"
    with pytest.raises(DatabaseError) as caught:
        open_store(url)
    message = one_clear_line(caught.value)
    assert "hunter2" not in message
    assert "127.0.0.1" in message


def test_an_unusable_url_is_a_clear_error(open_store, one_clear_line) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(DatabaseError) as caught:
        open_store("nosuchdialect://user:hunter2@host/db")
    assert "hunter2" not in one_clear_line(caught.value)


# ----------------------------------------------------------------------------- locks and other processes


def test_a_database_locked_past_the_busy_timeout_is_a_clear_error_and_changes_nothing(open_store, sqlite_url, clock, one_clear_line) -> None:  # type: ignore[no-untyped-def]
    s = open_store(sqlite_url, busy_timeout=0.2, clock=clock)
    s.ensure_account("alice")
    existing = s.create_token(Actor("alice"), "Laptop", "read")
    s.authenticate(existing.secret)

    holder = sqlite3.connect(sqlite_url, isolation_level=None)
    holder.execute("BEGIN EXCLUSIVE")
    try:
        attempts = (
            lambda: s.create_token(Actor("alice"), "Server", "read_write"),
            lambda: s.revoke(Actor("alice"), existing.info.id),
            lambda: s.ensure_account("bob"),
        )
        for attempt in attempts:
            with pytest.raises(DatabaseLocked) as caught:
                attempt()
            assert "locked" in one_clear_line(caught.value)
        # Someone else writing does not stop a known token from being accepted, even when its
        # last-used time is due to be written and cannot be.
        clock.advance(minutes=2)
        assert s.authenticate(existing.secret).token_id == existing.info.id
    finally:
        holder.rollback()
        holder.close()

    assert s.list_tokens(Actor("alice"), include_revoked=True) == [s.get_token(Actor("alice"), existing.info.id)]
    assert s.get_token(Actor("alice"), existing.info.id).revoked_at is None
    assert [e.action for e in s.audit_events(Actor("alice"), account="alice") if e.token_id] == ["token.create"]
    s.create_token(Actor("alice"), "Server", "read_write")  # and once the lock is gone, writing works


_WRITER = textwrap.dedent(
    """
    import sys
    from store import Actor, TokenStore

    s = TokenStore(sys.argv[1])
    name = sys.argv[2]
    print("ready", flush=True)
    sys.stdin.readline()
    s.ensure_account("carol")
    for n in range(15):
        new = s.create_token(Actor("alice"), f"{name} {n}", "read_write")
        s.authenticate(new.secret)
        if n % 3 == 0:
            s.revoke(Actor("alice"), new.info.id)
    print("done", flush=True)
    """
)


def test_two_processes_writing_at_once_both_succeed(open_store, sqlite_url) -> None:  # type: ignore[no-untyped-def]
    s = open_store(sqlite_url)
    s.ensure_account("alice")
    processes = [
        subprocess.Popen(
            [sys.executable, "-c", _WRITER, sqlite_url, name],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for name in ("first", "second")
    ]
    try:
        for p in processes:
            if p.stdout.readline().strip() != "ready":  # type: ignore[union-attr]
                pytest.fail(p.communicate(timeout=30)[1])
        for p in processes:  # start both at once
            p.stdin.write("go\n")  # type: ignore[union-attr]
            p.stdin.flush()  # type: ignore[union-attr]
        results = [p.communicate(timeout=60) for p in processes]
    finally:
        for p in processes:
            if p.poll() is None:
                p.kill()
                p.wait()
    for p, (out, err) in zip(processes, results, strict=True):
        assert p.returncode == 0 and out.strip() == "done", err

    tokens = s.list_tokens(Actor("alice"), include_revoked=True)
    assert len(tokens) == len({t.id for t in tokens}) == 30
    assert sum(t.revoked_at is not None for t in tokens) == 10
    # Every authenticate succeeded (the script would have failed otherwise); recording last-used
    # is best effort and may give way to the other process's writes.
    assert len([e for e in s.audit_events(Actor("alice"), account="alice") if e.token_id]) == 40
    assert s.ensure_account("carol") == "carol"


def test_a_path_with_an_escape_sequence_never_reaches_a_message(tmp_path) -> None:  # type: ignore[no-untyped-def]
    from store import TokenStore

    hostile = tmp_path / "d\x1b]2;PWNED\x07ir" / "tokens.db"
    with pytest.raises(DatabaseError) as caught:
        TokenStore(hostile)
    assert "\x1b" not in str(caught.value) and "\x07" not in str(caught.value)
    assert "]2;PWNED" in str(caught.value)  # the rest of the name is still there to recognise


def test_a_busy_database_does_not_hold_up_a_known_token(tmp_path) -> None:  # type: ignore[no-untyped-def]
    import sqlite3
    import threading

    from store import TokenStore

    path = tmp_path / "tokens.db"
    # A lock wait far longer than any slowness of a busy machine, so the two cases cannot be confused.
    s = TokenStore(path, busy_timeout=120.0)
    s.ensure_account("alice")
    new = s.create_token(Actor("alice"), "Laptop", "read")  # never used: authenticate wants to record that
    blocker = sqlite3.connect(path, isolation_level=None)
    blocker.execute("BEGIN IMMEDIATE")
    try:
        answers: list[object] = []
        worker = threading.Thread(target=lambda: answers.append(s.authenticate(new.secret)))
        worker.start()
        worker.join(timeout=60.0)  # the last-used write must give up long before the lock wait ends
        assert not worker.is_alive(), "authenticate waited for the database lock"
        assert answers and answers[0].token_id == new.info.id
    finally:
        blocker.execute("ROLLBACK")
        blocker.close()
        s.close()

"""Faults of the world around the store: each is one clear line, nothing is half-written, and
the same store works again once the fault is gone."""

from __future__ import annotations

import json
import os
import sqlite3
import stat
import sys
import textwrap
from pathlib import Path

import pytest

from store import Actor, DatabaseError, ReadOnlyDatabase, TokenStore


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.fixture
def filled(tmp_path) -> tuple[Path, str]:  # type: ignore[no-untyped-def]
    """A closed database in a folder of its own holding alice and one token; and that token."""
    folder = tmp_path / "data"
    folder.mkdir(mode=0o700)
    path = folder / "tokens.db"
    with TokenStore(path) as s:
        s.ensure_account("alice")
        secret = s.create_token(Actor("alice"), "Laptop", "read").secret
    return path, secret


_PROBE = textwrap.dedent(
    """
    import json, sys
    from store import Actor, StoreError, TokenStore

    out = {}
    try:
        s = TokenStore(sys.argv[1])
    except StoreError as exc:
        print(json.dumps({"open": str(exc)}))
        raise SystemExit
    out["list"] = [t.label for t in s.list_tokens(Actor("alice"))]
    out["authenticated"] = s.authenticate(sys.argv[2]).account
    for name, attempt in (("create", lambda: s.create_token(Actor("alice"), "Another", "read")),
                          ("revoke", lambda: s.revoke(Actor("alice"), s.list_tokens(Actor("alice"))[0].id))):
        try:
            attempt()
            out[name] = "done"
        except StoreError as exc:
            out[name] = [type(exc).__name__, str(exc)]
    print(json.dumps(out))
    """
)


@pytest.mark.parametrize("what", ["folder", "file"])
def test_a_read_only_database_still_reads_and_refuses_writes_in_words(filled, read_only_run, what) -> None:  # type: ignore[no-untyped-def]
    path, secret = filled
    before = path.read_bytes()
    result = read_only_run(path.parent if what == "folder" else path, [sys.executable, "-c", _PROBE, str(path), secret],
                           cwd=os.getcwd())
    assert result.returncode == 0, result.stderr
    out = json.loads(result.stdout)
    assert out["list"] == ["Laptop"]  # reading works
    assert out["authenticated"] == "alice"  # and so does presenting a token
    for name in ("create", "revoke"):
        kind, message = out[name]
        assert kind == "ReadOnlyDatabase", out
        assert "read-only" in message and "\n" not in message
        if what == "folder":
            assert "folder" in message  # says why
    assert path.read_bytes() == before
    if what == "folder":
        assert sorted(p.name for p in path.parent.iterdir()) == ["tokens.db"]  # no stray files
    with TokenStore(path) as s:  # and once writable again, writing works
        s.create_token(Actor("alice"), "Another", "read")


def test_an_existing_database_file_is_made_private(filled) -> None:  # type: ignore[no-untyped-def]
    path, _ = filled
    path.chmod(0o644)
    with TokenStore(path) as s:
        assert s.list_tokens(Actor("alice"))
        assert s.warnings == []  # the folder is 0700
    assert mode(path) == 0o600


@pytest.mark.parametrize(
    ("folder_mode", "words"),
    [(0o755, "can be read by other users (mode 0755)"), (0o750, "can be read by other users"),
     (0o777, "can be changed by other users"), (0o1777, "can be changed by other users")],
)
def test_a_folder_others_can_open_is_warned_about(filled, folder_mode, words) -> None:  # type: ignore[no-untyped-def]
    path, _ = filled
    path.parent.chmod(folder_mode)
    with TokenStore(path) as s:
        assert len(s.warnings) == 1
        assert words in s.warnings[0] and "chmod 700" in s.warnings[0]
        assert [t.label for t in s.list_tokens(Actor("alice"))] == ["Laptop"]  # a warning, not a refusal


_FILL_DISK = textwrap.dedent(
    """
    import json, os, resource, sys
    from store import Actor, StoreError, TokenStore

    s = TokenStore(sys.argv[1])
    made, error = [], None
    limit = os.path.getsize(sys.argv[1]) + 40_000  # a few more pages, then the file size limit
    resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))
    for n in range(2000):
        try:
            made.append(s.create_token(Actor("alice"), f"Token {n} " + "x" * 80, "read").info.id)
        except StoreError as exc:
            error = str(exc)
            break
    try:
        listed = len(s.list_tokens(Actor("alice")))
    except StoreError as exc:
        listed = str(exc)
    print(json.dumps({"made": made, "error": error, "listed": listed}))
    """
)


def test_a_full_disk_saves_nothing_half_and_says_so(filled) -> None:  # type: ignore[no-untyped-def]
    import subprocess

    path, _ = filled
    result = subprocess.run([sys.executable, "-c", _FILL_DISK, str(path)], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    out = json.loads(result.stdout)
    assert out["error"] is not None, "the size limit was never reached"
    assert "writing to the disk failed" in out["error"] and "nothing was saved" in out["error"]
    assert "\n" not in out["error"]
    with TokenStore(path) as s:
        ids = {t.id for t in s.list_tokens(Actor("alice"))}
        # Every token reported created is there; the one that failed left no row and no event.
        assert ids >= set(out["made"]) and len(ids) == len(out["made"]) + 1
        assert len([e for e in s.audit_events(Actor("alice"), account="alice") if e.token_id]) == len(ids)
        s.create_token(Actor("alice"), "After the disk was freed", "read")
    check = sqlite3.connect(path)
    try:
        assert check.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    finally:
        check.close()


def test_a_database_damaged_after_use_is_a_clear_error_and_left_as_it_is(filled) -> None:  # type: ignore[no-untyped-def]
    path, _ = filled
    with TokenStore(path) as s:
        for n in range(30):
            s.create_token(Actor("alice"), f"Token {n}", "read")
    with path.open("r+b") as f:  # pages in the middle overwritten, as by a failing disk
        f.seek(4096 * 3)
        f.write(b"\xff" * 4096 * 3)
    damaged = path.read_bytes()
    with pytest.raises(DatabaseError, match="damaged") as caught:
        with TokenStore(path) as s:
            s.list_tokens(Actor("alice"))
    assert "\n" not in str(caught.value)
    assert path.read_bytes() == damaged


# ----------------------------------------------------------------------------- a server that goes away


def test_a_stopped_server_is_a_clear_error_and_the_same_store_works_once_it_is_back(postgres_behind_proxy) -> None:  # type: ignore[no-untyped-def]
    url, server = postgres_behind_proxy
    s = TokenStore(url)
    try:
        s.ensure_account("alice")
        new = s.create_token(Actor("alice"), "Laptop", "read")
        assert s.authenticate(new.secret).account == "alice"

        server.stop()
        for attempt in (lambda: s.list_tokens(Actor("alice")), lambda: s.create_token(Actor("alice"), "Lost", "read"),
                        lambda: s.authenticate(new.secret)):
            with pytest.raises(DatabaseError) as caught:
                attempt()
            message = str(caught.value)
            assert "\n" not in message and ("cannot reach" in message or "lost the connection" in message), message

        server.start()
        # The pool's connections died with the server; the next call makes new ones.
        assert [t.label for t in s.list_tokens(Actor("alice"))] == ["Laptop"]
        assert s.authenticate(new.secret).account == "alice"
        s.create_token(Actor("alice"), "After the restart", "read")
        assert {t.label for t in s.list_tokens(Actor("alice"))} == {"Laptop", "After the restart"}
    finally:
        s.close()


def test_connections_ended_by_the_server_are_replaced_without_an_error(postgres_url) -> None:  # type: ignore[no-untyped-def]
    from sqlalchemy import create_engine, text

    s = TokenStore(postgres_url)
    try:
        s.ensure_account("alice")
        new = s.create_token(Actor("alice"), "Laptop", "read")
        with s._engine.connect() as connection:  # noqa: SLF001 - which backend to end
            pid = connection.execute(text("SELECT pg_backend_pid()")).scalar()
        admin = create_engine(postgres_url.split("?")[0])
        with admin.begin() as connection:
            assert connection.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid}).scalar()
        admin.dispose()
        assert [t.label for t in s.list_tokens(Actor("alice"))] == ["Laptop"]
        assert s.authenticate(new.secret).account == "alice"
    finally:
        s.close()

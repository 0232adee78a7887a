"""Shared fixtures.

Store tests run on SQLite always and on PostgreSQL when ``TOKENS_TEST_POSTGRES_URL`` is set
(CI sets it; then a missing server fails the run instead of skipping). Each PostgreSQL test gets a
schema of its own, dropped afterwards, so runs never see each other's rows.
"""

from __future__ import annotations

import os
import uuid
from datetime import UTC, datetime, timedelta
from collections.abc import Callable, Iterator
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
    # Who is acting starts from the login name: the same in every test, whoever runs them.
    monkeypatch.setenv("LOGNAME", "alice")
    # CHEAPEST is refused without this switch, which only a test suite may set.
    monkeypatch.setenv("TOKENS_ALLOW_INSECURE_HASHING", "1")


@pytest.fixture
def local_zone() -> Iterator[Callable[[str], None]]:
    """``local_zone(name)`` makes ``name`` (e.g. ``"Europe/Paris"``) the local time zone for the
    rest of the test; afterwards the zone from before is back, ``TZ`` and ``time.tzset()`` both,
    so no later test reads dates in a zone it did not ask for."""
    import time

    before = os.environ.get("TZ")

    def _set(name: str) -> None:
        os.environ["TZ"] = name
        time.tzset()

    yield _set
    if before is None:
        os.environ.pop("TZ", None)
    else:
        os.environ["TZ"] = before
    time.tzset()


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
    _install_pg_trgm(admin)
    with admin.begin() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    separator = "&" if "?" in POSTGRES_URL else "?"
    try:
        yield f"{POSTGRES_URL}{separator}options={quote(f'-csearch_path={schema}')}"
    finally:
        with admin.begin() as connection:
            connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


def _install_pg_trgm(admin) -> None:  # type: ignore[no-untyped-def]
    """Install pg_trgm in ``public``, as an operator would, before the schemas of the tests.

    Left to the first upgrade, it would land in that test's schema and go when the schema is
    dropped, taking the label indexes of the tests running beside it along.
    """
    from sqlalchemy import exc as sa_exc
    from sqlalchemy import text

    try:
        with admin.begin() as connection:
            if connection.execute(text("SELECT 1 FROM pg_extension WHERE extname = 'pg_trgm'")).first() is None:
                connection.execute(text("CREATE EXTENSION IF NOT EXISTS pg_trgm SCHEMA public"))
    except sa_exc.DBAPIError:
        pass  # another test run installed it at the same moment, or the server lacks it: the store copes


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


# ------------------------------------------------------------------------------ faults


@pytest.fixture
def read_only_run():  # type: ignore[no-untyped-def]
    """``read_only_run(path, argv, **kwargs)``: run a program while ``path`` (a folder or a file)
    cannot be written, even by root: a read-only bind mount in a mount namespace of its own when
    running as root, else the path's mode bits. Returns the ``CompletedProcess``."""
    import shutil
    import stat
    import subprocess

    def _run(path, argv, **kwargs):  # type: ignore[no-untyped-def]
        kwargs.setdefault("capture_output", True)
        kwargs.setdefault("text", True)
        kwargs.setdefault("timeout", 60)
        if os.geteuid() == 0:
            if shutil.which("unshare") is None:
                pytest.skip("needs unshare(1) to make a path read-only for root")
            probe = subprocess.run(["unshare", "-m", "true"], capture_output=True)
            if probe.returncode != 0:
                pytest.skip("cannot make a mount namespace here")
            script = 'mount --bind -o ro "$0" "$0" && exec "$@"'
            return subprocess.run(["unshare", "-m", "sh", "-c", script, str(path), *argv], **kwargs)
        before = stat.S_IMODE(os.stat(path).st_mode)
        os.chmod(path, before & ~0o222)
        try:
            return subprocess.run(list(argv), **kwargs)
        finally:
            os.chmod(path, before)

    return _run


class TcpProxy:
    """A TCP relay in front of the PostgreSQL server that a test can stop and start again, as if
    the server itself went down and came back: stopping closes every relayed connection."""

    def __init__(self, target_host: str, target_port: int) -> None:
        import socket
        import threading

        self._target = (target_host, target_port)
        self._lock = threading.Lock()
        self._connections: list[socket.socket] = []
        self._listener: socket.socket | None = None
        probe = socket.socket()
        probe.bind(("127.0.0.1", 0))
        self.port = probe.getsockname()[1]
        probe.close()

    def start(self) -> None:
        import socket
        import threading

        listener = socket.socket()
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(("127.0.0.1", self.port))
        listener.listen(16)
        self._listener = listener
        threading.Thread(target=self._accept, args=(listener,), daemon=True).start()

    def _accept(self, listener) -> None:  # type: ignore[no-untyped-def]
        import socket
        import threading

        while True:
            try:
                client, _ = listener.accept()
            except OSError:
                return  # stopped
            try:
                server = socket.create_connection(self._target)
            except OSError:
                client.close()
                continue
            with self._lock:
                self._connections += [client, server]
            for a, b in ((client, server), (server, client)):
                threading.Thread(target=self._pipe, args=(a, b), daemon=True).start()

    @staticmethod
    def _pipe(source, sink) -> None:  # type: ignore[no-untyped-def]
        import socket

        try:
            while data := source.recv(65536):
                sink.sendall(data)
        except OSError:
            pass
        for each in (source, sink):
            try:
                each.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass

    def stop(self) -> None:
        import socket

        if self._listener is not None:
            try:
                self._listener.shutdown(socket.SHUT_RDWR)  # wakes the thread blocked in accept()
            except OSError:
                pass
            self._listener.close()
            self._listener = None
        with self._lock:
            connections, self._connections = self._connections, []
        for each in connections:
            try:
                each.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            each.close()


@pytest.fixture
def postgres_behind_proxy(postgres_url):  # type: ignore[no-untyped-def]
    """``(url, proxy)``: this test's PostgreSQL schema reached through a relay the test can stop."""
    from sqlalchemy.engine import make_url

    url = make_url(postgres_url)
    proxy = TcpProxy(url.host or "127.0.0.1", url.port or 5432)
    proxy.start()
    try:
        relayed = url.set(host="127.0.0.1", port=proxy.port)
        query = dict(relayed.query) | {"connect_timeout": "3"}
        yield relayed.set(query=query).render_as_string(hide_password=False), proxy
    finally:
        proxy.stop()


@pytest.fixture
def first_release():  # type: ignore[no-untyped-def]
    """``first_release(url, versioned=False)`` builds a database as the first release left it
    (revision 0001's tables and trigger; without a version table unless ``versioned``), holding
    active, expired and revoked tokens, through raw SQL; returns the token strings by kind."""
    return _build_first_release_database


def _alembic_config(connection):  # type: ignore[no-untyped-def]
    from alembic.config import Config

    from store import schema as schema_module

    config = Config()
    config.set_main_option("script_location", str(schema_module.MIGRATIONS))
    config.attributes["connection"] = connection
    return config


def _build_first_release_database(url: str, *, versioned: bool) -> dict[str, list[str]]:
    """A database at revision 0001 holding active, expired and revoked tokens; returns their strings."""
    from alembic import command
    from sqlalchemy import create_engine, text

    from store import tokenstring as ts

    cheap = _cheap_hasher()
    engine = create_engine(url)
    now = datetime.now(UTC)
    made: dict[str, list[str]] = {"active": [], "revoked": [], "expired": []}
    try:
        with engine.begin() as connection:
            command.upgrade(_alembic_config(connection), "0001")
            if not versioned:
                # What the first release left: the same tables, and no record of a version.
                connection.execute(text("DROP TABLE alembic_version"))
            connection.execute(
                text("INSERT INTO account (id, name, is_admin, created_at) VALUES (1, 'alice', :f, :now), (2, 'root', :t, :now)"),
                {"now": now, "t": True, "f": False},
            )
            for n in range(12):
                token_id, secret, token = ts.generate()
                kind = "revoked" if n % 4 == 0 else "expired" if n % 4 == 1 else "active"
                connection.execute(
                    text(
                        "INSERT INTO token (id, account_id, label, scope, secret_hash, created_at, expires_at, "
                        "revoked_at, revoked_by_id) VALUES (:id, :account, :label, :scope, :hash, :created, "
                        ":expires, :revoked, :by)"
                    ),
                    {
                        "id": token_id,
                        "account": 1 + n % 2,
                        "label": f"Token {n} – café",
                        "scope": "read" if n % 3 else "read_write",
                        "hash": cheap.hash(secret),
                        "created": now - timedelta(days=30),
                        "expires": now - timedelta(days=1) if kind == "expired" else now + timedelta(days=30),
                        "revoked": now - timedelta(days=2) if kind == "revoked" else None,
                        "by": 2 if kind == "revoked" else None,
                    },
                )
                connection.execute(
                    text("INSERT INTO audit_event (at, actor_id, action, token_id, detail) VALUES (:at, 1, 'token.create', :id, '{}')"),
                    {"at": now, "id": token_id},
                )
                made[kind].append(token)
    finally:
        engine.dispose()
    return made

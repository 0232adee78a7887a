"""Opening the database: SQLite and PostgreSQL engines, ``BEGIN IMMEDIATE``, and the one place
where a driver's error becomes a :class:`StoreError` a person can read.

Two processes doing read-then-write in SQLite's default deferred transactions fail with
"database is locked" at once, whatever the busy timeout; so every write transaction here starts
with ``BEGIN IMMEDIATE``.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import create_engine, event
from sqlalchemy import exc as sa_exc
from sqlalchemy.engine import Connection, Engine

from .errors import AlreadyRevoked, DatabaseError, DatabaseLocked, ReadOnlyDatabase, StoreError
from .paths import default_db_path, describe, folder_warnings, resolve_target, tighten


class StoreEngine:
    """The engines of one store, its transactions and its error mapping."""

    def __init__(self, target: str | os.PathLike[str] | None, busy_timeout: float) -> None:
        self.target = resolve_target(target)
        self.location = describe(self.target)
        self.busy_ms = int(busy_timeout * 1000)
        #: Things a person should know about where the database is kept, one line each.
        self.warnings: list[str] = []
        #: Why every write will be refused (a read-only folder), or ``None``.
        self.read_only: str | None = None
        self.engine = self._make_engine(busy_timeout)
        # Write transactions carry this option; on SQLite it turns BEGIN into BEGIN IMMEDIATE.
        self.write_engine = self.engine.execution_options(tokens_write=True)

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    def _make_engine(self, busy_timeout: float) -> Engine:
        if isinstance(self.target, Path):
            return self._sqlite_engine(self.target, busy_timeout)
        url = self.target
        if url.startswith("sqlite"):
            self._private_file(url)
            engine = create_engine(
                url,
                hide_parameters=True,
                connect_args={"timeout": busy_timeout, "check_same_thread": False},
            )
            _tune_sqlite(engine, busy_timeout)
            return engine
        try:
            # pre_ping: a connection the server dropped (a restart, an administrator) is noticed
            # and replaced when it is next taken from the pool, so the next try works.
            return create_engine(url, hide_parameters=True, pool_size=5, max_overflow=10, pool_pre_ping=True)
        except (sa_exc.ArgumentError, sa_exc.NoSuchModuleError, ImportError, ValueError) as exc:
            hint = " (install the 'postgres' extra for PostgreSQL)" if "psycopg" in str(exc) else ""
            raise DatabaseError(f"cannot use database URL {self.location}{hint}") from None

    def _sqlite_engine(self, path: Path, busy_timeout: float) -> Engine:
        if path == default_db_path() and not path.parent.exists():
            path.parent.mkdir(parents=True, mode=0o700)
            os.chmod(path.parent, 0o700)
        if not path.parent.is_dir():
            raise DatabaseError(f"cannot open {self.location}: the directory {describe(path.parent)} does not exist")
        if path.is_dir():
            raise DatabaseError(f"cannot open {self.location}: it is a directory, not a database file")
        if not path.exists():
            try:
                os.close(os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600))
            except FileExistsError:
                pass
            except OSError as exc:
                raise DatabaseError(f"cannot create {self.location}: {exc.strerror}") from None
        elif not os.access(path, os.R_OK):
            raise DatabaseError(f"cannot open {self.location}: permission denied")
        else:
            self._tighten(path)
        self._check_folder(path.parent)
        url = f"sqlite:///{path}"
        if not os.access(path.parent, os.W_OK):
            # SQLite keeps its journal (-wal, -shm) beside the file: in a folder that cannot be
            # written, nothing can be saved, and reading needs SQLite told so, or opening fails.
            self.read_only = f"the folder {describe(path.parent)} is read-only"
            journal = all(Path(f"{path}{suffix}").exists() for suffix in ("-wal", "-shm"))
            # Without a journal no one can be writing it: immutable spares SQLite creating one.
            mode = "mode=ro" if journal else "mode=ro&immutable=1"
            url = f"sqlite:///file:{_uri_path(path)}?{mode}&uri=true"
        engine = create_engine(
            url,
            hide_parameters=True,
            connect_args={"timeout": busy_timeout, "check_same_thread": False},
        )
        _tune_sqlite(engine, busy_timeout)
        return engine

    def _private_file(self, url: str) -> None:
        """The file a SQLite URL names is as private as a path's: created 0600, tightened if looser."""
        from urllib.parse import parse_qs, unquote

        from sqlalchemy.engine import make_url

        try:
            parsed = make_url(url)
        except Exception:  # noqa: BLE001 - create_engine reports a bad URL in its own words
            return
        database = parsed.database or ""
        query = {key: list(value) if isinstance(value, tuple) else [value] for key, value in parsed.query.items()}
        if database.startswith("file:"):
            database, _, inline = database[5:].partition("?")
            query |= parse_qs(inline)
        if not database or database == ":memory:":
            return
        path = Path(unquote(database))
        if path.exists():
            self._tighten(path)
        elif not {"ro", "memory"} & set(query.get("mode", [])) and path.parent.is_dir():
            try:
                os.close(os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600))
            except OSError:
                pass  # SQLite will say what is wrong in its own words

    def _tighten(self, path: Path) -> None:
        tighten(path)

    def _check_folder(self, folder: Path) -> None:
        self.warnings += folder_warnings(folder)

    def error(self, exc: Exception) -> StoreError:
        """A driver's or SQLAlchemy's error as one line a person can act on (never the SQL)."""
        original = getattr(exc, "orig", None) or exc
        lines = str(original).strip().splitlines()
        first = lines[0] if lines else type(original).__name__
        low = first.lower()
        where = self.location
        if "irreversible" in low:
            return AlreadyRevoked("a revoked token cannot be restored, and its hash, owner, scope and expiry cannot change")
        if "locked" in low or "database is busy" in low:
            return DatabaseLocked(f"{where} is locked by another program; try again in a moment")
        if "readonly" in low or "read-only" in low:
            why = f" ({self.read_only})" if self.read_only else ""
            return ReadOnlyDatabase(f"{where} is read-only{why}: changes cannot be saved; reading still works")
        if any(words in low for words in ("disk is full", "disk full", "no space left", "too large", "disk i/o error")):
            # A full disk and a file size limit both surface as a failed write (SQLITE_FULL or
            # SQLITE_IOERR); the transaction is rolled back either way.
            return DatabaseError(
                f"{where}: writing to the disk failed (it may be full, or the file at its size limit); "
                "nothing was saved. Free some space and try again"
            )
        if "not a database" in low or "malformed" in low or "file is encrypted" in low:
            return DatabaseError(f"{where} is not a tokens database (the file is damaged or of another kind)")
        if "unable to open" in low:
            return DatabaseError(f"cannot open {where}: check that it exists and that you may read and write it")
        if getattr(exc, "connection_invalidated", False) or "terminating connection" in low or "server closed" in low:
            return DatabaseError(f"lost the connection to {where}; nothing was saved. Try again: a new connection is made")
        operational = isinstance(exc, sa_exc.OperationalError) or type(original).__name__ == "OperationalError"
        if operational and ("connect" in low or "connection" in low):
            return DatabaseError(f"cannot reach {where}: {first}")
        return DatabaseError(f"database error on {where}: {first}")

    @contextmanager
    def translate(self) -> Iterator[None]:
        """Run a block, turning database and file errors into :class:`StoreError`."""
        try:
            yield
        except StoreError:
            raise
        except (sa_exc.DBAPIError, sa_exc.DatabaseError) as exc:
            raise self.error(exc) from None
        except OSError as exc:
            raise DatabaseError(f"cannot open {self.location}: {exc.strerror or exc}") from None

    @contextmanager
    def tx(self, *, write: bool = False) -> Iterator[Connection]:
        """One transaction (``BEGIN IMMEDIATE`` on SQLite when ``write``), committed at the end.

        Core, not the ORM: a row through an ORM session costs several times a Core row.
        """
        with self.translate():
            with (self.write_engine if write else self.engine).begin() as connection:
                yield connection

    def dispose(self) -> None:
        self.engine.dispose()


def _uri_path(path: Path) -> str:
    from urllib.parse import quote

    return quote(str(path.absolute()), safe="/")


def _tune_sqlite(engine: Engine, busy_timeout: float) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record) -> None:  # type: ignore[no-untyped-def]
        # Let us issue BEGIN ourselves (pysqlite's own BEGIN is always deferred).
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        try:
            cursor.execute(f"PRAGMA busy_timeout = {int(busy_timeout * 1000)}")
            cursor.execute("PRAGMA foreign_keys = ON")
            try:
                cursor.execute("PRAGMA journal_mode = WAL")
                cursor.execute("PRAGMA synchronous = NORMAL")
            except Exception:
                # A read-only file cannot switch to WAL; reading still works.
                pass
        finally:
            cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection) -> None:  # type: ignore[no-untyped-def]
        write = connection.get_execution_options().get("tokens_write", False)
        connection.exec_driver_sql("BEGIN IMMEDIATE" if write else "BEGIN")

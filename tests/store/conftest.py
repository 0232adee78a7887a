"""Fixtures for the store's tests: a clock the tests move, and counters for Argon2 work and SQL.

The shared fixtures (``db_url``, ``make_store``, ``token_store``) live in ``tests/conftest.py``.
"""

from __future__ import annotations

from store import Actor

from collections.abc import Callable, Iterator
from datetime import datetime, timedelta

import pytest
from argon2 import PasswordHasher, profiles

from store import Action, utcnow


class Clock:
    """The time as the store sees it; tests move it instead of waiting."""

    def __init__(self, start: datetime) -> None:
        self.now = start

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> datetime:
        self.now += timedelta(**delta)
        return self.now


class CountingHasher(PasswordHasher):
    """Argon2 at its cheapest, counting how often it hashes and verifies."""

    def __init__(self, *args, **kwargs) -> None:  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        self.hashes = 0
        self.verifies = 0

    def hash(self, password, *, salt=None):  # type: ignore[no-untyped-def,override]
        self.hashes += 1
        return super().hash(password, salt=salt)

    def verify(self, hash, password):  # type: ignore[no-untyped-def,override]
        self.verifies += 1
        return super().verify(hash, password)


@pytest.fixture
def clock() -> Clock:
    return Clock(utcnow().replace(microsecond=0))


@pytest.fixture
def new_hasher() -> Callable[[], CountingHasher]:
    """Make another counting hasher (one per store, so each store's Argon2 work is seen apart)."""
    return lambda: CountingHasher.from_parameters(profiles.CHEAPEST)  # type: ignore[return-value]


@pytest.fixture
def hasher(new_hasher) -> CountingHasher:  # type: ignore[no-untyped-def]
    return new_hasher()


@pytest.fixture
def store(make_store, clock, hasher):  # type: ignore[no-untyped-def]
    """A store on a fresh database (each backend) whose clock and Argon2 work the test controls.

    The account ``alice`` exists.
    """
    s = make_store(clock=clock, hasher=hasher)
    s.ensure_account("alice")
    return s


@pytest.fixture
def record_sql() -> Iterator[Callable[[object], list[str]]]:
    """``statements = record_sql(store)``: every SQL statement the store sends from then on."""
    from sqlalchemy import event

    attached = []

    def _record(s) -> list[str]:  # type: ignore[no-untyped-def]
        statements: list[str] = []

        def listener(conn, cursor, statement, parameters, context, executemany) -> None:  # type: ignore[no-untyped-def]
            statements.append(statement)

        event.listen(s._engine, "before_cursor_execute", listener)
        attached.append((s._engine, listener))
        return statements

    yield _record
    for engine, listener in attached:
        event.remove(engine, "before_cursor_execute", listener)


def data_statements(statements: list[str]) -> list[str]:
    """The statements that read or write rows (SQLite's own BEGIN does neither)."""
    return [s for s in statements if s.lstrip().split(None, 1)[0].upper() in ("SELECT", "INSERT", "UPDATE", "DELETE")]


@pytest.fixture
def record_checkouts() -> Iterator[Callable[[object], list[int]]]:
    """``reads = record_checkouts(store)``: one entry per database connection the store takes.

    authenticate reads on a raw pooled connection, which statement events do not see; every
    database access, raw or not, starts with a checkout from the pool.
    """
    from sqlalchemy import event

    attached = []

    def _record(s) -> list[int]:  # type: ignore[no-untyped-def]
        checkouts: list[int] = []

        def listener(dbapi_connection, record, proxy) -> None:  # type: ignore[no-untyped-def]
            checkouts.append(1)

        event.listen(s._engine.pool, "checkout", listener)
        attached.append((s._engine.pool, listener))
        return checkouts

    yield _record
    for pool, listener in attached:
        event.remove(pool, "checkout", listener)


@pytest.fixture
def rows_statements() -> Callable[[list[str]], list[str]]:
    return data_statements


@pytest.fixture
def grant():  # type: ignore[no-untyped-def]
    """``grant(store, actions, form=…, database=…, account=…)`` → the id of a form so granted."""

    def _grant(s, actions, *, form="Household survey", database="Field Operations", account="alice"):  # type: ignore[no-untyped-def]
        form_id = s.add_form(Actor("alice"), database, form)
        s.set_grant(Actor("alice"), account, form_id, [Action(a) for a in actions])
        return form_id

    return _grant


@pytest.fixture
def dump_database() -> Callable[[object], str]:
    """The text of every row of every table in the store's database, as one string."""
    from sqlalchemy import MetaData, select

    def _dump(s) -> str:  # type: ignore[no-untyped-def]
        reflected = MetaData()
        lines = []
        with s._engine.connect() as connection:
            reflected.reflect(connection)
            assert {"account", "token", "audit_event"} <= set(reflected.tables)
            for table in reflected.sorted_tables:
                for row in connection.execute(select(table)):
                    lines.append(f"{table.name}: {tuple(row)!r}")
        return "\n".join(lines)

    return _dump


@pytest.fixture
def one_clear_line() -> Callable[[BaseException], str]:
    """Check that an error reads as one line for a person, with no chained traceback behind it."""

    def _check(exc: BaseException) -> str:
        message = str(exc)
        assert message.strip(), "the error says nothing"
        assert "\n" not in message, message
        assert "Traceback" not in message and "sqlalche.me" not in message, message
        assert exc.__cause__ is None, "the error carries the low-level exception as its cause"
        assert exc.__context__ is None or exc.__suppress_context__, "the error chains the low-level exception"
        return message

    return _check

"""The authenticate hot path: every API request of every external program comes through here.

parse → checksum (offline) → one indexed row read → revoked/expired? → Argon2 verify, once per
token and process; after that a SHA-256 of the secret, compared in constant time, stands in for
it. The row is read on every call, so revocation and expiry act on the very next request in
every process. Last-used times are written at most once a minute per token, best effort.
"""

from __future__ import annotations

import hmac
import threading
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from sqlalchemy import and_, bindparam, or_, update
from sqlalchemy import exc as sa_exc
from sqlalchemy import select as sa_select
from sqlmodel import select

from . import tokenstring
from .accounts import GRANT_COLUMNS
from .engine import StoreEngine
from .errors import InvalidInput, InvalidToken
from .lifecycle import allows_database
from .models import Account, Form, Grant, Token
from .types import Action, Principal, Scope
from .validation import CLIENT_ADDRESS_MAX, USER_AGENT_MAX, clean_caller_text
from .usage import after_use

_SCOPES = {scope.value: scope for scope in Scope}

#: How long authenticate's last-used write waits for a lock before it gives up.
TOUCH_WAIT_MS = 50

#: Last-used times are written at most this often per token.
LAST_USED_INTERVAL = timedelta(minutes=1)

_T = Token.__table__  # type: ignore[attr-defined]
_A = Account.__table__  # type: ignore[attr-defined]


@dataclass(frozen=True, slots=True)
class _Verified:
    fingerprint: bytes
    account: str


class VerifiedCache:
    """Token id → SHA-256 of a secret that Argon2 already accepted. Bounded, least recently used out."""

    def __init__(self, size: int) -> None:
        self._size = size
        self._items: OrderedDict[str, _Verified] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, token_id: str) -> _Verified | None:
        with self._lock:
            item = self._items.get(token_id)
            if item is not None:
                self._items.move_to_end(token_id)
            return item

    def put(self, token_id: str, item: _Verified) -> None:
        if self._size <= 0:
            return
        with self._lock:
            self._items[token_id] = item
            self._items.move_to_end(token_id)
            while len(self._items) > self._size:
                self._items.popitem(last=False)

    def discard(self, token_id: str) -> None:
        with self._lock:
            self._items.pop(token_id, None)

    def __len__(self) -> int:
        return len(self._items)


class Authenticator:
    """Turns a presented token into a :class:`Principal`, and answers what it may do."""

    def __init__(
        self, db: StoreEngine, hasher: PasswordHasher, clock: Callable[[], datetime], cache_size: int
    ) -> None:
        self._db = db
        self._hasher = hasher
        self._clock = clock
        self.cache = VerifiedCache(cache_size)
        # The owner's disabled_at comes along in the same indexed read: disabling an account
        # stops its tokens on the next request without touching them.
        self.row_select = (
            sa_select(
                _T.c.account_id,
                _T.c.scope,
                _T.c.secret_hash,
                _T.c.expires_at,
                _T.c.revoked_at,
                _T.c.last_used_at,
                _A.c.disabled_at,
                _T.c.usage_days,
            )
            .select_from(_T.join(_A, _A.c.id == _T.c.account_id))
            .where(_T.c.id == bindparam("token_id"))
        )
        # The row is read on a pooled DBAPI connection with this statement compiled once: through
        # a Core Connection (wrapper, events, BEGIN, result set-up) the same read costs about four
        # times as much, and it is the one read every API request makes.
        dialect = db.engine.dialect
        self._autocommit_reads = dialect.name == "postgresql"
        compiled = self.row_select.compile(dialect=dialect)
        self._sql = str(compiled)
        self._positional = compiled.positional
        self._processors = tuple(
            column.type.dialect_impl(dialect).result_processor(dialect, None)
            for column in self.row_select.selected_columns
        )

    def authenticate(self, token: str, client_address: str | None = None, user_agent: str | None = None) -> Principal:
        token_id, secret = tokenstring.parse(token)
        row = self._row(token_id)
        if row is None:
            raise InvalidToken()
        # The column types already turned the times into aware UTC datetimes.
        account_id, scope, secret_hash, expires, revoked_at, last_used, disabled_at, usage_days = row
        now = self._clock()
        if revoked_at is not None or disabled_at is not None or (expires is not None and expires <= now):
            self.cache.discard(token_id)
            raise InvalidToken()
        fingerprint = tokenstring.fingerprint(secret)
        known = self.cache.get(token_id)
        if known is None or not hmac.compare_digest(known.fingerprint, fingerprint):
            try:
                self._hasher.verify(secret_hash, secret)
            except (VerifyMismatchError, VerificationError, InvalidHashError):
                raise InvalidToken() from None
            with self._db.tx() as connection:
                name = connection.execute(sa_select(_A.c.name).where(_A.c.id == account_id)).scalar_one()
            known = _Verified(fingerprint, name)
            self.cache.put(token_id, known)
        if last_used is None or now - last_used >= LAST_USED_INTERVAL:
            self._touch(token_id, now, last_used, usage_days, client_address, user_agent)
        return Principal(account_id, known.account, token_id, _SCOPES[scope], expires)

    def _row(self, token_id: str) -> tuple | None:  # type: ignore[type-arg]
        """The token's row: one indexed read on a pooled DBAPI connection."""
        engine = self._db.engine
        dbapi_error = engine.dialect.loaded_dbapi.Error
        try:
            connection = engine.raw_connection()
        except (sa_exc.DBAPIError, sa_exc.DatabaseError, dbapi_error) as exc:
            # A new connection's failure comes from the driver unwrapped (server down, say).
            raise self._db.error(exc) from None
        driver = connection.dbapi_connection
        # One statement needs no transaction: on a server, autocommit saves the BEGIN and the
        # ROLLBACK round trips (SQLite connections here always run that way).
        single = self._autocommit_reads and not driver.autocommit
        try:
            if single:
                driver.autocommit = True
            cursor = connection.cursor()
            try:
                cursor.execute(self._sql, (token_id,) if self._positional else {"token_id": token_id})
                row = cursor.fetchone()
            finally:
                cursor.close()
        except dbapi_error as exc:
            if engine.dialect.is_disconnect(exc, connection.dbapi_connection, None):
                connection.invalidate(exc)
            raise self._db.error(exc) from None
        finally:
            if single:
                try:
                    driver.autocommit = False
                except dbapi_error:
                    connection.invalidate()
            connection.close()  # back to the pool, which ends any transaction the read opened
        if row is None:
            return None
        return tuple(
            value if value is None or process is None else process(value)
            for process, value in zip(self._processors, row, strict=True)
        )

    def _touch(
        self,
        token_id: str,
        now: datetime,
        last_used: datetime | None,
        usage_days: int,
        client_address: str | None,
        user_agent: str | None,
    ) -> None:
        cutoff = now - LAST_USED_INTERVAL
        # The caller's description is cleaned only here, once a minute at most, not on every call;
        # the day of use rides on the same statement: no extra write. If another process wrote
        # last_used_at since this one read the row, the WHERE matches nothing and its (newer)
        # bitmap stays.
        statement = (
            update(_T)
            .where(_T.c.id == token_id, or_(_T.c.last_used_at.is_(None), _T.c.last_used_at <= cutoff))
            .values(
                last_used_at=now,
                usage_days=after_use(usage_days or 0, last_used, now),
                last_used_address=clean_caller_text(client_address, CLIENT_ADDRESS_MAX),
                last_used_agent=clean_caller_text(user_agent, USER_AGENT_MAX),
            )
        )
        dialect = self._db.dialect
        # Last-used is best effort: a busy database must neither turn a valid token away nor make
        # it wait, so this write gives up after a short wait for the lock instead of the usual one.
        try:
            with self._db.write_engine.connect() as connection:
                driver = connection.connection.dbapi_connection
                if dialect == "sqlite":
                    driver.execute(f"PRAGMA busy_timeout = {TOUCH_WAIT_MS}")  # type: ignore[union-attr]
                try:
                    with connection.begin():
                        if dialect == "postgresql":
                            connection.exec_driver_sql(f"SET LOCAL lock_timeout = '{TOUCH_WAIT_MS}ms'")
                        connection.execute(statement)
                finally:
                    if dialect == "sqlite":
                        driver.execute(f"PRAGMA busy_timeout = {self._db.busy_ms}")  # type: ignore[union-attr]
        except (sa_exc.DBAPIError, sa_exc.DatabaseError, self._db.engine.dialect.loaded_dbapi.Error):
            pass

    def authorize(self, principal: Principal, action: Action | str, form_id: int) -> bool:
        try:
            action = Action(action)
        except ValueError:
            raise InvalidInput(f"unknown action {action!r}: use view, add, edit or delete") from None
        if action not in principal.scope.actions:
            return False
        column = getattr(Grant, GRANT_COLUMNS[action])
        # The token's own row decides, not what the principal object claims: a scope, revocation
        # or expiry is read afresh on every call.
        query = (
            select(Token.revoked_at, Token.expires_at, Token.scope, column, Account.disabled_at,
                   Token.databases, Form.database_id)
            .select_from(Token)
            .join(Account, Account.id == Token.account_id)
            .outerjoin(Grant, and_(Grant.account_id == Token.account_id, Grant.form_id == form_id))
            .outerjoin(Form, Form.id == form_id)
            .where(Token.id == principal.token_id)
        )
        with self._db.translate(), self._db.engine.connect() as connection:
            row = connection.execute(query).first()
        if row is None:
            return False
        revoked_at, expires_at, scope, allowed, disabled_at, databases, database_id = row
        if revoked_at is not None or disabled_at is not None or (expires_at is not None and expires_at <= self._clock()):
            return False
        # Grant ∩ scope ∩ the token's databases: a token limited to some databases does nothing elsewhere.
        return bool(allowed) and action in Scope(scope).actions and allows_database(databases, database_id)

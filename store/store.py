"""``TokenStore``: the one entry point to accounts, forms, grants, tokens and their audit trail.

Every public method is one short transaction. On SQLite every write transaction starts with
``BEGIN IMMEDIATE`` so that two processes never fail on a read-then-write upgrade.
"""

from __future__ import annotations

import hmac
import json
import os
import threading
from collections import OrderedDict
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from sqlalchemy import and_, bindparam, create_engine, event, or_, update
from sqlalchemy import exc as sa_exc
from sqlalchemy import select as sa_select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import aliased
from sqlmodel import Session, select

from . import tokenstring
from .errors import (
    AlreadyRevoked,
    DatabaseError,
    DatabaseLocked,
    DuplicateLabel,
    InvalidExpiry,
    InvalidInput,
    InvalidToken,
    ReadOnlyDatabase,
    StoreError,
    TokenNotFound,
    UnknownAccount,
    UnknownForm,
)
from .hashing import hasher_from_profile
from .models import Account, AuditEvent, Database, Form, Grant, Token
from .paths import describe, resolve_target
from .schema import SchemaStatus, prepare
from .schema import status as schema_status
from .types import (
    ALL_ACTIONS,
    Action,
    FormAccess,
    NewToken,
    Principal,
    Scope,
    TokenInfo,
    effective_actions,
    utcnow,
)
from .types import (
    AuditEvent as AuditEventInfo,
)
from .validation import validate_account_name, validate_label

_SCOPES = {scope.value: scope for scope in Scope}

#: How long authenticate's last-used write waits for a lock before it gives up.
TOUCH_WAIT_MS = 50

#: Last-used times are written at most this often per token.
LAST_USED_INTERVAL = timedelta(minutes=1)

_T = Token.__table__  # type: ignore[attr-defined]
_GRANT_COLUMNS = {
    Action.VIEW: "can_view",
    Action.ADD: "can_add",
    Action.EDIT: "can_edit",
    Action.DELETE: "can_delete",
}


def _utc(moment: datetime) -> datetime:
    """A caller's moment in UTC; a time without a zone would be read differently by each reader."""
    if moment.utcoffset() is None:
        raise InvalidInput("times must carry a time zone")
    return moment.astimezone(UTC)


def _token_not_found(token_id: object, account: str | None) -> TokenNotFound:
    where = f" in account {account!r}" if account else ""
    if isinstance(token_id, str) and tokenstring.looks_like_token_id(token_id):
        return TokenNotFound(f"no token with id {token_id!r}{where}")
    # People paste the whole token where its id belongs. Repeating what they passed would carry the
    # secret on into terminals, logs and bug reports, so only a string shaped like an id is echoed.
    return TokenNotFound(
        f"no token with that id{where}: a token id is the {tokenstring.ID_LENGTH} letters and digits "
        "shown in the list, not the token itself"
    )


@dataclass(frozen=True, slots=True)
class _Verified:
    fingerprint: bytes
    account: str


class _VerifiedCache:
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


class TokenStore:
    """Open the store on a SQLAlchemy URL, a SQLite file path, or (``None``) the default.

    The default is ``$TOKENS_DB`` if set, else ``tokens.db`` in the user's data directory
    (created 0700, the file 0600). ``postgresql+psycopg://…`` URLs work for a shared deployment.
    """

    def __init__(
        self,
        target: str | os.PathLike[str] | None = None,
        *,
        hasher: PasswordHasher | None = None,
        busy_timeout: float = 5.0,
        cache_size: int = 10_000,
        clock: Callable[[], datetime] = utcnow,
        schema: str = "auto",
    ) -> None:
        """``schema``: ``"auto"`` upgrades an embedded SQLite database and refuses an outdated
        server one (with the command to run); ``"upgrade"`` upgrades any; ``"ignore"`` opens without
        looking (for ``tokens db status``)."""
        self.target = resolve_target(target)
        self.location = describe(self.target)
        self._hasher = hasher or hasher_from_profile()
        self._clock = clock
        self._busy_ms = int(busy_timeout * 1000)
        self._cache = _VerifiedCache(cache_size)
        self._engine = self._make_engine(busy_timeout)
        # Write transactions carry this option; on SQLite it turns BEGIN into BEGIN IMMEDIATE.
        self._write_engine = self._engine.execution_options(tokens_write=True)
        self._auth_select = sa_select(
            _T.c.account_id,
            _T.c.scope,
            _T.c.secret_hash,
            _T.c.expires_at,
            _T.c.revoked_at,
            _T.c.last_used_at,
        ).where(_T.c.id == bindparam("token_id"))
        # authenticate reads its row on a pooled DBAPI connection with this statement compiled
        # once: through a Core Connection (wrapper, events, BEGIN, result set-up) the same read
        # costs about four times as much, and it is the one read every API request makes.
        dialect = self._engine.dialect
        self._autocommit_reads = dialect.name == "postgresql"
        compiled = self._auth_select.compile(dialect=dialect)
        self._auth_sql = str(compiled)
        self._auth_positional = compiled.positional
        self._auth_processors = tuple(
            column.type.dialect_impl(dialect).result_processor(dialect, None)
            for column in self._auth_select.selected_columns
        )
        if schema not in ("auto", "upgrade", "ignore"):
            raise ValueError(f"unknown schema handling {schema!r}")
        if schema != "ignore":
            with self._translate():
                prepare(self._write_engine, location=self.location, upgrade=True if schema == "upgrade" else None)

    # ----------------------------------------------------------------------------- plumbing

    def _make_engine(self, busy_timeout: float) -> Engine:
        if isinstance(self.target, Path):
            return self._sqlite_engine(self.target, busy_timeout)
        url = self.target
        if url.startswith("sqlite"):
            engine = create_engine(
                url,
                hide_parameters=True,
                connect_args={"timeout": busy_timeout, "check_same_thread": False},
            )
            self._tune_sqlite(engine, busy_timeout)
            return engine
        try:
            return create_engine(url, hide_parameters=True, pool_size=5, max_overflow=10)
        except (sa_exc.ArgumentError, sa_exc.NoSuchModuleError, ImportError, ValueError) as exc:
            hint = " (install the 'postgres' extra for PostgreSQL)" if "psycopg" in str(exc) else ""
            raise DatabaseError(f"cannot use database URL {self.location}{hint}") from None

    def _sqlite_engine(self, path: Path, busy_timeout: float) -> Engine:
        from .paths import default_db_path

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
        engine = create_engine(
            f"sqlite:///{path}",
            hide_parameters=True,
            connect_args={"timeout": busy_timeout, "check_same_thread": False},
        )
        self._tune_sqlite(engine, busy_timeout)
        return engine

    @staticmethod
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

    def _db_error(self, exc: Exception) -> StoreError:
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
            return ReadOnlyDatabase(f"{where} is read-only: changes cannot be saved")
        if "not a database" in low or "malformed" in low or "file is encrypted" in low:
            return DatabaseError(f"{where} is not a tokens database (the file is damaged or of another kind)")
        if "unable to open" in low:
            return DatabaseError(f"cannot open {where}: check that it exists and that you may read and write it")
        if isinstance(exc, sa_exc.OperationalError) and ("connect" in low or "connection" in low):
            return DatabaseError(f"cannot reach {where}: {first}")
        return DatabaseError(f"database error on {where}: {first}")

    @contextmanager
    def _translate(self) -> Iterator[None]:
        try:
            yield
        except StoreError:
            raise
        except (sa_exc.DBAPIError, sa_exc.DatabaseError) as exc:
            raise self._db_error(exc) from None
        except OSError as exc:
            raise DatabaseError(f"cannot open {self.location}: {exc.strerror or exc}") from None

    @contextmanager
    def _tx(self, *, write: bool = False) -> Iterator[Session]:
        with self._translate():
            with Session(self._write_engine if write else self._engine, expire_on_commit=False) as session:
                with session.begin():
                    yield session

    def close(self) -> None:
        self._engine.dispose()

    def schema_status(self) -> SchemaStatus:
        """Where this database's schema stands against the newest revision this release knows."""
        with self._translate():
            return schema_status(self._engine)

    def upgrade_schema(self) -> SchemaStatus:
        """Bring the schema to the newest revision; returns where it stood before."""
        from .schema import apply_upgrade

        with self._translate():
            return apply_upgrade(self._write_engine)

    def __enter__(self) -> TokenStore:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    @property
    def dialect(self) -> str:
        return self._engine.dialect.name

    def _now(self) -> datetime:
        return self._clock()

    # ----------------------------------------------------------------------------- accounts

    def _account(self, session: Session, name: str, *, lock: bool = False) -> Account:
        query = select(Account).where(Account.name == name)
        if lock:
            query = query.with_for_update()
        account = session.exec(query).first()
        if account is None:
            raise UnknownAccount(f"no account named {name!r}")
        return account

    def ensure_account(self, name: str) -> str:
        """The account of that name, created on first use. Returns the (trimmed) name."""
        name = validate_account_name(name)
        try:
            with self._tx(write=True) as session:
                if session.exec(select(Account.id).where(Account.name == name)).first() is None:
                    session.add(Account(name=name, created_at=self._now()))
        except DatabaseError:
            # On a server another session may have created it at the same moment.
            if not self.has_account(name):
                raise
        return name

    def has_account(self, name: str) -> bool:
        """Whether an account of that name exists (asking creates nothing)."""
        with self._tx() as session:
            return session.exec(select(Account.id).where(Account.name == name.strip())).first() is not None

    def set_admin(self, name: str, is_admin: bool = True) -> None:
        with self._tx(write=True) as session:
            self._account(session, name).is_admin = is_admin

    # ----------------------------------------------------------------------------- catalogue

    def add_form(self, database: str, form: str) -> int:
        """The id of form ``form`` in database ``database``, both created if missing."""
        with self._tx(write=True) as session:
            return self._add_form(session, database, form)

    def _add_form(self, session: Session, database: str, form: str) -> int:
        db = session.exec(select(Database).where(Database.name == database)).first()
        if db is None:
            db = Database(name=database)
            session.add(db)
            session.flush()
        found = session.exec(select(Form).where(Form.database_id == db.id, Form.name == form)).first()
        if found is None:
            found = Form(database_id=db.id, name=form)  # type: ignore[arg-type]
            session.add(found)
            session.flush()
        return found.id  # type: ignore[return-value]

    def set_grant(self, account: str, form_id: int, actions: Iterable[Action | str]) -> None:
        """Set exactly which actions ``account`` may take on the records of a form."""
        wanted = {Action(a) for a in actions}
        with self._tx(write=True) as session:
            self._set_grant(session, self._account(session, account).id, form_id, wanted)  # type: ignore[arg-type]

    def _set_grant(self, session: Session, account_id: int, form_id: int, actions: set[Action]) -> None:
        if session.get(Form, form_id) is None:
            raise UnknownForm(f"no form with id {form_id}")
        grant = session.get(Grant, (account_id, form_id)) or Grant(account_id=account_id, form_id=form_id)
        for action, column in _GRANT_COLUMNS.items():
            setattr(grant, column, action in actions)
        session.add(grant)

    def find_form(self, ref: str) -> tuple[int, str, str]:
        """Resolve a form by id, by ``Database/Form``, or by a form name unique across databases."""
        ref = ref.strip()
        query = select(Form.id, Database.name, Form.name).join(Database, Database.id == Form.database_id)
        with self._tx() as session:
            if ref.isdigit():
                rows = session.exec(query.where(Form.id == int(ref))).all()
            elif "/" in ref:
                db_name, form_name = (part.strip() for part in ref.split("/", 1))
                rows = session.exec(query.where(Database.name == db_name, Form.name == form_name)).all()
            else:
                rows = session.exec(query.where(Form.name == ref)).all()
        if not rows:
            raise UnknownForm(f"no form {ref!r}")
        if len(rows) > 1:
            raise UnknownForm(f"more than one form is named {ref!r}: write it as Database/Form or use its id")
        form_id, db_name, form_name = rows[0]
        return form_id, db_name, form_name

    def account_access(self, account: str, scope: Scope | str = Scope.READ_WRITE) -> list[FormAccess]:
        """Each form the account can reach: its grant, and what a token of ``scope`` may do there."""
        scope = Scope.parse(scope)
        with self._tx() as session:
            return self._access(session, self._account(session, account).id, scope)  # type: ignore[arg-type]

    def _access(self, session: Session, account_id: int, scope: Scope) -> list[FormAccess]:
        rows = session.exec(
            select(Form.id, Database.name, Form.name, Grant.can_view, Grant.can_add, Grant.can_edit, Grant.can_delete)
            .join(Grant, Grant.form_id == Form.id)
            .join(Database, Database.id == Form.database_id)
            .where(Grant.account_id == account_id)
            .order_by(Database.name, Form.name)
        ).all()
        result = []
        for form_id, db_name, form_name, *flags in rows:
            granted = frozenset(a for a, flag in zip(ALL_ACTIONS, flags, strict=True) if flag)
            if granted:
                result.append(FormAccess(form_id, db_name, form_name, granted, effective_actions(granted, scope)))
        return result

    def _may_see(self, session: Session, owner: str, account: str | None) -> bool:
        """Whether ``account`` may see a token of ``owner`` (no account: the caller is trusted).

        Someone else's token reads as no token at all, whether or not the asker exists.
        """
        if account is None or account == owner:
            return True
        viewer = session.exec(select(Account).where(Account.name == account)).first()
        return viewer is not None and viewer.is_admin

    def token_access(self, token_id: str, *, account: str | None = None) -> list[FormAccess]:
        """What this token can actually do, form by form (the account's grant ∩ the scope).

        With ``account``, only a token that account owns (or administers) is answered for.
        """
        with self._tx() as session:
            row = session.exec(
                select(Token.account_id, Token.scope, Account.name).join(Account, Account.id == Token.account_id)
                .where(Token.id == token_id)
            ).first()
            if row is None or not self._may_see(session, row[2], account):
                raise _token_not_found(token_id, account)
            return self._access(session, row[0], Scope(row[1]))

    # ----------------------------------------------------------------------------- tokens

    def _info_select(self):  # type: ignore[no-untyped-def]
        owner = aliased(Account)
        revoker = aliased(Account)
        return (
            select(
                Token.id,
                owner.name,
                Token.label,
                Token.scope,
                Token.created_at,
                Token.expires_at,
                Token.last_used_at,
                Token.revoked_at,
                revoker.name,
            )
            .join(owner, owner.id == Token.account_id)
            .outerjoin(revoker, revoker.id == Token.revoked_by_id)
        ), owner

    @staticmethod
    def _info(row: tuple) -> TokenInfo:  # type: ignore[type-arg]
        token_id, account, label, scope, created, expires, used, revoked, revoked_by = row
        return TokenInfo(
            id=token_id,
            account=account,
            label=label,
            scope=Scope(scope),
            created_at=created,
            expires_at=expires,
            last_used_at=used,
            revoked_at=revoked,
            revoked_by=revoked_by,
        )

    def create_token(
        self,
        account: str,
        label: str,
        scope: Scope | str,
        expires_at: datetime | None = None,
    ) -> NewToken:
        """Create a token and return it with its secret: the only time the secret exists.

        The label is trimmed and must be unique (ignoring case) among the account's active tokens.
        """
        label = validate_label(label)
        scope = Scope.parse(scope)
        now = self._now()
        if expires_at is not None:
            expires_at = _utc(expires_at)
            if expires_at <= now:
                raise InvalidExpiry("the expiry must be in the future")
        token_id, secret, token = tokenstring.generate()
        # Argon2 runs before the transaction so the write lock is held only for the inserts.
        secret_hash = self._hasher.hash(secret)
        del secret
        with self._tx(write=True) as session:
            owner = self._account(session, account, lock=True)
            labels = session.exec(
                select(Token.label).where(
                    Token.account_id == owner.id,
                    Token.revoked_at.is_(None),  # type: ignore[union-attr]
                    or_(Token.expires_at.is_(None), Token.expires_at > now),  # type: ignore[union-attr,operator]
                )
            ).all()
            folded = label.casefold()
            if any(existing.casefold() == folded for existing in labels):
                raise DuplicateLabel(
                    f"an active token is already labelled {label!r}: use one label per application and device"
                )
            session.add(
                Token(
                    id=token_id,
                    account_id=owner.id,  # type: ignore[arg-type]
                    label=label,
                    scope=scope.value,
                    secret_hash=secret_hash,
                    created_at=now,
                    expires_at=expires_at,
                )
            )
            session.flush()
            self._audit(session, owner.id, "token.create", token_id, label=label, scope=scope.value,
                        expires_at=expires_at.isoformat() if expires_at else None)
        info = TokenInfo(token_id, owner.name, label, scope, _utc(now), expires_at, None, None, None)
        return NewToken(info=info, secret=token)

    def _audit(self, session: Session, actor_id: int | None, action: str, token_id: str, **detail: object) -> None:
        session.add(
            AuditEvent(
                at=self._now(),
                actor_id=actor_id,  # type: ignore[arg-type]
                action=action,
                token_id=token_id,
                detail=json.dumps(detail, ensure_ascii=False, sort_keys=True),
            )
        )

    def list_tokens(self, account: str, *, include_revoked: bool = False) -> list[TokenInfo]:
        """The account's tokens, newest first; revoked ones only when asked for."""
        query, owner = self._info_select()
        query = query.where(owner.name == account)
        if not include_revoked:
            query = query.where(Token.revoked_at.is_(None))  # type: ignore[union-attr]
        query = query.order_by(Token.created_at.desc(), Token.id)  # type: ignore[attr-defined]
        with self._tx() as session:
            self._account(session, account)
            rows = session.execute(query).all()
        return [self._info(row) for row in rows]

    def get_token(self, token_id: str, *, account: str | None = None) -> TokenInfo:
        """One token by id; with ``account``, only if that account owns it (or administers)."""
        query, _ = self._info_select()
        with self._tx() as session:
            row = session.execute(query.where(Token.id == token_id)).first()
            if row is not None and not self._may_see(session, row[1], account):
                row = None
        if row is None:
            raise _token_not_found(token_id, account)
        return self._info(row)

    def revoke(self, token_id: str, *, by: str) -> TokenInfo:
        """Revoke a token for good. Applications using it fail on their very next request."""
        now = self._now()
        with self._tx(write=True) as session:
            actor = self._account(session, by)
            token = session.exec(select(Token).where(Token.id == token_id).with_for_update()).first()
            if token is None or (token.account_id != actor.id and not actor.is_admin):
                raise _token_not_found(token_id, by)
            if token.revoked_at is not None:
                when = token.revoked_at.strftime("%Y-%m-%d %H:%M UTC")  # type: ignore[union-attr]
                raise AlreadyRevoked(f"token {token_id} was already revoked on {when}")
            token.revoked_at = now
            token.revoked_by_id = actor.id
            session.add(token)
            self._audit(session, actor.id, "token.revoke", token_id, label=token.label)
            session.flush()
            query, _ = self._info_select()
            row = session.execute(query.where(Token.id == token_id)).one()
        self._cache.discard(token_id)
        return self._info(row)

    def audit_events(self, *, token_id: str | None = None, account: str | None = None) -> list[AuditEventInfo]:
        """Audit events, oldest first, for one token and/or the tokens of one account."""
        actor = aliased(Account)
        query = (
            select(AuditEvent.at, actor.name, AuditEvent.action, AuditEvent.token_id, AuditEvent.detail)
            .join(actor, actor.id == AuditEvent.actor_id)
            .join(Token, Token.id == AuditEvent.token_id)
            .order_by(AuditEvent.at, AuditEvent.id)
        )
        if token_id is not None:
            query = query.where(AuditEvent.token_id == token_id)
        with self._tx() as session:
            if account is not None:
                query = query.where(Token.account_id == self._account(session, account).id)
            rows = session.execute(query).all()
        return [AuditEventInfo(at, who, what, tid, json.loads(detail)) for at, who, what, tid, detail in rows]  # type: ignore[arg-type]

    # ----------------------------------------------------------------------------- presenting

    def authenticate(self, token: str) -> Principal:
        """Who presents this token, or :class:`InvalidToken` (never saying which part was wrong).

        Garbage is refused offline. A known token costs one indexed row read: Argon2 runs once
        per token and process, then a SHA-256 of the secret is compared in constant time. The row
        is read on every call, so revocation and expiry act on the very next request everywhere.
        """
        token_id, secret = tokenstring.parse(token)
        row = self._auth_row(token_id)
        if row is None:
            raise InvalidToken()
        # The column types already turned the times into aware UTC datetimes.
        account_id, scope, secret_hash, expires, revoked_at, last_used = row
        now = self._now()
        if revoked_at is not None or (expires is not None and expires <= now):
            self._cache.discard(token_id)
            raise InvalidToken()
        fingerprint = tokenstring.fingerprint(secret)
        known = self._cache.get(token_id)
        if known is None or not hmac.compare_digest(known.fingerprint, fingerprint):
            try:
                self._hasher.verify(secret_hash, secret)
            except (VerifyMismatchError, VerificationError, InvalidHashError):
                raise InvalidToken() from None
            with self._tx() as session:
                name = session.exec(select(Account.name).where(Account.id == account_id)).one()
            known = _Verified(fingerprint, name)
            self._cache.put(token_id, known)
        if last_used is None or now - last_used >= LAST_USED_INTERVAL:
            self._touch(token_id, now)
        return Principal(account_id, known.account, token_id, _SCOPES[scope], expires)

    def _auth_row(self, token_id: str) -> tuple | None:  # type: ignore[type-arg]
        """The token's row for authenticate: one indexed read on a pooled DBAPI connection."""
        try:
            connection = self._engine.raw_connection()
        except (sa_exc.DBAPIError, sa_exc.DatabaseError) as exc:
            raise self._db_error(exc) from None
        dbapi_error = self._engine.dialect.loaded_dbapi.Error
        driver = connection.dbapi_connection
        # One statement needs no transaction: on a server, autocommit saves the BEGIN and the
        # ROLLBACK round trips (SQLite connections here always run that way).
        single = self._autocommit_reads and not driver.autocommit
        try:
            if single:
                driver.autocommit = True
            cursor = connection.cursor()
            try:
                cursor.execute(self._auth_sql, (token_id,) if self._auth_positional else {"token_id": token_id})
                row = cursor.fetchone()
            finally:
                cursor.close()
        except dbapi_error as exc:
            if self._engine.dialect.is_disconnect(exc, connection.dbapi_connection, None):
                connection.invalidate(exc)
            raise self._db_error(exc) from None
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
            for process, value in zip(self._auth_processors, row, strict=True)
        )

    def _touch(self, token_id: str, now: datetime) -> None:
        cutoff = now - LAST_USED_INTERVAL
        statement = (
            update(_T)
            .where(_T.c.id == token_id, or_(_T.c.last_used_at.is_(None), _T.c.last_used_at <= cutoff))
            .values(last_used_at=now)
        )
        # Last-used is best effort: a busy database must neither turn a valid token away nor make
        # it wait, so this write gives up after a short wait for the lock instead of the usual one.
        try:
            with self._write_engine.connect() as connection:
                driver = connection.connection.dbapi_connection
                if self.dialect == "sqlite":
                    driver.execute(f"PRAGMA busy_timeout = {TOUCH_WAIT_MS}")  # type: ignore[union-attr]
                try:
                    with connection.begin():
                        if self.dialect == "postgresql":
                            connection.exec_driver_sql(f"SET LOCAL lock_timeout = '{TOUCH_WAIT_MS}ms'")
                        connection.execute(statement)
                finally:
                    if self.dialect == "sqlite":
                        driver.execute(f"PRAGMA busy_timeout = {self._busy_ms}")  # type: ignore[union-attr]
        except (sa_exc.DBAPIError, sa_exc.DatabaseError, self._engine.dialect.loaded_dbapi.Error):
            pass

    def authorize(self, principal: Principal, action: Action | str, form_id: int) -> bool:
        """May this principal take ``action`` on the records of the form? Grant ∩ scope, read now."""
        try:
            action = Action(action)
        except ValueError:
            raise InvalidInput(f"unknown action {action!r}: use view, add, edit or delete") from None
        if action not in principal.scope.actions:
            return False
        column = getattr(Grant, _GRANT_COLUMNS[action])
        # The token's own row decides, not what the principal object claims: a scope, revocation
        # or expiry is read afresh on every call.
        query = (
            select(Token.revoked_at, Token.expires_at, Token.scope, column)
            .select_from(Token)
            .outerjoin(Grant, and_(Grant.account_id == Token.account_id, Grant.form_id == form_id))
            .where(Token.id == principal.token_id)
        )
        with self._translate(), self._engine.connect() as connection:
            row = connection.execute(query).first()
        if row is None:
            return False
        revoked_at, expires_at, scope, allowed = row
        expires = expires_at
        if revoked_at is not None or (expires is not None and expires <= self._now()):
            return False
        return bool(allowed) and action in Scope(scope).actions

    # ----------------------------------------------------------------------------- demo

    def seed_demo(self, account: str) -> list[str]:
        """Fill in a small, realistic set for ``account``; safe to run again. Returns what it added."""
        from .demo import seed

        return seed(self, account)

"""``TokenStore``: the one entry point to accounts, forms, grants, tokens and their audit trail.

A thin facade: every public method is one short transaction, and the work is done by the modules
beside it — ``engine`` (connections, ``BEGIN IMMEDIATE``, errors), ``access`` (who may do what),
``accounts``, ``tokens``, ``authn`` (the authenticate hot path) and ``audit``.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Sequence
from datetime import datetime

from argon2 import PasswordHasher
from sqlmodel import select

from . import access, accounts, audit, tokens, tokenstring
from .authn import Authenticator
from .engine import StoreEngine
from .errors import DatabaseError, InvalidExpiry
from .hashing import hasher_from_profile
from .pubkey import SshKeyInfo
from .models import Account, Token
from .schema import SchemaStatus, prepare
from .schema import status as schema_status
from .types import (
    Action,
    FormAccess,
    NewToken,
    Principal,
    Scope,
    TokenInfo,
    TokenSeed,
    utcnow,
)
from .types import AuditEvent as AuditEventInfo
from .validation import validate_account_name, validate_label


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
        self._db = StoreEngine(target, busy_timeout)
        self.target = self._db.target
        self.location = self._db.location
        self._engine = self._db.engine
        self._write_engine = self._db.write_engine
        self._hasher = hasher or hasher_from_profile()
        self._clock = clock
        self._authn = Authenticator(self._db, self._hasher, clock, cache_size)
        if schema not in ("auto", "upgrade", "ignore"):
            raise ValueError(f"unknown schema handling {schema!r}")
        if schema != "ignore":
            with self._db.translate():
                prepare(self._write_engine, location=self.location, upgrade=True if schema == "upgrade" else None)

    def close(self) -> None:
        self._db.dispose()

    def schema_status(self) -> SchemaStatus:
        """Where this database's schema stands against the newest revision this release knows."""
        with self._db.translate():
            return schema_status(self._engine)

    def upgrade_schema(self) -> SchemaStatus:
        """Bring the schema to the newest revision; returns where it stood before."""
        from .schema import apply_upgrade

        with self._db.translate():
            return apply_upgrade(self._write_engine)

    def __enter__(self) -> TokenStore:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    @property
    def dialect(self) -> str:
        return self._db.dialect

    def now(self) -> datetime:
        """The store's clock (tests and demonstrations may set it)."""
        return self._clock()


    # ----------------------------------------------------------------------------- accounts

    def ensure_account(self, name: str) -> str:
        """The account of that name, created on first use. Returns the (trimmed) name."""
        name = validate_account_name(name)
        try:
            with self._db.tx(write=True) as session:
                if not accounts.account_exists(session, name):
                    session.add(Account(name=name, created_at=self.now()))
        except DatabaseError:
            # On a server another session may have created it at the same moment.
            if not self.has_account(name):
                raise
        return name

    def has_account(self, name: str) -> bool:
        """Whether an account of that name exists (asking creates nothing)."""
        with self._db.tx() as session:
            return accounts.account_exists(session, name.strip())

    def set_admin(self, name: str, is_admin: bool = True) -> None:
        with self._db.tx(write=True) as session:
            accounts.get_account(session, name).is_admin = is_admin

    # ----------------------------------------------------------------------------- catalogue

    def add_form(self, database: str, form: str) -> int:
        """The id of form ``form`` in database ``database``, both created if missing."""
        with self._db.tx(write=True) as session:
            return accounts.add_form(session, database, form)

    def set_grant(self, account: str, form_id: int, actions: Iterable[Action | str]) -> None:
        """Set exactly which actions ``account`` may take on the records of a form."""
        wanted = {Action(a) for a in actions}
        with self._db.tx(write=True) as session:
            accounts.set_grant(session, accounts.get_account(session, account).id, form_id, wanted)  # type: ignore[arg-type]

    def find_form(self, ref: str) -> tuple[int, str, str]:
        """Resolve a form by id, by ``Database/Form``, or by a form name unique across databases."""
        with self._db.tx() as session:
            return accounts.find_form(session, ref)

    def account_access(self, account: str, scope: Scope | str = Scope.READ_WRITE) -> list[FormAccess]:
        """Each form the account can reach: its grant, and what a token of ``scope`` may do there."""
        scope = Scope.parse(scope)
        with self._db.tx() as session:
            return accounts.access(session, accounts.get_account(session, account).id, scope)  # type: ignore[arg-type]

    def token_access(self, token_id: str, *, account: str | None = None) -> list[FormAccess]:
        """What this token can actually do, form by form (the account's grant ∩ the scope).

        With ``account``, only a token that account owns (or administers) is answered for.
        """
        with self._db.tx() as session:
            row = session.exec(
                select(Token.account_id, Token.scope, Account.name).join(Account, Account.id == Token.account_id)
                .where(Token.id == token_id)
            ).first()
            if row is None or not access.may_see(session, row[2], account):
                raise tokens.not_found(token_id, account)
            return accounts.access(session, row[0], Scope(row[1]))

    # ----------------------------------------------------------------------------- tokens

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
        now = self.now()
        if expires_at is not None:
            expires_at = tokens.utc(expires_at)
            if expires_at <= now:
                raise InvalidExpiry("the expiry must be in the future")
        token_id, secret, token = tokenstring.generate()
        # Argon2 runs before the transaction so the write lock is held only for the inserts.
        secret_hash = self._hasher.hash(secret)
        del secret
        with self._db.tx(write=True) as session:
            owner = accounts.get_account(session, account, lock=True)
            tokens.check_label_free(session, owner.id, label, now)  # type: ignore[arg-type]
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
            audit.record(session, self.now(), owner.id, "token.create", token_id, label=label, scope=scope.value,
                         expires_at=expires_at.isoformat() if expires_at else None)
        info = TokenInfo(token_id, owner.name, label, scope, tokens.utc(now), expires_at, None, None, None)
        return NewToken(info=info, secret=token)

    def seed_tokens(self, account: str, seeds: Sequence[TokenSeed]) -> list[TokenInfo]:
        """Add tokens with a history (created, used, revoked in the past) for demonstrations.

        Their secrets are thrown away unseen: these tokens can be listed and revoked, never used.
        """
        now = self.now()
        checked = [(validate_label(seed.label), Scope.parse(seed.scope), seed) for seed in seeds]
        # Argon2 first, outside the transaction.
        hashes = [self._hasher.hash(tokenstring.generate()[1]) for _ in checked]
        added: list[TokenInfo] = []
        with self._db.tx(write=True) as session:
            owner = accounts.get_account(session, account, lock=True)
            for (label, scope, seed), secret_hash in zip(checked, hashes, strict=True):
                if seed.revoked_at is None:
                    tokens.check_label_free(session, owner.id, label, now)  # type: ignore[arg-type]
                token_id = tokenstring.new_token_id()
                session.add(
                    Token(
                        id=token_id,
                        account_id=owner.id,  # type: ignore[arg-type]
                        label=label,
                        scope=scope.value,
                        secret_hash=secret_hash,
                        created_at=tokens.utc(seed.created_at),
                        expires_at=tokens.utc(seed.expires_at) if seed.expires_at else None,
                        last_used_at=tokens.utc(seed.last_used_at) if seed.last_used_at else None,
                        revoked_at=tokens.utc(seed.revoked_at) if seed.revoked_at else None,
                        revoked_by_id=owner.id if seed.revoked_at else None,
                    )
                )
                session.flush()
                audit.record(session, now, owner.id, "token.create", token_id, label=label, scope=scope.value, demo=True)
                if seed.revoked_at is not None:
                    audit.record(session, now, owner.id, "token.revoke", token_id, label=label, demo=True)
                added.append(tokens.to_info(tokens.get_row(session, token_id)))  # type: ignore[arg-type]
        return added

    def list_tokens(self, account: str, *, include_revoked: bool = False) -> list[TokenInfo]:
        """The account's tokens, newest first; revoked ones only when asked for."""
        with self._db.tx() as session:
            accounts.get_account(session, account)
            return tokens.list_for(session, account, include_revoked=include_revoked)

    def get_token(self, token_id: str, *, account: str | None = None) -> TokenInfo:
        """One token by id; with ``account``, only if that account owns it (or administers)."""
        with self._db.tx() as session:
            row = tokens.get_row(session, token_id)
            if row is not None and not access.may_see(session, row[1], account):
                row = None
        if row is None:
            raise tokens.not_found(token_id, account)
        return tokens.to_info(row)

    def revoke(self, token_id: str, *, by: str) -> TokenInfo:
        """Revoke a token for good. Applications using it fail on their very next request."""
        now = self.now()
        with self._db.tx(write=True) as session:
            actor = accounts.get_account(session, by)
            token = session.exec(select(Token).where(Token.id == token_id).with_for_update()).first()
            if token is None or not access.may_revoke(actor, token.account_id):
                raise tokens.not_found(token_id, by)
            tokens.mark_revoked(session, token, actor.id, now)  # type: ignore[arg-type]
            audit.record(session, self.now(), actor.id, "token.revoke", token_id, label=token.label)
            session.flush()
            row = tokens.get_row(session, token_id)
        self._authn.cache.discard(token_id)
        return tokens.to_info(row)  # type: ignore[arg-type]

    def audit_events(self, *, token_id: str | None = None, account: str | None = None) -> list[AuditEventInfo]:
        """Audit events, oldest first, for one token and/or the tokens of one account."""
        with self._db.tx() as session:
            account_id = accounts.get_account(session, account).id if account is not None else None
            return audit.events(session, token_id=token_id, account_id=account_id)

    # ----------------------------------------------------------------------------- presenting

    def authenticate(self, token: str) -> Principal:
        """Who presents this token, or :class:`InvalidToken` (never saying which part was wrong).

        Garbage is refused offline. A known token costs one indexed row read: Argon2 runs once
        per token and process, then a SHA-256 of the secret is compared in constant time. The row
        is read on every call, so revocation and expiry act on the very next request everywhere.
        """
        return self._authn.authenticate(token)

    def authorize(self, principal: Principal, action: Action | str, form_id: int) -> bool:
        """May this principal take ``action`` on the records of the form? Grant ∩ scope, read now."""
        return self._authn.authorize(principal, action, form_id)

    # ----------------------------------------------------------------------------- demo

    def seed_demo(self, account: str) -> list[str]:
        """Fill in a small, realistic set for ``account``; safe to run again. Returns what it added."""
        # The demo is built on this facade's public methods only; it is loaded when first asked for.
        from .demo import seed_demo

        return seed_demo(self, account)

    # ----------------------------------------------------------------------------- SSH keys

    def add_key(self, actor: Actor, account: str, public_key_line: str, *, read_only: bool = False) -> SshKeyInfo:
        """Let a public key open ``account`` over SSH (administrators only). The key is checked
        (:func:`pubkey.parse_public_key`) and kept with its SHA256 fingerprint; a key opens one account."""
        from . import ssh_keys
        from .pubkey import parse_public_key

        key = parse_public_key(public_key_line)
        with self._db.tx(write=True) as c:
            return ssh_keys.add(c, actor, self.now(), validate_account_name(account), key, read_only=read_only)

    def keys(self, actor: Actor, account: str | None = None) -> list[SshKeyInfo]:
        """SSH keys: one's own; an administrator's: everyone's, or ``account``'s."""
        from . import ssh_keys

        with self._db.tx() as c:
            return ssh_keys.listing(c, actor, account)

    def remove_key(self, actor: Actor, fingerprint: str) -> SshKeyInfo:
        """Remove an SSH key (one's own, or any as administrator): refused from the next connection on."""
        from . import ssh_keys
        from .pubkey import check_fingerprint

        fingerprint = check_fingerprint(fingerprint)
        with self._db.tx(write=True) as c:
            return ssh_keys.remove(c, actor, self.now(), fingerprint)

    def key_for_session(self, fingerprint: str) -> Actor:
        """Who an SSH key opens, now (the forced command's question). Raises ``KeyRefused`` for a
        removed key or a disabled account."""
        return self.session_key(fingerprint)[0]

    def session_key(self, fingerprint: str) -> tuple[Actor, SshKeyInfo]:
        """:meth:`key_for_session`, with the key itself (whether it is read-only)."""
        from . import ssh_keys
        from .pubkey import check_fingerprint

        try:
            fingerprint = check_fingerprint(fingerprint)
        except InvalidInput:
            raise ssh_keys.KeyRefused() from None
        with self._db.tx() as c:
            return ssh_keys.for_session(c, fingerprint)

    def authorized_keys(self, key_type: str | None = None, blob: str | None = None) -> list[SshKeyInfo]:
        """The keys sshd may accept now, for ``tokens ssh authorized-keys``: all of them, or only the
        one offered (``key_type``, ``blob`` as sshd's ``%t %k`` pass them). No actor: whoever can
        open the database file is the service itself."""
        from . import ssh_keys

        with self._db.tx() as c:
            return ssh_keys.authorized(c, key_type, blob)

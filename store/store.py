"""``TokenStore``: the one entry point to accounts, forms, grants, tokens and their audit trail.

A thin facade: every public method is one short transaction, and the work is done by the modules
beside it — ``engine`` (connections, ``BEGIN IMMEDIATE``, errors), ``access`` (who may do what),
``accounts``, ``tokens``, ``authn`` (the authenticate hot path) and ``audit``.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Sequence
from datetime import datetime, timedelta

from argon2 import PasswordHasher
from sqlmodel import select

from . import access, accounts, audit, lifecycle, policy, tokens, tokenstring
from .authn import Authenticator
from .engine import StoreEngine
from .errors import DatabaseError, InvalidExpiry, InvalidInput, NotAllowed
from .hashing import hasher_from_profile
from .models import Account, Token
from .schema import SchemaStatus, prepare
from .schema import status as schema_status
from .types import (
    DEFAULT_OVERLAP,
    Action,
    FormAccess,
    LifetimePolicy,
    NewToken,
    Principal,
    Scope,
    TokenInfo,
    TokenSeed,
    utcnow,
)
from .types import EXPIRES_SOON, limit_to_databases
from .types import AuditEvent as AuditEventInfo
from .validation import validate_account_name, validate_label, validate_note


class _Same:
    """The value of an argument left out: keep what there is (``None`` means "none" there)."""

    def __repr__(self) -> str:
        return "SAME"


SAME = _Same()


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
            forms = accounts.access(session, row[0], Scope(row[1]))
            (info,) = lifecycle.enrich(session.connection(), [tokens.to_info(tokens.get_row(session, token_id))])  # type: ignore[arg-type]
            return limit_to_databases(forms, info.databases)

    # ----------------------------------------------------------------------------- tokens

    def create_token(
        self,
        account: str,
        label: str,
        scope: Scope | str,
        expires_at: datetime | None = None,
        *,
        databases: Sequence[str] | None = None,
        note: str | None = None,
    ) -> NewToken:
        """Create a token and return it with its secret: the only time the secret exists.

        The label is trimmed and must be unique (ignoring case) among the account's active tokens.
        ``databases`` limits the token to those of the account's databases (default: all it can
        reach); the expiry must be within the administrators' lifetime policy.
        """
        label = validate_label(label)
        note = validate_note(note)
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
            c = session.connection()
            policy.check(c, expires_at, now)
            limited = lifecycle.resolve_databases(c, owner.id, databases)  # type: ignore[arg-type]
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
                    note=note,
                    databases=limited,
                )
            )
            session.flush()
            audit.record(session, self.now(), owner.id, "token.create", token_id, label=label, scope=scope.value,
                         expires_at=expires_at.isoformat() if expires_at else None,
                         databases=list(databases) if databases is not None else None, note=note)
            (info,) = lifecycle.enrich(c, [tokens.to_info(tokens.get_row(session, token_id))])  # type: ignore[arg-type]
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
            owner = accounts.get_account(session, account)
            found = tokens.list_for(session, account, include_revoked=include_revoked)
            return lifecycle.enrich(session.connection(), found, account_id=owner.id)

    def get_token(self, token_id: str, *, account: str | None = None) -> TokenInfo:
        """One token by id; with ``account``, only if that account owns it (or administers)."""
        with self._db.tx() as session:
            row = tokens.get_row(session, token_id)
            if row is not None and not access.may_see(session, row[1], account):
                row = None
            if row is None:
                raise tokens.not_found(token_id, account)
            (info,) = lifecycle.enrich(session.connection(), [tokens.to_info(row)])
        return info

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

    def authenticate(self, token: str, *, client_address: str | None = None, user_agent: str | None = None) -> Principal:
        """Who presents this token, or :class:`InvalidToken` (never saying which part was wrong).

        Garbage is refused offline. A known token costs one indexed row read: Argon2 runs once
        per token and process, then a SHA-256 of the secret is compared in constant time. The row
        is read on every call, so revocation and expiry act on the very next request everywhere.

        ``client_address`` and ``user_agent`` describe the caller, as the API server calling this
        saw it; they are kept (bounded, cleaned) with the last-used time, at most once a minute.
        """
        return self._authn.authenticate(token, client_address, user_agent)

    def authorize(self, principal: Principal, action: Action | str, form_id: int) -> bool:
        """May this principal take ``action`` on the records of the form? Grant ∩ scope, read now."""
        return self._authn.authorize(principal, action, form_id)

    # ----------------------------------------------------------------------------- a token's life

    def rotate(
        self,
        token_id: str,
        *,
        by: str,
        overlap: timedelta = DEFAULT_OVERLAP,
        expires_at: datetime | None | _Same = SAME,
    ) -> NewToken:
        """Replace a token with a new one (same label, scope, databases and note), revealed once.

        The old token keeps working for ``overlap`` (0 to 7 days; default 24 hours) and then stops,
        so the program using it can move to the new secret without an outage. The new token lives
        as long as the old one was made to, from now (or until ``expires_at`` if given), within the
        lifetime policy. Both tokens record the link; one audit event records the rotation.
        Refused for a revoked or expired token, and for one already in the middle of a rotation.
        """
        lifecycle.check_overlap(overlap)
        if isinstance(expires_at, datetime):
            expires_at = tokens.utc(expires_at)
        new_id, secret, token = tokenstring.generate()
        secret_hash = self._hasher.hash(secret)
        del secret
        now = self.now()
        with self._db.tx(write=True) as session:
            actor = accounts.get_account(session, by)
            c = session.connection()
            old = lifecycle.lifecycle_row(c, token_id, lock=True)
            if old is None or not access.may_revoke(actor, old.account_id):
                raise tokens.not_found(token_id, by)
            lifecycle.check_rotatable(c, old, now)
            expiry = lifecycle.successor_expiry(old, now) if expires_at is SAME else expires_at
            if expiry is not None and expiry <= now:
                raise InvalidExpiry("the expiry must be in the future")
            policy.check(c, expiry, now)  # type: ignore[arg-type]
            session.add(
                Token(
                    id=new_id,
                    account_id=old.account_id,
                    label=old.label,
                    scope=old.scope,
                    secret_hash=secret_hash,
                    created_at=now,
                    expires_at=expiry,  # type: ignore[arg-type]
                    note=old.note,
                    databases=old.databases,
                    replaces_id=old.id,
                )
            )
            session.flush()
            stops_at = now + overlap
            lifecycle.retire(c, old, new_id, stops_at)
            audit.record(session, now, actor.id, "token.rotate", old.id, label=old.label, replaced_by=new_id,
                         overlap_seconds=int(overlap.total_seconds()),
                         old_stops_at=min(stops_at, old.expires_at or stops_at).isoformat(),
                         expires_at=expiry.isoformat() if isinstance(expiry, datetime) else None)
            (info,) = lifecycle.enrich(c, [tokens.to_info(tokens.get_row(session, new_id))])  # type: ignore[arg-type]
        return NewToken(info=info, secret=token)

    def edit_token(self, token_id: str, *, by: str, label: str | None = None, note: str | None = None) -> TokenInfo:
        """Rename a token and/or set its note (``""`` clears it). Neither changes what it can do.

        The new label must be unique (ignoring case) among the account's active tokens.
        """
        new_label = validate_label(label) if label is not None else None
        new_note = validate_note(note) if note is not None else None
        if label is None and note is None:
            raise InvalidInput("nothing to change: give a new label, a note, or both")
        now = self.now()
        with self._db.tx(write=True) as session:
            actor = accounts.get_account(session, by)
            c = session.connection()
            row = lifecycle.lifecycle_row(c, token_id, lock=True)
            if row is None or not access.may_revoke(actor, row.account_id):
                raise tokens.not_found(token_id, by)
            changes: dict[str, object] = {}
            if new_label is not None and new_label != row.label:
                if row.revoked_at is None and new_label.casefold() != row.label.casefold():
                    tokens.check_label_free(session, row.account_id, new_label, now)
                lifecycle.set_label(c, token_id, new_label)
                changes["renamed"] = [row.label, new_label]
            if note is not None and new_note != row.note:
                lifecycle.set_note(c, token_id, new_note)
                changes["note"] = [row.note, new_note]
            if changes:
                audit.record(session, now, actor.id, "token.edit", token_id, label=new_label or row.label, **changes)
            (info,) = lifecycle.enrich(c, [tokens.to_info(tokens.get_row(session, token_id))])  # type: ignore[arg-type]
        return info

    def expiring_tokens(self, account: str, within: timedelta = EXPIRES_SOON) -> list[TokenInfo]:
        """The account's usable tokens that stop within ``within``, soonest first. A token replaced
        by a rotation is left out: its end is planned."""
        now = self.now()
        found = [t for t in self.list_tokens(account) if t.expires_within(within, now)]
        return sorted(found, key=lambda t: (t.expires_at, t.id))  # type: ignore[arg-type,return-value]

    def lifetime_policy(self) -> LifetimePolicy:
        """The administrators' cap on token lifetimes (no cap by default)."""
        with self._db.tx() as session:
            return policy.load(session.connection())

    def set_lifetime_policy(
        self, *, by: str, max_lifetime: timedelta | None | _Same = SAME, require_expiry: bool | None = None
    ) -> LifetimePolicy:
        """Set the lifetime policy (administrators only). ``max_lifetime=None`` removes the cap;
        leave an argument out to keep its current value. Existing tokens are not changed:
        :meth:`policy_violations` lists those beyond it."""
        if max_lifetime is not SAME:
            policy.validate_lifetime(max_lifetime)  # type: ignore[arg-type]
        with self._db.tx(write=True) as session:
            actor = accounts.get_account(session, by)
            if not actor.is_admin:
                raise NotAllowed(f"only an administrator may set the lifetime policy; {by!r} is not one")
            c = session.connection()
            current = policy.load(c)
            lifetime = current.max_lifetime if max_lifetime is SAME else max_lifetime
            required = current.require_expiry if require_expiry is None else require_expiry
            policy.save(c, lifetime, required, self.now(), actor.id)  # type: ignore[arg-type]
            return policy.load(c)

    def policy_violations(self, account: str) -> list[TokenInfo]:
        """Usable tokens that outlive what the policy allows a token made now: every account's for
        an administrator, the account's own otherwise. Oldest first."""
        now = self.now()
        with self._db.tx() as session:
            me = accounts.get_account(session, account)
            c = session.connection()
            condition = policy.violations(policy.load(c), now)
            if condition is None:
                return []
            query, owner = tokens.info_select()
            query = query.where(condition)
            if not me.is_admin:
                query = query.where(Token.account_id == me.id)
            rows = session.execute(query.order_by(Token.created_at, Token.id)).all()
            return lifecycle.enrich(c, [tokens.to_info(row) for row in rows])

    # ----------------------------------------------------------------------------- demo

    def seed_demo(self, account: str) -> list[str]:
        """Fill in a small, realistic set for ``account``; safe to run again. Returns what it added."""
        # The demo is built on this facade's public methods only; it is loaded when first asked for.
        from .demo import seed_demo

        return seed_demo(self, account)


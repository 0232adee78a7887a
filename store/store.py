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
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from sqlalchemy import select
from sqlalchemy.engine import Connection

from . import access, accounts, audit, lifecycle, policy, tokens, tokenstring
from .authn import Authenticator
from .engine import StoreEngine
from .errors import (
    DatabaseError,
    InvalidExpiry,
    InvalidInput,
    InvalidToken,
    TokenNotFound,
    UnknownAccount,
)
from .hashing import hasher_from_profile
from .models import ChangeCounter, Token
from .pubkey import SshKeyInfo
from .schema import SchemaStatus, prepare
from .schema import status as schema_status
from .types import (
    ALL_ACTIONS,
    DEFAULT_OVERLAP,
    EXPIRES_SOON,
    LifetimePolicy,
    AccountInfo,
    Action,
    Actor,
    ActorVia,
    FormAccess,
    NewToken,
    Principal,
    Scope,
    TokenInfo,
    TokenPage,
    TokenSeed,
    TokenStatus,
    utcnow,
)
from .types import AuditEvent as AuditEventInfo
from .types import limit_to_databases
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
        #: Lines worth telling the person about where the database is kept (e.g. a folder others
        #: can read); the front end shows them, the store never prints.
        self.warnings: list[str] = self._db.warnings
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


    # ----------------------------------------------------------------------------- who is acting

    def resolve_actor(self, login: str, account: str | None = None, *, create: bool = True) -> Actor:
        """Who is acting, for a local front end: the person's login name, and ``account`` if given.

        Without ``account`` (or with one's own name) the actor is the login's account; with
        ``create`` it is made on first use. ``account`` names another account to act as, with that
        account's rights (as ``sudo -u`` does): allowed to an enabled administrator (the account
        is made if missing and ``create``), or on a database with no accounts yet. The first
        account of a database is its administrator. Refused with :class:`NotAllowed` otherwise.
        """
        login = validate_account_name(login)
        wanted = validate_account_name(account) if account is not None else login
        if wanted == login:
            if create:
                self.ensure_account(login)
            return Actor(login, ActorVia.LOGIN)
        actor = Actor(wanted, ActorVia.AS_ACCOUNT, person=login)
        with self._db.tx(write=create) as c:
            me = access.find_account(c, login)
            known = me is not None
            if not access.may_act_as(me.is_admin if known else None, known and me.disabled_at is not None,
                                     access.any_accounts(c)):
                raise access.act_as_refused(login, wanted)
            target = access.find_account(c, wanted)
            if target is None and create:
                first = me is None
                target_id = accounts.create_account(c, wanted, self.now(), admin=first)
                acting_id = me.id if me is not None else target_id
                audit.record(c, self.now(), actor, acting_id, "account.add", account_id=target_id, name=wanted, admin=first)
        return actor

    def ensure_account(self, name: str) -> str:
        """A person's own account, made on first sign-in; the first account of a database is its
        administrator. Returns the (trimmed) name. Front ends call this for the login they
        established, never for a name someone typed (that is :meth:`add_account`)."""
        name = validate_account_name(name)
        try:
            with self._db.tx(write=True) as c:
                if access.find_account(c, name) is None:
                    first = not access.any_accounts(c)
                    account_id = accounts.create_account(c, name, self.now(), admin=first)
                    audit.record(c, self.now(), Actor(name), account_id, "account.add", account_id=account_id,
                                 name=name, admin=first)
        except DatabaseError:
            # On a server another session may have created it at the same moment.
            if not self.has_account(name):
                raise
        return name

    def has_account(self, name: str) -> bool:
        """Whether an account of that name exists (asking creates nothing)."""
        with self._db.tx() as c:
            return access.find_account(c, name.strip()) is not None

    # ----------------------------------------------------------------------------- accounts (administrators)

    def add_account(self, actor: Actor, name: str, *, admin: bool = False) -> AccountInfo:
        """Add an account (administrators only)."""
        name = validate_account_name(name)
        with self._db.tx(write=True) as c:
            me = access.require_admin(c, actor, "add accounts")
            if access.find_account(c, name) is not None:
                raise InvalidInput(f"an account named {name!r} already exists")
            account_id = accounts.create_account(c, name, self.now(), admin=admin)
            audit.record(c, self.now(), actor, me.id, "account.add", account_id=account_id, name=name, admin=admin)
            return accounts.info(access.account_row(c, name))

    def list_accounts(self, actor: Actor) -> list[AccountInfo]:
        """Every account, by name, with its count of usable tokens (administrators only)."""
        with self._db.tx() as c:
            access.require_admin(c, actor, "list accounts")
            return accounts.list_accounts(c, self.now())

    def get_account(self, actor: Actor, name: str | None = None) -> AccountInfo:
        """One account: one's own (``name`` omitted), or any for an administrator."""
        with self._db.tx() as c:
            me = access.actor_row(c, actor)
            row = access.find_account(c, name) if name is not None else me
            if row is None or not access.may_manage(me.id, me.is_admin, row.id):
                raise UnknownAccount(f"no account named {name!r}")
            return accounts.info(row)

    def set_admin(self, actor: Actor, name: str, is_admin: bool = True) -> AccountInfo:
        """Make an account administrator, or not. The last enabled administrator stays one."""
        with self._db.tx(write=True) as c:
            me = access.require_admin(c, actor, "change who is administrator")
            target = access.account_row(c, name, lock=True)
            if bool(target.is_admin) != is_admin:
                if not is_admin:
                    access.keep_an_administrator(c, target, "remove administrator rights")
                accounts.set_flags(c, target.id, is_admin=is_admin)
                audit.record(c, self.now(), actor, me.id, "account.admin" if is_admin else "account.unadmin",
                             account_id=target.id, name=target.name)
            return accounts.info(access.account_row(c, name))

    def set_disabled(self, actor: Actor, name: str, disabled: bool = True) -> AccountInfo:
        """Disable an account (it can do nothing; its tokens stop authenticating on the next
        request but stay unrevoked) or enable it again. Administrators only."""
        now = self.now()
        with self._db.tx(write=True) as c:
            me = access.require_admin(c, actor, "disable or enable accounts")
            target = access.account_row(c, name, lock=True)
            if (target.disabled_at is not None) != disabled:
                if disabled:
                    access.keep_an_administrator(c, target, "disable the account")
                accounts.set_flags(c, target.id, disabled_at=now if disabled else None)
                audit.record(c, now, actor, me.id, "account.disable" if disabled else "account.enable",
                             account_id=target.id, name=target.name)
            return accounts.info(access.account_row(c, name))

    # ----------------------------------------------------------------------------- catalogue and grants

    def add_form(self, actor: Actor, database: str, form: str) -> int:
        """The id of form ``form`` in database ``database``, both created if missing (administrators)."""
        database, form = database.strip(), form.strip()
        if not database or not form or "/" in database:
            raise InvalidInput("a form needs a database name (without '/') and a form name")
        with self._db.tx(write=True) as c:
            access.require_admin(c, actor, "add forms")
            return accounts.add_form(c, database, form)

    def set_grant(self, actor: Actor, account: str, form_id: int, actions: Iterable[Action | str]) -> None:
        """Set exactly which actions ``account`` may take on the records of a form (administrators)."""
        self.set_grants(actor, account, [(form_id, actions)])

    def set_grants(
        self, actor: Actor, account: str, changes: Iterable[tuple[int | str, Iterable[Action | str]]]
    ) -> None:
        """Set exactly which actions ``account`` may take on several forms (administrators), in one
        transaction: each change names a form (its id, ``Database/Form``, or a name unique across
        databases) and the actions wanted there. All or none: a form that cannot be found raises
        :class:`UnknownForm`, and no change of the batch is made."""
        wanted = [(ref, frozenset(_actions(actions))) for ref, actions in changes]
        with self._db.tx(write=True) as c:
            me = access.require_admin(c, actor, "change grants")
            target = access.account_row(c, account)
            for ref, after in wanted:
                form_id = ref if isinstance(ref, int) else accounts.find_form(c, ref)[0]
                before = accounts.granted(c, target.id, form_id)
                accounts.set_grant(c, target.id, form_id, after)
                if before != after:
                    db_name, form_name = accounts.form_name(c, form_id)
                    audit.record(c, self.now(), actor, me.id, "grant.change", account_id=target.id,
                                 database=db_name, form=form_name, actions=_names(after), before=_names(before))

    def grant(self, actor: Actor, account: str, forms: str, actions: Iterable[Action | str]) -> list[FormAccess]:
        """Add actions to what ``account`` may do on ``DATABASE/FORM``, or on every form of
        ``DATABASE``. Existing tokens follow on their next request. Returns the account's access."""
        return self._change_grants(actor, account, forms, frozenset(_actions(actions)), add=True)

    def ungrant(self, actor: Actor, account: str, forms: str, actions: Iterable[Action | str]) -> list[FormAccess]:
        """Take actions away from what ``account`` may do on ``DATABASE/FORM`` or a whole ``DATABASE``."""
        return self._change_grants(actor, account, forms, frozenset(_actions(actions)), add=False)

    def _change_grants(self, actor: Actor, account: str, ref: str, actions: frozenset[Action], *, add: bool) -> list[FormAccess]:
        if not actions:
            raise InvalidInput("name at least one action: view, add, edit or delete")
        with self._db.tx(write=True) as c:
            me = access.require_admin(c, actor, "change grants")
            target = access.account_row(c, account)
            for form_id, db_name, form_name in accounts.find_forms(c, ref):
                before = accounts.granted(c, target.id, form_id)
                after = before | actions if add else before - actions
                if after != before:
                    accounts.set_grant(c, target.id, form_id, after)
                    audit.record(c, self.now(), actor, me.id, "grant.change", account_id=target.id,
                                 database=db_name, form=form_name, actions=_names(after), before=_names(before))
            return accounts.access(c, target.id, Scope.READ_WRITE)

    def list_forms(self, actor: Actor) -> list[tuple[int, str, str]]:
        """Every form, granted to anyone or not, as (form id, database, form), by database and form
        name: what a grant can be given on (administrators only)."""
        with self._db.tx() as c:
            access.require_admin(c, actor, "list the forms")
            return accounts.all_forms(c)

    def find_form(self, ref: str) -> tuple[int, str, str]:
        """Resolve a form by id, by ``Database/Form``, or by a form name unique across databases."""
        with self._db.tx() as c:
            return accounts.find_form(c, ref)

    def account_access(
        self, actor: Actor, scope: Scope | str = Scope.READ_WRITE, *, account: str | None = None
    ) -> list[FormAccess]:
        """Each form an account can reach (one's own, or any for an administrator): its grant, and
        what a token of ``scope`` may do there."""
        scope = Scope.parse(scope)
        with self._db.tx() as c:
            me = access.actor_row(c, actor)
            row = access.find_account(c, account) if account is not None else me
            if row is None or not access.may_manage(me.id, me.is_admin, row.id):
                raise UnknownAccount(f"no account named {account!r}")
            return accounts.access(c, row.id, scope)

    def token_access(self, actor: Actor, token_id: str) -> list[FormAccess]:
        """What this token can actually do, form by form (the account's grant ∩ the scope)."""
        with self._db.tx() as c:
            me = access.actor_row(c, actor)
            row = c.execute(select(Token.account_id, Token.scope).where(Token.id == token_id)).first()
            if row is None or not access.may_see(me.id, me.is_admin, row[0]):
                raise tokens.not_found(token_id)
            info = _whole(c, token_id)
            # Grant ∩ scope ∩ the token's databases.
            return limit_to_databases(accounts.access(c, row[0], Scope(row[1])), info.databases)

    # ----------------------------------------------------------------------------- tokens

    def create_token(
        self,
        actor: Actor,
        label: str,
        scope: Scope | str,
        expires_at: datetime | None = None,
        *,
        databases: Sequence[str] | None = None,
        note: str | None = None,
    ) -> NewToken:
        """Create a token for the actor's account and return it with its secret: the only time the
        secret exists. The label is trimmed and must be unique (compared as
        :func:`validation.label_key`) among the account's unrevoked, unexpired tokens.
        ``databases`` limits the token to those of the account's databases (default: every one it
        can reach); the expiry must be within the administrators' lifetime policy."""
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
        with self._db.tx(write=True) as c:
            me = access.actor_row(c, actor)
            policy.check(c, expires_at, now)
            limited = lifecycle.resolve_databases(c, me.id, databases)
            tokens.insert_token(c, token_id=token_id, account_id=me.id, label=label, scope=scope,
                                secret_hash=secret_hash, created_at=now, expires_at=expires_at, now=now,
                                note=note, databases=limited)
            audit.record(c, now, actor, me.id, "token.create", account_id=me.id, token_id=token_id, label=label,
                         scope=scope.value, expires_at=expires_at.isoformat() if expires_at else None,
                         **({"databases": list(dict.fromkeys(d.strip() for d in databases))} if databases is not None else {}),
                         **({"note": note} if note is not None else {}))
            info = _whole(c, token_id)
        return NewToken(info=info, secret=token)

    def seed_tokens(self, actor: Actor, seeds: Sequence[TokenSeed]) -> list[TokenInfo]:
        """Add tokens with a history (created, used, revoked in the past) to the actor's account,
        for demonstrations. Their secrets are thrown away unseen: these tokens can be listed and
        revoked, never used."""
        now = self.now()
        checked = [(validate_label(seed.label), Scope.parse(seed.scope), seed) for seed in seeds]
        # Argon2 first, outside the transaction.
        hashes = [self._hasher.hash(tokenstring.generate()[1]) for _ in checked]
        added: list[str] = []
        with self._db.tx(write=True) as c:
            me = access.actor_row(c, actor)
            for (label, scope, seed), secret_hash in zip(checked, hashes, strict=True):
                token_id = tokenstring.new_token_id()
                revoked = tokens.utc(seed.revoked_at) if seed.revoked_at else None
                tokens.insert_token(
                    c, token_id=token_id, account_id=me.id, label=label, scope=scope, secret_hash=secret_hash,
                    created_at=tokens.utc(seed.created_at),
                    expires_at=tokens.utc(seed.expires_at) if seed.expires_at else None,
                    last_used_at=tokens.utc(seed.last_used_at) if seed.last_used_at else None,
                    revoked_at=revoked, now=now, usage_days=seed.usage_days,
                )
                audit.record(c, now, actor, me.id, "token.create", account_id=me.id, token_id=token_id, label=label,
                             scope=scope.value, demo=True)
                if revoked is not None:
                    audit.record(c, now, actor, me.id, "token.revoke", account_id=me.id, token_id=token_id,
                                 label=label, demo=True)
                added.append(token_id)
            return _wholes(c, added)

    def list_tokens(self, actor: Actor, *, include_revoked: bool = False, account: str | None = None) -> list[TokenInfo]:
        """The actor's tokens (or, for an administrator, ``account``'s), newest first; revoked
        ones only when asked for."""
        with self._db.tx() as c:
            me = access.actor_row(c, actor)
            row = access.find_account(c, account) if account is not None else me
            if row is None or not access.may_manage(me.id, me.is_admin, row.id):
                raise UnknownAccount(f"no account named {account!r}")
            found = tokens.list_for(c, row.id, include_revoked=include_revoked)
            return lifecycle.enrich(c, found, account_id=row.id)

    def list_all_tokens(
        self,
        actor: Actor,
        *,
        account: str | None = None,
        label_contains: str | None = None,
        status: TokenStatus | str | None = None,
        unused_days: int | None = None,
        expires_within_days: int | None = None,
        after: str | None = None,
        limit: int = 200,
    ) -> TokenPage:
        """One page of every account's tokens, newest first (administrators only).

        The database filters and pages (keyset on ``(created_at, id)``): pass the returned
        ``next`` as ``after`` for the following page. ``status`` is ``active`` (usable now,
        including those expiring soon), ``expires soon``, ``expired`` or ``revoked``;
        ``unused_days`` keeps tokens not used for that many days (never-used ones count from
        creation); ``label_contains`` compares like labels do (case and width ignored).
        """
        filters = _filters(account, label_contains, status, unused_days, expires_within_days)
        with self._db.tx() as c:
            access.require_admin(c, actor, access.SEE_EVERY_TOKEN)
            found, cursor = tokens.page(c, filters, self.now(), after=after, limit=limit)
            found = lifecycle.enrich(c, found)
        return TokenPage(found, cursor)

    def count_tokens(
        self,
        actor: Actor,
        *,
        account: str | None = None,
        label_contains: str | None = None,
        status: TokenStatus | str | None = None,
        unused_days: int | None = None,
        expires_within_days: int | None = None,
    ) -> int:
        """How many tokens :meth:`list_all_tokens` would page through with these filters."""
        filters = _filters(account, label_contains, status, unused_days, expires_within_days)
        with self._db.tx() as c:
            access.require_admin(c, actor, access.SEE_EVERY_TOKEN)
            return tokens.count(c, filters, self.now())

    def get_token(self, actor: Actor, token_id: str) -> TokenInfo:
        """One token by id: the actor's own, or anyone's for an administrator."""
        with self._db.tx() as c:
            me = access.actor_row(c, actor)
            row = tokens.owner_of(c, token_id)
            if row is None or not access.may_see(me.id, me.is_admin, row.account_id):
                raise tokens.not_found(token_id)
            info = _whole(c, token_id)
            return info

    def lookup(self, actor: Actor, token: str) -> TokenInfo:
        """Whose is this token string (found in a log or a repository)? Revoked and expired
        tokens are found too. The secret is checked against its hash, so a forged string with a
        known id is not mistaken for the token. :class:`InvalidToken` if malformed;
        :class:`TokenNotFound` if unknown, not matching, or another account's (for non-administrators)."""
        token_id, secret = tokenstring.parse(token)
        with self._db.tx() as c:
            me = access.actor_row(c, actor)
            row = c.execute(select(Token.account_id, Token.secret_hash).where(Token.id == token_id)).first()
        if row is None or not access.may_see(me.id, me.is_admin, row[0]):
            raise TokenNotFound("no such token")
        try:
            self._hasher.verify(row[1], secret)
        except (VerifyMismatchError, VerificationError, InvalidHashError):
            raise TokenNotFound("no such token") from None
        del secret
        with self._db.tx() as c:
            if tokens.owner_of(c, token_id) is None:
                raise TokenNotFound("no such token")
            return _whole(c, token_id)

    def revoke(self, actor: Actor, token_id: str) -> TokenInfo:
        """Revoke a token for good (its owner or an administrator). Applications using it fail on
        their very next request."""
        now = self.now()
        with self._db.tx(write=True) as c:
            me = access.actor_row(c, actor)
            row = tokens.owner_of(c, token_id, lock=True)
            if row is None or not access.may_see(me.id, me.is_admin, row.account_id):
                raise tokens.not_found(token_id)
            tokens.mark_revoked(c, row, me.id, now)
            audit.record(c, now, actor, me.id, "token.revoke", account_id=row.account_id, token_id=token_id,
                         label=row.label)
            info = _whole(c, token_id)
        self._authn.cache.discard(token_id)
        return info

    def stale_tokens(self, actor: Actor, unused_days: int, *, all_accounts: bool = False) -> list[TokenInfo]:
        """Usable tokens not used for ``unused_days`` days (never-used ones count from creation):
        the actor's own, or with ``all_accounts`` every account's (administrators only)."""
        if unused_days < 0:
            raise InvalidInput("the number of days must be 0 or more")
        with self._db.tx() as c:
            me = access.require_admin(c, actor, "revoke other accounts' tokens") if all_accounts else access.actor_row(c, actor)
            return lifecycle.enrich(c, tokens.stale(c, None if all_accounts else me.id, unused_days, self.now()))

    def revoke_tokens(self, actor: Actor, token_ids: Sequence[str]) -> list[TokenInfo]:
        """Revoke these tokens in one transaction, one audit event each; all or none. Tokens
        already revoked meanwhile are skipped; one the actor may not revoke refuses the lot."""
        now = self.now()
        revoked: list[str] = []
        with self._db.tx(write=True) as c:
            me = access.actor_row(c, actor)
            for token_id in dict.fromkeys(token_ids):
                row = tokens.owner_of(c, token_id, lock=True)
                if row is None or not access.may_see(me.id, me.is_admin, row.account_id):
                    raise tokens.not_found(token_id)
                if row.revoked_at is not None:
                    continue
                tokens.mark_revoked(c, row, me.id, now)
                audit.record(c, now, actor, me.id, "token.revoke", account_id=row.account_id, token_id=token_id,
                             label=row.label, bulk=True)
                revoked.append(token_id)
            done = _wholes(c, revoked)
        for info in done:
            self._authn.cache.discard(info.id)
        return done

    # ----------------------------------------------------------------------------- audit

    def audit_events(
        self,
        actor: Actor,
        *,
        account: str | None = None,
        token_id: str | None = None,
        since: datetime | None = None,
        limit: int | None = None,
    ) -> list[AuditEventInfo]:
        """Audit events, newest first. An administrator sees every event (``account`` narrows to
        events about or by that account); anyone else only events about their own account."""
        with self._db.tx() as c:
            me = access.actor_row(c, actor)
            account_id = None
            if account is not None:
                row = access.find_account(c, account)
                if row is None or not access.may_manage(me.id, me.is_admin, row.id):
                    raise UnknownAccount(f"no account named {account!r}")
                account_id = row.id
            return audit.events(
                c,
                restrict_to=None if me.is_admin else me.id,
                account_id=account_id,
                token_id=token_id,
                since=tokens.utc(since) if since is not None else None,
                limit=limit,
            )

    # ----------------------------------------------------------------------------- live refresh

    def change_marker(self) -> int:
        """A number that changes whenever anyone, in any process or host, commits a change a
        person made (every such change writes an audit event, and a trigger counts them). One
        primary-key read: cheap enough to poll every second. Last-used times do not count."""
        with self._db.tx() as c:
            return c.execute(select(_COUNTER.c.n).where(_COUNTER.c.id == 1)).scalar_one()  # type: ignore[no-any-return]

    def changes_since(self, marker: int) -> int | None:
        """The new marker if anything changed since ``marker``, else ``None``."""
        now = self.change_marker()
        return None if now == marker else now

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
        actor: Actor,
        token_id: str,
        *,
        overlap: timedelta = DEFAULT_OVERLAP,
        expires_at: datetime | None | _Same = SAME,
    ) -> NewToken:
        """Replace a token with a new one (same label, scope, databases and note), revealed once.

        The old token keeps working for ``overlap`` (0 to 7 days; default 24 hours) and then stops,
        so the program using it can move to the new secret without an outage. The new token lives
        as long as the old one was made to, from now (or until ``expires_at`` if given), within the
        lifetime policy. Both tokens record the link; one audit event records the rotation.
        Refused for a revoked or expired token, and for one in the middle of a rotation.
        """
        lifecycle.check_overlap(overlap)
        if isinstance(expires_at, datetime):
            expires_at = tokens.utc(expires_at)
        new_id, secret, token = tokenstring.generate()
        # Argon2 before the transaction, so the write lock is held only for the writes.
        secret_hash = self._hasher.hash(secret)
        del secret
        now = self.now()
        with self._db.tx(write=True) as c:
            me = access.actor_row(c, actor)
            old = lifecycle.lifecycle_row(c, token_id, lock=True)
            if old is None or not access.may_see(me.id, me.is_admin, old.account_id):
                raise tokens.not_found(token_id)
            lifecycle.check_rotatable(c, old, now)
            expiry = lifecycle.successor_expiry(old, now) if isinstance(expires_at, _Same) else expires_at
            if expiry is not None and expiry <= now:
                raise InvalidExpiry("the expiry must be in the future")
            policy.check(c, expiry, now)
            # The old token gives its label up first: the label stays unique among active tokens.
            stops_at = lifecycle.retire(c, old, new_id, now + overlap)
            tokens.insert_token(c, token_id=new_id, account_id=old.account_id, label=old.label,
                                scope=Scope(old.scope), secret_hash=secret_hash, created_at=now,
                                expires_at=expiry, now=now, note=old.note, databases=old.databases,
                                replaces_id=old.id)
            audit.record(c, now, actor, me.id, "token.rotate", account_id=old.account_id, token_id=old.id,
                         label=old.label, replaced_by=new_id, overlap_seconds=int(overlap.total_seconds()),
                         old_stops_at=stops_at.isoformat(), expires_at=expiry.isoformat() if expiry else None)
            info = _whole(c, new_id)
        return NewToken(info=info, secret=token, replaced_stops_at=stops_at)

    def edit_token(self, actor: Actor, token_id: str, *, label: str | None = None, note: str | None = None) -> TokenInfo:
        """Rename a token and/or set its note (``""`` clears it). Neither changes what it can do.

        The new label must be unique (compared as labels are) among the account's active tokens.
        """
        if label is None and note is None:
            raise InvalidInput("nothing to change: give a new label, a note, or both")
        new_label = validate_label(label) if label is not None else None
        new_note = validate_note(note) if note is not None else None
        now = self.now()
        with self._db.tx(write=True) as c:
            me = access.actor_row(c, actor)
            row = lifecycle.lifecycle_row(c, token_id, lock=True)
            if row is None or not access.may_see(me.id, me.is_admin, row.account_id):
                raise tokens.not_found(token_id)
            changes: dict[str, object] = {}
            if new_label is not None and new_label != row.label:
                lifecycle.set_label(c, row, new_label, now)
                changes["renamed"] = [row.label, new_label]
            if note is not None and new_note != row.note:
                lifecycle.set_note(c, token_id, new_note)
                changes["note"] = [row.note, new_note]
            if changes:
                audit.record(c, now, actor, me.id, "token.edit", account_id=row.account_id, token_id=token_id,
                             label=new_label or row.label, **changes)
            info = _whole(c, token_id)
        return info

    def expiring_tokens(self, actor: Actor, within: timedelta = EXPIRES_SOON) -> list[TokenInfo]:
        """The actor's usable tokens that stop within ``within``, soonest first. A token replaced
        by a rotation is left out: its end is planned."""
        if within < timedelta(0):
            raise InvalidInput("the window must be 0 or more")
        now = self.now()
        found = [t for t in self.list_tokens(actor) if t.expires_within(within, now)]
        return sorted(found, key=lambda t: (t.expires_at, t.id))  # type: ignore[arg-type,return-value]

    def lifetime_policy(self) -> LifetimePolicy:
        """The administrators' cap on token lifetimes (no cap until one is set)."""
        with self._db.tx() as c:
            return policy.load(c)

    def set_lifetime_policy(
        self,
        actor: Actor,
        *,
        max_lifetime: timedelta | None | _Same = SAME,
        require_expiry: bool | None = None,
    ) -> LifetimePolicy:
        """Set the lifetime policy (administrators only). ``max_lifetime=None`` removes the cap;
        an argument left out keeps its value. Existing tokens are not changed:
        :meth:`policy_violations` lists those beyond it."""
        if not isinstance(max_lifetime, _Same):
            policy.validate_lifetime(max_lifetime)
        now = self.now()
        with self._db.tx(write=True) as c:
            me = access.require_admin(c, actor, "set the lifetime policy")
            current = policy.load(c)
            lifetime = current.max_lifetime if isinstance(max_lifetime, _Same) else max_lifetime
            required = current.require_expiry if require_expiry is None else require_expiry
            policy.save(c, lifetime, required, now, me.id)
            after = policy.load(c)
            audit.record(c, now, actor, me.id, "policy.set", account_id=None,
                         max_lifetime_seconds=int(lifetime.total_seconds()) if lifetime else None,
                         require_expiry=required, policy=after.describe())
            return after

    def policy_violations(self, actor: Actor) -> list[TokenInfo]:
        """Usable tokens that outlive what the policy allows a token made now: every account's for
        an administrator, the actor's own otherwise. Oldest first."""
        now = self.now()
        with self._db.tx() as c:
            me = access.actor_row(c, actor)
            condition = policy.violations(policy.load(c), now)
            if condition is None:
                return []
            query = tokens.INFO.where(condition)
            if not me.is_admin:
                query = query.where(Token.account_id == me.id)
            rows = c.execute(query.order_by(Token.created_at, Token.id)).all()
            return lifecycle.enrich(c, [tokens.to_info(row) for row in rows])

    # ----------------------------------------------------------------------------- demo

    def seed_demo(self, actor: Actor) -> list[str]:
        """Fill in a small, realistic set for the actor's account (it sets grants, so the actor
        must be an administrator); safe to run again. Returns the labels of the tokens it added."""
        # The demo is built on this facade's public methods only; it is loaded when first asked for.
        from .demo import seed_demo

        return seed_demo(self, actor)

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


_COUNTER = ChangeCounter.__table__  # type: ignore[attr-defined]


def _actions(actions: Iterable[Action | str]) -> list[Action]:
    found = []
    for action in actions:
        try:
            found.append(Action(str(action).strip().lower()))
        except ValueError:
            raise InvalidInput(f"unknown action {action!r}: use view, add, edit or delete") from None
    return found


def _names(actions: Iterable[Action]) -> list[str]:
    return [a.value for a in ALL_ACTIONS if a in actions]


def _whole(c: Connection, token_id: str) -> TokenInfo:
    """A token the caller knows exists, with every fact the store keeps about it (its note,
    databases, rotation links and last caller are read by :func:`lifecycle.enrich`): every
    method that returns a token returns it through here, or through :func:`_wholes`."""
    (info,) = _wholes(c, [token_id])
    return info


def _wholes(c: Connection, token_ids: Sequence[str]) -> list[TokenInfo]:
    """As :func:`_whole`, for many tokens: their further facts in one read, not one each."""
    infos = [tokens.get(c, token_id) for token_id in token_ids]
    assert all(info is not None for info in infos), "the caller checked that the tokens exist"
    return lifecycle.enrich(c, infos)  # type: ignore[arg-type]


def _filters(
    account: str | None,
    label_contains: str | None,
    status: TokenStatus | str | None,
    unused_days: int | None,
    expires_within_days: int | None,
) -> tokens.Filters:
    if status is not None and not isinstance(status, TokenStatus):
        try:
            status = TokenStatus(str(status).strip().lower().replace("_", " ").replace("-", " "))
        except ValueError:
            raise InvalidInput(f"unknown status {status!r}: use active, expires soon, expired or revoked") from None
    return tokens.Filters(account, label_contains, status, unused_days, expires_within_days)

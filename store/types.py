"""The store's plain value types.

This module imports nothing heavy (no SQLAlchemy, no SQLModel) so that the terminal app can
use these names before the database layer has been imported.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

# EXPIRES_SOON (how close an expiry reads "expires soon") and SCHEMA_HEAD (the newest schema
# revision) are set in store.constants, which a short command can import without these types.
from .constants import EXPIRES_SOON, SCHEMA_HEAD  # noqa: F401


class Action(enum.StrEnum):
    """What an account (or a token) may do with the records of a form."""

    VIEW = "view"
    ADD = "add"
    EDIT = "edit"
    DELETE = "delete"

    @property
    def title(self) -> str:
        return self.value.capitalize()


#: Actions in the order people read them.
ALL_ACTIONS: tuple[Action, ...] = (Action.VIEW, Action.ADD, Action.EDIT, Action.DELETE)


class Scope(enum.StrEnum):
    """What a token was created for. It can only limit the account's own rights."""

    READ = "read"
    READ_WRITE = "read_write"

    @property
    def title(self) -> str:
        return "Read-only" if self is Scope.READ else "Read & Write"

    @property
    def description(self) -> str:
        if self is Scope.READ:
            return "Applications may read records. They cannot add, edit or delete them."
        return "Applications may read records, and add, edit and delete them."

    @property
    def actions(self) -> frozenset[Action]:
        if self is Scope.READ:
            return frozenset({Action.VIEW})
        return frozenset(ALL_ACTIONS)

    @classmethod
    def parse(cls, value: str | Scope) -> Scope:
        from .errors import InvalidScope

        if isinstance(value, Scope):
            return value
        try:
            return cls(str(value).strip().lower().replace("-", "_"))
        except ValueError:
            raise InvalidScope(
                f"unknown scope {value!r}: use 'read' (Read-only) or 'read_write' (Read & Write)"
            ) from None


def effective_actions(granted: frozenset[Action] | set[Action], scope: Scope) -> frozenset[Action]:
    """A token can only limit: what it may do is the account's grant intersected with its scope."""
    return frozenset(granted) & scope.actions


class TokenStatus(enum.StrEnum):
    ACTIVE = "active"
    EXPIRES_SOON = "expires soon"
    EXPIRED = "expired"
    REVOKED = "revoked"


def utcnow() -> datetime:
    return datetime.now(UTC)


def as_utc(value: datetime) -> datetime:
    """A stored time as an aware UTC datetime: a time without a zone (SQLite keeps UTC text) is UTC."""
    return value.replace(tzinfo=UTC) if value.utcoffset() is None else value.astimezone(UTC)


@dataclass(frozen=True, slots=True)
class TokenInfo:
    """Everything the store tells about a token except its secret and its hash."""

    id: str
    account: str
    label: str
    scope: Scope
    created_at: datetime
    expires_at: datetime | None
    last_used_at: datetime | None
    revoked_at: datetime | None
    revoked_by: str | None
    note: str | None = None
    #: The databases the token is limited to (names); ``None``: every one the account can reach.
    databases: tuple[str, ...] | None = None
    #: Rotation: the id of the token this one replaces, and of the token that replaced it.
    replaces: str | None = None
    replaced_by: str | None = None
    #: The caller that presented it last, as the API server described it.
    last_used_address: str | None = None
    last_used_agent: str | None = None
    #: Days of use, a bitmap anchored at ``last_used_at``'s day; read it through :meth:`days_used`.
    usage_days: int = 0

    def days_used(self, now: datetime | None = None) -> tuple[bool, ...]:
        """Whether the token was used on each of the last 30 days, oldest first, today last."""
        from .usage import days_used

        return days_used(self.usage_days, self.last_used_at, now or utcnow())

    def use_count(self, now: datetime | None = None) -> int:
        """On how many of the last 30 days the token was used."""
        from .usage import use_count

        return use_count(self.usage_days, self.last_used_at, now or utcnow())

    def status(self, now: datetime | None = None) -> TokenStatus:
        now = now or utcnow()
        if self.revoked_at is not None:
            return TokenStatus.REVOKED
        if self.expires_at is not None:
            if self.expires_at <= now:
                return TokenStatus.EXPIRED
            if self.expires_at - now <= EXPIRES_SOON:
                return TokenStatus.EXPIRES_SOON
        return TokenStatus.ACTIVE

    def is_active(self, now: datetime | None = None) -> bool:
        return self.status(now) in (TokenStatus.ACTIVE, TokenStatus.EXPIRES_SOON)

    def as_dict(self, now: datetime | None = None) -> dict[str, object]:
        def iso(value: datetime | None) -> str | None:
            return value.isoformat() if value is not None else None

        return {
            "id": self.id,
            "account": self.account,
            "label": self.label,
            "scope": self.scope.value,
            "created": iso(self.created_at),
            "expires": iso(self.expires_at),
            "last_used": iso(self.last_used_at),
            "status": self.status(now).value,
            "revoked_at": iso(self.revoked_at),
            "revoked_by": self.revoked_by,
            "note": self.note,
            "databases": list(self.databases) if self.databases is not None else None,
            "replaces": self.replaces,
            "replaced_by": self.replaced_by,
            "last_used_from": {"address": self.last_used_address, "user_agent": self.last_used_agent},
            "days_used_last_30": self.use_count(now),
        }

    def expires_within(self, window: timedelta, now: datetime | None = None) -> bool:
        """Usable now and stopping within ``window`` — unless it was replaced by a rotation, whose
        end is planned and no surprise."""
        now = now or utcnow()
        return (
            self.is_active(now)
            and self.replaced_by is None
            and self.expires_at is not None
            and self.expires_at - now <= window
        )


@dataclass(frozen=True, slots=True)
class NewToken:
    """The result of creating a token: the only object that ever holds its secret."""

    info: TokenInfo
    secret: str = field(repr=False)
    #: After a rotation: when the token this one replaces stops (the overlap's end, or its own
    #: expiry if that comes first).
    replaced_stops_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class TokenSeed:
    """A token with a history, for demonstration data (see :meth:`TokenStore.seed_tokens`)."""

    label: str
    scope: Scope
    created_at: datetime
    expires_at: datetime | None = None
    last_used_at: datetime | None = None
    revoked_at: datetime | None = None
    #: Days of use before ``last_used_at``'s day, as :attr:`TokenInfo.usage_days` keeps them.
    usage_days: int = 0


@dataclass(frozen=True, slots=True)
class Principal:
    """Who is calling, as proven by a token."""

    account_id: int
    account: str
    token_id: str
    scope: Scope
    expires_at: datetime | None


@dataclass(frozen=True, slots=True)
class FormAccess:
    """One form the account can reach: what the account may do, and what a token of it may do."""

    form_id: int
    database: str
    form: str
    granted: frozenset[Action]
    effective: frozenset[Action]


def limit_to_databases(forms: list[FormAccess], databases: tuple[str, ...] | list[str] | None) -> list[FormAccess]:
    """A token limited to some databases can do nothing on the forms of the others:
    effective access = grant ∩ scope ∩ (the form's database among the token's)."""
    if databases is None:
        return list(forms)
    chosen = set(databases)
    return [f if f.database in chosen else FormAccess(f.form_id, f.database, f.form, f.granted, frozenset()) for f in forms]


#: Rotation: how long the old token keeps working by default, and at most.
DEFAULT_OVERLAP = timedelta(hours=24)
MAX_OVERLAP = timedelta(days=7)


@dataclass(frozen=True, slots=True)
class LifetimePolicy:
    """The administrators' cap on token lifetimes, applied to every creation and rotation.

    A maximum lifetime implies an expiry: a token that never expires outlives any cap.
    """

    max_lifetime: timedelta | None = None
    require_expiry: bool = False
    updated_at: datetime | None = None
    updated_by: str | None = None

    @property
    def expiry_required(self) -> bool:
        return self.require_expiry or self.max_lifetime is not None

    @property
    def is_set(self) -> bool:
        return self.expiry_required

    def latest_expiry(self, now: datetime) -> datetime | None:
        """The latest expiry a token created at ``now`` may have (``None``: no cap)."""
        return now + self.max_lifetime if self.max_lifetime is not None else None

    def refusal(self, expires_at: datetime | None, now: datetime) -> str | None:
        """Why a token created at ``now`` with this expiry is outside the policy, or ``None``."""
        if expires_at is None and self.expiry_required:
            return f"the lifetime policy requires an expiry: {self.describe()}"
        latest = self.latest_expiry(now)
        if expires_at is not None and latest is not None and expires_at > latest:
            return f"the expiry is beyond the lifetime policy: {self.describe()}"
        return None

    def allows(self, expires_at: datetime | None, now: datetime) -> bool:
        return self.refusal(expires_at, now) is None

    def describe(self) -> str:
        if self.max_lifetime is not None:
            return f"tokens must expire within {describe_duration(self.max_lifetime)} of their creation"
        if self.require_expiry:
            return "tokens must have an expiry"
        return "no lifetime policy: tokens may have any expiry, or none"

    def as_dict(self) -> dict[str, object]:
        return {
            "max_lifetime_seconds": int(self.max_lifetime.total_seconds()) if self.max_lifetime else None,
            "max_lifetime": describe_duration(self.max_lifetime) if self.max_lifetime else None,
            "require_expiry": self.expiry_required,
            "updated_at": self.updated_at.isoformat() if self.updated_at else None,
            "updated_by": self.updated_by,
            "policy": self.describe(),
        }


def describe_duration(span: timedelta) -> str:
    """``24 hours``, ``7 days``, ``1 year``: a span in the largest unit that divides it."""
    seconds = int(span.total_seconds())
    if seconds == 0:
        return "0 (at once)"
    for size, unit in ((365 * 86400, "year"), (7 * 86400, "week"), (86400, "day"), (3600, "hour"), (60, "minute")):
        if seconds % size == 0:
            count = seconds // size
            return f"{count} {unit}{'' if count == 1 else 's'}"
    return f"{seconds} seconds"


@dataclass(frozen=True, slots=True)
class AuditEvent:
    """One change and who made it. Never holds a secret or a hash.

    ``actor`` is the person who acted; ``as_account`` the account whose rights they used when that
    was not their own (an administrator's ``--account``); ``account`` the account the change is
    about (a token's owner, or the account changed).
    """

    at: datetime
    actor: str
    action: str
    token_id: str | None
    detail: dict[str, object]
    account: str | None = None
    as_account: str | None = None
    via: str | None = None
    id: int = 0

    def as_dict(self) -> dict[str, object]:
        return {
            "time": self.at.isoformat(),
            "actor": self.actor,
            "as_account": self.as_account,
            "action": self.action,
            "account": self.account,
            "token_id": self.token_id,
            "label": self.detail.get("label"),
            "detail": {k: v for k, v in self.detail.items() if k != "label"},
        }


class ActorVia(enum.StrEnum):
    """How a front end established who is acting."""

    LOGIN = "login"
    #: An administrator acting as another account with ``--account`` (``sudo -u``).
    AS_ACCOUNT = "as-account"
    SSH_KEY = "ssh-key"


@dataclass(frozen=True, slots=True)
class Actor:
    """On whose behalf a store call is made: resolved once at a front end's edge.

    ``account`` is the account whose rights apply; ``person`` the one really at the keyboard when
    that differs (recorded in the audit trail beside the account).
    """

    account: str
    via: ActorVia = ActorVia.LOGIN
    person: str | None = None

    @property
    def who(self) -> str:
        return self.person or self.account


@dataclass(frozen=True, slots=True)
class AccountInfo:
    name: str
    is_admin: bool
    created_at: datetime
    disabled_at: datetime | None
    active_tokens: int = 0

    @property
    def disabled(self) -> bool:
        return self.disabled_at is not None

    def as_dict(self) -> dict[str, object]:
        return {
            "name": self.name,
            "admin": self.is_admin,
            "disabled": self.disabled,
            "created": self.created_at.isoformat(),
            "disabled_at": self.disabled_at.isoformat() if self.disabled_at else None,
            "active_tokens": self.active_tokens,
        }


@dataclass(frozen=True, slots=True)
class TokenPage:
    """One page of :meth:`TokenStore.list_all_tokens`, newest first.

    ``next`` is the cursor to pass as ``after`` for the following page, ``None`` on the last.
    """

    tokens: list[TokenInfo]
    next: str | None


#: What a database made before the schema was versioned is: it has the tables of this revision.
FIRST_REVISION = "0001"


class SchemaState(enum.StrEnum):
    CURRENT = "current"
    OUTDATED = "outdated"
    UNVERSIONED = "unversioned"
    EMPTY = "empty"
    NEWER = "newer"


@dataclass(frozen=True, slots=True)
class SchemaStatus:
    """A database's schema revision against the newest this release knows."""

    revision: str | None
    head: str
    state: SchemaState

    def describe(self) -> str:
        if self.state is SchemaState.CURRENT:
            return f"schema revision {self.revision}: up to date"
        if self.state is SchemaState.EMPTY:
            return f"no tables yet: opening it creates schema revision {self.head}"
        if self.state is SchemaState.UNVERSIONED:
            return (f"made before schema versions were recorded (revision {FIRST_REVISION}); "
                    f"upgrading brings it to {self.head}")
        if self.state is SchemaState.NEWER:
            return (f"schema revision {self.revision} comes from a newer release of tokens; "
                    f"this one knows up to {self.head}")
        return f"schema revision {self.revision}: upgrading brings it to {self.head}"

    @property
    def needs_upgrade(self) -> bool:
        return self.state in (SchemaState.OUTDATED, SchemaState.UNVERSIONED, SchemaState.EMPTY)

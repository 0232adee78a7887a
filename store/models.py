"""Tables. Times are aware datetimes in UTC."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Column, DateTime, ForeignKey, Index, Integer, String, UniqueConstraint, text
from sqlalchemy.types import TypeDecorator
from sqlmodel import Field, SQLModel

from .types import as_utc

metadata = SQLModel.metadata


class UTCDateTime(TypeDecorator[datetime]):
    """Aware datetimes in, aware UTC datetimes out (SQLite keeps them as UTC text)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.utcoffset() is None:
            raise ValueError("times must carry a time zone")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        return as_utc(value)


def _when(**kwargs: Any) -> Any:
    return Field(sa_type=UTCDateTime, **kwargs)


class Account(SQLModel, table=True):
    __tablename__ = "account"

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=100, unique=True)
    is_admin: bool = False
    created_at: datetime = _when()
    #: A disabled account can do nothing and its tokens do not authenticate (they stay unrevoked).
    disabled_at: datetime | None = _when(default=None)


class Database(SQLModel, table=True):
    """A database of the platform: a group of forms."""

    __tablename__ = "database"

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=200, unique=True)


class Form(SQLModel, table=True):
    __tablename__ = "form"
    __table_args__ = (UniqueConstraint("database_id", "name"),)

    id: int | None = Field(default=None, primary_key=True)
    database_id: int = Field(foreign_key="database.id", index=True)
    name: str = Field(max_length=200)


class Grant(SQLModel, table=True):
    """What an account may do with the records of one form."""

    __tablename__ = "grant"

    account_id: int = Field(foreign_key="account.id", primary_key=True)
    form_id: int = Field(foreign_key="form.id", primary_key=True)
    can_view: bool = False
    can_add: bool = False
    can_edit: bool = False
    can_delete: bool = False


class Token(SQLModel, table=True):
    """A personal API token. Only an Argon2id hash of its secret is kept."""

    __tablename__ = "token"
    __table_args__ = (
        Index("ix_token_account_created", "account_id", "created_at"),
        # The administrators' list of every token pages through this order.
        Index("ix_token_created_id", "created_at", "id"),
        # One unrevoked token per label and account; an expired holder gives its key up on the
        # next create (see tokens.release_expired_label).
        Index(
            "ux_token_account_label",
            "account_id",
            "label_key",
            unique=True,
            sqlite_where=text("revoked_at IS NULL"),
            postgresql_where=text("revoked_at IS NULL"),
        ),
    )

    id: str = Field(sa_column=Column(String(12), primary_key=True))
    account_id: int = Field(foreign_key="account.id")
    label: str = Field(max_length=100)
    #: ``validation.label_key(label)``; NULL once an expired token has given its label up.
    label_key: str | None = Field(default=None, sa_column=Column(String(400), nullable=True))
    scope: str = Field(max_length=16)
    secret_hash: str = Field(max_length=255)
    created_at: datetime = _when()
    expires_at: datetime | None = _when(default=None)
    last_used_at: datetime | None = _when(default=None)
    #: Days of use over the last 30 days (``store/usage.py``), written with ``last_used_at``.
    usage_days: int = Field(default=0, sa_column=Column(Integer, nullable=False, server_default="0"))
    revoked_at: datetime | None = _when(default=None)
    revoked_by_id: int | None = Field(
        default=None, sa_column=Column(ForeignKey("account.id"), nullable=True)
    )
    #: Free text its owner may change; it decides nothing.
    note: str | None = Field(default=None, sa_column=Column(String(500), nullable=True))
    #: The databases the token is limited to, as ``",3,7,"`` (their ids); ``None``: all the
    #: account can reach. Set at creation and never changed (the trigger refuses it).
    databases: str | None = Field(default=None, sa_column=Column(String(2000), nullable=True))
    #: Rotation: the token this one replaces, and the token that replaced this one.
    replaces_id: str | None = Field(default=None, sa_column=Column(String(12), nullable=True))
    replaced_by_id: str | None = Field(default=None, sa_column=Column(String(12), nullable=True))
    #: The caller that presented the token last, as its API server described it (bounded, cleaned).
    last_used_address: str | None = Field(default=None, sa_column=Column(String(64), nullable=True))
    last_used_agent: str | None = Field(default=None, sa_column=Column(String(200), nullable=True))


class AuditEvent(SQLModel, table=True):
    """Who did what. ``actor_id`` is the account whose rights were used; ``person`` the one who
    really acted when that was someone else (an administrator using ``--account``)."""

    __tablename__ = "audit_event"
    __table_args__ = (
        Index("ix_audit_token", "token_id", "at"),
        Index("ix_audit_account", "account_id", "at"),
        Index("ix_audit_at", "at", "id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    at: datetime = _when()
    actor_id: int = Field(foreign_key="account.id")
    person: str | None = Field(default=None, sa_column=Column(String(100), nullable=True))
    via: str | None = Field(default=None, sa_column=Column(String(16), nullable=True))
    action: str = Field(max_length=40)
    #: The account the event is about (a token's owner, or the account changed).
    account_id: int | None = Field(default=None, sa_column=Column(ForeignKey("account.id"), nullable=True))
    token_id: str | None = Field(default=None, sa_column=Column(String(12), ForeignKey("token.id"), nullable=True))
    detail: str = "{}"


class ChangeCounter(SQLModel, table=True):
    """One row, bumped by a trigger in every transaction that writes an audit event (every change
    a person makes), so open apps can poll one cheap read to learn that something changed."""

    __tablename__ = "change_counter"

    id: int | None = Field(default=None, primary_key=True)
    n: int = 0


class SshKey(SQLModel, table=True):
    """An SSH public key that opens one account over SSH (sshd's forced command looks it up)."""

    __tablename__ = "ssh_key"

    id: int | None = Field(default=None, primary_key=True)
    fingerprint: str = Field(sa_column=Column(String(60), nullable=False, unique=True))
    account_id: int = Field(foreign_key="account.id", index=True)
    key_type: str = Field(max_length=40)
    blob: str = Field(max_length=6000)
    comment: str = Field(default="", max_length=200)
    #: A read-only key opens the app and the commands without the ones that change anything.
    read_only: bool = False
    created_at: datetime = _when()
    created_by_id: int | None = Field(default=None, sa_column=Column(ForeignKey("account.id"), nullable=True))


class LifetimePolicy(SQLModel, table=True):
    """The administrators' cap on token lifetimes: at most one row (id 1); none means no policy."""

    __tablename__ = "lifetime_policy"

    id: int | None = Field(default=None, primary_key=True)
    max_lifetime_seconds: int | None = None
    require_expiry: bool = False
    updated_at: datetime | None = _when(default=None)
    updated_by_id: int | None = Field(default=None, foreign_key="account.id")


# The trigger that makes revocation irreversible (and a token's hash, owner, scope and expiry
# unchangeable, and a token's life only shorter) is part of the schema's migrations: see
# migrations/versions/0005_lifecycle.py.

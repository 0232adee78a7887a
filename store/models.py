"""Tables. Times are aware datetimes in UTC."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import DDL, Column, DateTime, ForeignKey, Index, String, UniqueConstraint, event
from sqlalchemy.types import TypeDecorator
from sqlmodel import Field, SQLModel

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
        return value.replace(tzinfo=UTC) if value.utcoffset() is None else value.astimezone(UTC)


def _when(**kwargs: Any) -> Any:
    return Field(sa_type=UTCDateTime, **kwargs)


class Account(SQLModel, table=True):
    __tablename__ = "account"

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=100, unique=True)
    is_admin: bool = False
    created_at: datetime = _when()


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
    __table_args__ = (Index("ix_token_account_created", "account_id", "created_at"),)

    id: str = Field(sa_column=Column(String(12), primary_key=True))
    account_id: int = Field(foreign_key="account.id")
    label: str = Field(max_length=100)
    scope: str = Field(max_length=16)
    secret_hash: str = Field(max_length=255)
    created_at: datetime = _when()
    expires_at: datetime | None = _when(default=None)
    last_used_at: datetime | None = _when(default=None)
    revoked_at: datetime | None = _when(default=None)
    revoked_by_id: int | None = Field(
        default=None, sa_column=Column(ForeignKey("account.id"), nullable=True)
    )


class AuditEvent(SQLModel, table=True):
    __tablename__ = "audit_event"
    __table_args__ = (Index("ix_audit_token", "token_id", "at"),)

    id: int | None = Field(default=None, primary_key=True)
    at: datetime = _when()
    actor_id: int = Field(foreign_key="account.id")
    action: str = Field(max_length=40)
    token_id: str = Field(sa_column=Column(String(12), ForeignKey("token.id"), nullable=False))
    detail: str = "{}"


# Revocation is irreversible and a token can only ever be narrowed, even through raw SQL: once
# revoked_at is set it cannot be cleared or changed, and the hash, owner, scope and expiry never
# change (a longer life is a new token, with its own audit event).
_SQLITE_TRIGGER = DDL(
    """
CREATE TRIGGER token_immutable BEFORE UPDATE ON token
WHEN (OLD.revoked_at IS NOT NULL AND (NEW.revoked_at IS NULL OR NEW.revoked_at <> OLD.revoked_at
                                      OR NEW.revoked_by_id IS NOT OLD.revoked_by_id))
  OR NEW.secret_hash <> OLD.secret_hash OR NEW.account_id <> OLD.account_id
  OR NEW.scope <> OLD.scope OR NEW.id <> OLD.id
  OR NEW.expires_at IS NOT OLD.expires_at OR NEW.created_at IS NOT OLD.created_at
BEGIN
  SELECT RAISE(ABORT, 'token revocation is irreversible and its hash, owner, scope and expiry cannot change');
END
"""
)

_PG_FUNCTION = DDL(
    """
CREATE OR REPLACE FUNCTION token_immutable() RETURNS trigger AS $$
BEGIN
  IF (OLD.revoked_at IS NOT NULL AND (NEW.revoked_at IS NULL OR NEW.revoked_at <> OLD.revoked_at
                                      OR NEW.revoked_by_id IS DISTINCT FROM OLD.revoked_by_id))
     OR NEW.secret_hash <> OLD.secret_hash OR NEW.account_id <> OLD.account_id
     OR NEW.scope <> OLD.scope OR NEW.id <> OLD.id
     OR NEW.expires_at IS DISTINCT FROM OLD.expires_at OR NEW.created_at IS DISTINCT FROM OLD.created_at THEN
    RAISE EXCEPTION 'token revocation is irreversible and its hash, owner, scope and expiry cannot change';
  END IF;
  RETURN NEW;
END
$$ LANGUAGE plpgsql
"""
)

_PG_TRIGGER = DDL(
    "CREATE TRIGGER token_immutable BEFORE UPDATE ON token "
    "FOR EACH ROW EXECUTE FUNCTION token_immutable()"
)

_token_table = Token.__table__  # type: ignore[attr-defined]
event.listen(_token_table, "after_create", _SQLITE_TRIGGER.execute_if(dialect="sqlite"))
event.listen(_token_table, "after_create", _PG_FUNCTION.execute_if(dialect="postgresql"))
event.listen(_token_table, "after_create", _PG_TRIGGER.execute_if(dialect="postgresql"))

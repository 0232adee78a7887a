"""The first schema: accounts, databases, forms, grants, tokens, audit events, and the trigger that
makes revocation irreversible.

Databases made before the schema was versioned have exactly these tables and no version table;
they are recognised and stamped as this revision.

Revision ID: 0001
Revises:
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

# Revisions are frozen: they spell out their tables and SQL instead of importing today's models.
WHEN = sa.DateTime(timezone=True)

SQLITE_TRIGGER = """
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

PG_FUNCTION = """
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

PG_TRIGGER = (
    "CREATE TRIGGER token_immutable BEFORE UPDATE ON token FOR EACH ROW EXECUTE FUNCTION token_immutable()"
)


def upgrade() -> None:
    op.create_table(
        "account",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("name", sa.String(100), nullable=False, unique=True),
        sa.Column("is_admin", sa.Boolean(), nullable=False),
        sa.Column("created_at", WHEN, nullable=False),
    )
    op.create_table(
        "database",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("name", sa.String(200), nullable=False, unique=True),
    )
    op.create_table(
        "form",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("database_id", sa.Integer(), sa.ForeignKey("database.id"), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.UniqueConstraint("database_id", "name"),
    )
    op.create_index("ix_form_database_id", "form", ["database_id"])
    op.create_table(
        "token",
        sa.Column("id", sa.String(12), primary_key=True),
        sa.Column("account_id", sa.Integer(), sa.ForeignKey("account.id"), nullable=False),
        sa.Column("label", sa.String(100), nullable=False),
        sa.Column("scope", sa.String(16), nullable=False),
        sa.Column("secret_hash", sa.String(255), nullable=False),
        sa.Column("created_at", WHEN, nullable=False),
        sa.Column("expires_at", WHEN, nullable=True),
        sa.Column("last_used_at", WHEN, nullable=True),
        sa.Column("revoked_at", WHEN, nullable=True),
        sa.Column("revoked_by_id", sa.Integer(), sa.ForeignKey("account.id"), nullable=True),
    )
    op.create_index("ix_token_account_created", "token", ["account_id", "created_at"])
    op.create_table(
        "audit_event",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("at", WHEN, nullable=False),
        sa.Column("actor_id", sa.Integer(), sa.ForeignKey("account.id"), nullable=False),
        sa.Column("action", sa.String(40), nullable=False),
        sa.Column("token_id", sa.String(12), sa.ForeignKey("token.id"), nullable=False),
        sa.Column("detail", sa.String(), nullable=False),
    )
    op.create_index("ix_audit_token", "audit_event", ["token_id", "at"])
    op.create_table(
        "grant",
        sa.Column("account_id", sa.Integer(), sa.ForeignKey("account.id"), primary_key=True),
        sa.Column("form_id", sa.Integer(), sa.ForeignKey("form.id"), primary_key=True),
        sa.Column("can_view", sa.Boolean(), nullable=False),
        sa.Column("can_add", sa.Boolean(), nullable=False),
        sa.Column("can_edit", sa.Boolean(), nullable=False),
        sa.Column("can_delete", sa.Boolean(), nullable=False),
    )
    if op.get_bind().dialect.name == "postgresql":
        op.execute(PG_FUNCTION)
        op.execute(PG_TRIGGER)
    else:
        op.execute(SQLITE_TRIGGER)


def downgrade() -> None:
    raise NotImplementedError("the first schema has nothing to go back to")

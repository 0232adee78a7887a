"""A token's whole life: notes, databases it is limited to, the link between a rotated token and
its replacement, where it was last used from, an administrator's lifetime policy, and the
immutability trigger's "only shorten" rule.

Every new column of ``token`` arrives by a plain ADD COLUMN (``token`` is referred to by
``audit_event``; a SQLite batch copy would also drop the trigger). The trigger is created again
all the same, because its rule changes: a token's life may now be shortened (that only limits
it), and a token limited to some databases stays so limited.

Revision ID: 0005
Revises: 0003
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0003"
branch_labels = None
depends_on = None

WHEN = sa.DateTime(timezone=True)

# Revocation is irreversible; a token's hash, owner, scope, databases, id, creation time and the
# token it replaces never change; the token that replaces it is set once; its expiry may be set
# (from none) or moved earlier, never later or removed. julianday() compares the moments whatever
# their spelling; a value it cannot read counts as a change and is refused.
SQLITE_TRIGGER = """
CREATE TRIGGER token_immutable BEFORE UPDATE ON token
WHEN (OLD.revoked_at IS NOT NULL AND (NEW.revoked_at IS NULL OR NEW.revoked_at <> OLD.revoked_at
                                      OR NEW.revoked_by_id IS NOT OLD.revoked_by_id))
  OR NEW.secret_hash <> OLD.secret_hash OR NEW.account_id <> OLD.account_id
  OR NEW.scope <> OLD.scope OR NEW.id <> OLD.id OR NEW.created_at IS NOT OLD.created_at
  OR NEW.databases IS NOT OLD.databases OR NEW.replaces_id IS NOT OLD.replaces_id
  OR (OLD.replaced_by_id IS NOT NULL AND NEW.replaced_by_id IS NOT OLD.replaced_by_id)
  OR (OLD.expires_at IS NOT NULL
      AND coalesce(julianday(NEW.expires_at) <= julianday(OLD.expires_at), 0) = 0)
BEGIN
  SELECT RAISE(ABORT, 'token revocation is irreversible, its life can only be shortened, and its hash, owner, scope and databases cannot change');
END
"""

PG_FUNCTION = """
CREATE OR REPLACE FUNCTION token_immutable() RETURNS trigger AS $$
BEGIN
  IF (OLD.revoked_at IS NOT NULL AND (NEW.revoked_at IS NULL OR NEW.revoked_at <> OLD.revoked_at
                                      OR NEW.revoked_by_id IS DISTINCT FROM OLD.revoked_by_id))
     OR NEW.secret_hash <> OLD.secret_hash OR NEW.account_id <> OLD.account_id
     OR NEW.scope <> OLD.scope OR NEW.id <> OLD.id OR NEW.created_at IS DISTINCT FROM OLD.created_at
     OR NEW.databases IS DISTINCT FROM OLD.databases OR NEW.replaces_id IS DISTINCT FROM OLD.replaces_id
     OR (OLD.replaced_by_id IS NOT NULL AND NEW.replaced_by_id IS DISTINCT FROM OLD.replaced_by_id)
     OR (OLD.expires_at IS NOT NULL AND (NEW.expires_at IS NULL OR NEW.expires_at > OLD.expires_at)) THEN
    RAISE EXCEPTION 'token revocation is irreversible, its life can only be shortened, and its hash, owner, scope and databases cannot change';
  END IF;
  RETURN NEW;
END
$$ LANGUAGE plpgsql
"""

PG_TRIGGER = (
    "CREATE TRIGGER token_immutable BEFORE UPDATE ON token FOR EACH ROW EXECUTE FUNCTION token_immutable()"
)


def upgrade() -> None:
    bind = op.get_bind()
    # Free text the owner may change; shown, never used to decide anything.
    op.add_column("token", sa.Column("note", sa.String(500), nullable=True))
    # The ids of the databases the token is limited to, as ",3,7,"; NULL: every database the
    # account can reach. Set at creation only (the trigger refuses any change).
    op.add_column("token", sa.Column("databases", sa.String(2000), nullable=True))
    # Rotation: the new token names the one it replaces, the old one the token replacing it.
    op.add_column("token", sa.Column("replaces_id", sa.String(12), nullable=True))
    op.add_column("token", sa.Column("replaced_by_id", sa.String(12), nullable=True))
    # Who presented the token last, as the API server described the caller (bounded, cleaned).
    op.add_column("token", sa.Column("last_used_address", sa.String(64), nullable=True))
    op.add_column("token", sa.Column("last_used_agent", sa.String(200), nullable=True))

    op.create_table(
        "lifetime_policy",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("max_lifetime_seconds", sa.Integer(), nullable=True),
        sa.Column("require_expiry", sa.Boolean(), nullable=False),
        sa.Column("updated_at", WHEN, nullable=True),
        sa.Column("updated_by_id", sa.Integer(), sa.ForeignKey("account.id"), nullable=True),
    )

    if bind.dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS token_immutable ON token")
        op.execute(PG_FUNCTION)
        op.execute(PG_TRIGGER)
    else:
        op.execute("DROP TRIGGER IF EXISTS token_immutable")
        op.execute(SQLITE_TRIGGER)


def downgrade() -> None:
    raise NotImplementedError("revisions only go forward; restore a backup to go back")

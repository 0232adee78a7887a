"""Administrators: disabled accounts, audit events about accounts and grants (who acted as whom),
a normalised label with a partial unique index, the order the list of every token pages in, and
a change counter that open apps poll.

Revision ID: 0002
Revises: 0001
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

WHEN = sa.DateTime(timezone=True)
ACTIVE = sa.text("revoked_at IS NULL")

SQLITE_BUMP = """
CREATE TRIGGER change_counter_bump AFTER INSERT ON audit_event
BEGIN
  UPDATE change_counter SET n = n + 1 WHERE id = 1;
END
"""

PG_BUMP_FUNCTION = """
CREATE OR REPLACE FUNCTION change_counter_bump() RETURNS trigger AS $$
BEGIN
  UPDATE change_counter SET n = n + 1 WHERE id = 1;
  RETURN NULL;
END
$$ LANGUAGE plpgsql
"""

# Once per statement: a bulk revoke of a thousand tokens bumps the counter once, not a thousand times.
PG_BUMP_TRIGGER = (
    "CREATE TRIGGER change_counter_bump AFTER INSERT ON audit_event "
    "FOR EACH STATEMENT EXECUTE FUNCTION change_counter_bump()"
)


def _label_key(label: str) -> str:
    # The store's one definition; if it ever changes, a later revision recomputes the keys.
    from store.validation import label_key

    return label_key(label)


def upgrade() -> None:
    bind = op.get_bind()
    op.add_column("account", sa.Column("disabled_at", WHEN, nullable=True))

    # audit_event.token_id becomes optional (events about accounts and grants have no token).
    # Nothing refers to audit_event, so SQLite may copy it in batch mode safely.
    with op.batch_alter_table("audit_event") as batch:
        batch.alter_column("token_id", existing_type=sa.String(12), nullable=True)
        batch.add_column(sa.Column("person", sa.String(100), nullable=True))
        batch.add_column(sa.Column("via", sa.String(16), nullable=True))
        batch.add_column(sa.Column("account_id", sa.Integer(), nullable=True))
        batch.create_foreign_key("fk_audit_event_account", "account", ["account_id"], ["id"])
    op.execute(
        "UPDATE audit_event SET account_id = (SELECT token.account_id FROM token WHERE token.id = audit_event.token_id)"
    )
    op.create_index("ix_audit_account", "audit_event", ["account_id", "at"])
    op.create_index("ix_audit_at", "audit_event", ["at", "id"])

    # token is referred to by audit_event: a plain ADD COLUMN, not a batch copy (which would also
    # drop the token_immutable trigger). The key stays nullable: an expired token gives it up.
    op.add_column("token", sa.Column("label_key", sa.String(400), nullable=True))
    rows = bind.execute(
        sa.text("SELECT id, account_id, label, revoked_at FROM token ORDER BY created_at DESC, id DESC")
    ).all()
    taken: set[tuple[int, str]] = set()
    for token_id, account_id, label, revoked_at in rows:
        key = _label_key(label)
        if revoked_at is None:
            # Older releases compared labels more loosely; of two unrevoked tokens whose labels
            # now read the same, the newer keeps the key and the older keeps only its label.
            if (account_id, key) in taken:
                continue
            taken.add((account_id, key))
        bind.execute(sa.text("UPDATE token SET label_key = :key WHERE id = :id"), {"key": key, "id": token_id})
    op.create_index(
        "ux_token_account_label",
        "token",
        ["account_id", "label_key"],
        unique=True,
        sqlite_where=ACTIVE,
        postgresql_where=ACTIVE,
    )
    op.create_index("ix_token_created_id", "token", ["created_at", "id"])

    op.create_table(
        "change_counter",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("n", sa.Integer(), nullable=False),
    )
    op.execute("INSERT INTO change_counter (id, n) VALUES (1, 0)")
    if bind.dialect.name == "postgresql":
        op.execute(PG_BUMP_FUNCTION)
        op.execute(PG_BUMP_TRIGGER)
    else:
        op.execute(SQLITE_BUMP)

    # The first account of a database is its administrator: a database made before there were
    # administrators gets one, its oldest account, so that someone can manage it.
    if bind.execute(sa.text("SELECT count(*) FROM account WHERE is_admin")).scalar() == 0:
        op.execute("UPDATE account SET is_admin = TRUE WHERE id = (SELECT min(id) FROM account)")


def downgrade() -> None:
    raise NotImplementedError("revisions only go forward; restore a backup to go back")

"""SSH keys: the public keys that open an account over SSH, with their SHA256 fingerprints.

Revision ID: 0003
Revises: 0002
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

WHEN = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "ssh_key",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("fingerprint", sa.String(60), nullable=False, unique=True),
        sa.Column("account_id", sa.Integer(), sa.ForeignKey("account.id"), nullable=False),
        sa.Column("key_type", sa.String(40), nullable=False),
        sa.Column("blob", sa.String(6000), nullable=False),
        sa.Column("comment", sa.String(200), nullable=False),
        sa.Column("read_only", sa.Boolean(), nullable=False),
        sa.Column("created_at", WHEN, nullable=False),
        sa.Column("created_by_id", sa.Integer(), sa.ForeignKey("account.id"), nullable=True),
    )
    op.create_index("ix_ssh_key_account_id", "ssh_key", ["account_id"])


def downgrade() -> None:
    raise NotImplementedError("revisions only go forward; restore a backup to go back")

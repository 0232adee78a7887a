"""Usage at a glance: on which of the last 30 days each token was used.

One integer per token, a bitmap anchored at the day of ``last_used_at`` (bit 0 is that day, bit n
the n-th day before it; see ``store/usage.py``). authenticate sets it in the same throttled
statement that already writes ``last_used_at``, so a request costs no extra write and no new row.

Revision ID: 0006
Revises: 0005
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # A plain ADD COLUMN (no table copy on SQLite, so the token triggers stay). A token used before
    # this revision still shows its last day of use: readers count the day of last_used_at as used.
    op.add_column("token", sa.Column("usage_days", sa.Integer(), nullable=False, server_default="0"))


def downgrade() -> None:
    raise NotImplementedError("revisions only go forward; restore a backup to go back")

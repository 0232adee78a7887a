"""Alembic's environment: the store hands it an open connection; it never opens one itself."""

from __future__ import annotations

from alembic import context

connection = context.config.attributes["connection"]
# SQLite changes most columns by copying the table ("batch" mode). Such a copy drops the table's
# triggers: a revision that batch-alters ``token`` must create ``token_immutable`` again.
context.configure(connection=connection, render_as_batch=connection.dialect.name == "sqlite")
with context.begin_transaction():
    context.run_migrations()

"""A trigram index on token labels, so "label contains" does not read every token.

SQLite: an FTS5 table with the trigram tokenizer (``token_label_fts``), filled from every existing
token and kept in step by triggers on ``token``. An SQLite without FTS5 or its trigram tokenizer
(before 3.34) gets no index: the filter then reads every token, as before.

PostgreSQL: ``pg_trgm`` GIN indexes on ``label_key`` and ``label``. Installing the extension needs
a privilege the database's owner may lack; then the revision succeeds without the indexes (the
filter reads every token), and an operator may install ``pg_trgm`` and run this revision again
(downgrade to 0006, upgrade).

How the index is queried: ``store/labelsearch.py`` (the names here must stay those). A later
revision that copies ``token`` (SQLite's batch mode) drops these triggers with the table and must
create them again.

Revision ID: 0007
Revises: 0006
"""

from __future__ import annotations

from alembic import op
from sqlalchemy import exc as sa_exc
from sqlalchemy.engine import Connection

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

FTS = "token_label_fts"
PG_INDEXES = {"ix_token_label_key_trgm": "label_key", "ix_token_label_trgm": "label"}

SQLITE_CREATE = [
    f"CREATE VIRTUAL TABLE {FTS} USING fts5(token_id UNINDEXED, label_key, label, tokenize='trigram')",
    f"INSERT INTO {FTS} (token_id, label_key, label) SELECT id, label_key, label FROM token",
    f"""CREATE TRIGGER {FTS}_insert AFTER INSERT ON token BEGIN
  INSERT INTO {FTS} (token_id, label_key, label) VALUES (NEW.id, NEW.label_key, NEW.label);
END""",
    # A rename (or a new label key) adds a row and the old row stays: it only ever widens the
    # candidates, which the LIKE conditions then sift. Removing it would read the whole index
    # inside the write lock. A label key given up (set to NULL) has nothing to add.
    f"""CREATE TRIGGER {FTS}_update AFTER UPDATE OF label, label_key ON token
WHEN NEW.label IS NOT OLD.label OR (NEW.label_key IS NOT NULL AND NEW.label_key IS NOT OLD.label_key)
BEGIN
  INSERT INTO {FTS} (token_id, label_key, label) VALUES (NEW.id, NEW.label_key, NEW.label);
END""",
    f"""CREATE TRIGGER {FTS}_delete AFTER DELETE ON token BEGIN
  DELETE FROM {FTS} WHERE token_id = OLD.id;
END""",
]


def _sqlite_can_index(bind: Connection) -> bool:
    """Whether this SQLite has FTS5 and its trigram tokenizer (3.34 and later)."""
    try:
        with bind.begin_nested():
            bind.exec_driver_sql(f"CREATE VIRTUAL TABLE temp.{FTS}_probe USING fts5(x, tokenize='trigram')")
            bind.exec_driver_sql(f"DROP TABLE temp.{FTS}_probe")
    except sa_exc.OperationalError:  # "no such module: fts5", "no such tokenizer: trigram"
        return False
    return True


def _pg_trgm_schema(bind: Connection) -> str | None:
    return bind.exec_driver_sql(
        "SELECT n.nspname FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace "
        "WHERE e.extname = 'pg_trgm'"
    ).scalar()


def _pg_create(bind: Connection) -> None:
    schema = _pg_trgm_schema(bind)
    if schema is None:
        try:
            with bind.begin_nested():  # a refusal must not undo the rest of the upgrade
                bind.exec_driver_sql("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        except sa_exc.DBAPIError:  # no privilege, or pg_trgm not installed on the server
            return
        schema = _pg_trgm_schema(bind)
        if schema is None:
            return
    opclass = f"{bind.dialect.identifier_preparer.quote(schema)}.gin_trgm_ops"
    for name, column in PG_INDEXES.items():
        bind.exec_driver_sql(f"CREATE INDEX {name} ON token USING gin ({column} {opclass})")


def upgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name == "postgresql":
        _pg_create(bind)
    elif _sqlite_can_index(bind):
        for statement in SQLITE_CREATE:
            bind.exec_driver_sql(statement)


def downgrade() -> None:
    # pg_trgm stays installed: other tables of the database may use it.
    bind = op.get_bind()
    if bind.dialect.name == "postgresql":
        for name in PG_INDEXES:
            bind.exec_driver_sql(f"DROP INDEX IF EXISTS {name}")
    else:
        for trigger in ("insert", "update", "delete"):
            bind.exec_driver_sql(f"DROP TRIGGER IF EXISTS {FTS}_{trigger}")
        bind.exec_driver_sql(f"DROP TABLE IF EXISTS {FTS}")

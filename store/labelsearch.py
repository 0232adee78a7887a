"""Finding tokens by a part of their label without reading every token.

"Label contains X" is a ``LIKE '%X%'``, which no ordinary index can serve: a needle found in few
labels would read every token. A trigram index can:

- SQLite: ``token_label_fts``, an FTS5 table with the trigram tokenizer holding each token's id,
  label key and label, kept in step by triggers on ``token`` (revision 0007). It is only ever a
  superset of the truth: a renamed token gains a row and keeps the old one, a label key given up
  stays. So it is used to *narrow* the tokens to look at, and the usual ``LIKE`` conditions
  still decide; results are exactly those of reading every token.
- PostgreSQL: GIN indexes with ``pg_trgm``'s ``gin_trgm_ops`` on ``label_key`` and ``label``,
  which the planner uses for the same ``LIKE`` by itself. Without the extension (it needs a
  privilege the database's owner may not have) the same query reads every token.

A needle of fewer than three characters has no trigram; such needles are common in labels anyway,
so reading the tokens newest first finds a page of them early.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import column, literal_column, select, table
from sqlalchemy.engine import Connection
from sqlalchemy.sql.elements import ColumnElement

#: The FTS5 table (SQLite); FTS5 keeps its data in tables named after it with a suffix.
FTS_TABLE = "token_label_fts"
#: The trigram indexes (PostgreSQL).
PG_INDEXES = {"ix_token_label_key_trgm": "label_key", "ix_token_label_trgm": "label"}

#: Up to this many candidates, the tokens are fetched by id from the index's candidates; beyond,
#: the needle is common enough that reading tokens newest first finds a page sooner.
CANDIDATES_MAX = 500

_FTS = table(FTS_TABLE, column("token_id"))
# Plain SQL, run often: each costs a few tens of microseconds this way.
_HAS_INDEX = f"SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = '{FTS_TABLE}'"
_COUNT = (
    f"SELECT count(*) FROM (SELECT rowid FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH ? LIMIT {CANDIDATES_MAX + 1})"
)


def modelled(name: str | None, type_: str, parent_names: Any) -> bool:
    """Whether a schema object is one the models describe (for Alembic's ``include_name``): the
    label index lives in the revisions only, because whether it exists depends on the database."""
    if name is None:
        return True
    if type_ == "table":
        return not name.startswith(FTS_TABLE)
    if type_ == "index":
        return name not in PG_INDEXES
    return True


def _phrase(text_: str) -> str:
    """``text_`` as one FTS5 string: whatever a person typed is matched as characters, never read
    as query syntax (``AND``, ``NEAR``, ``*``, ``:``, parentheses…)."""
    return '"' + text_.replace('"', '""') + '"'


def fts_query(needle: str, key: str) -> str | None:
    """The FTS5 query whose matches include every token whose label key contains ``key`` or whose
    label contains ``needle``; ``None`` when either is too short to have a trigram."""
    if len(needle) < 3 or len(key) < 3 or "\x00" in needle or "\x00" in key:
        return None
    if needle.isascii() and needle.lower() == key:
        # The usual needle: its key is itself in lower case, which the trigram tokenizer ignores,
        # so one phrase searched in both columns finds both (and costs half of two).
        return _phrase(key)
    return f"label_key : {_phrase(key)} OR label : {_phrase(needle)}"


def has_index(connection: Connection) -> bool:
    if connection.dialect.name != "sqlite":
        return False
    return connection.exec_driver_sql(_HAS_INDEX).first() is not None


def narrowing(connection: Connection, token_id: Any, needle: str, key: str) -> ColumnElement[bool] | None:
    """A condition on ``token_id`` (the token table's id column) keeping every token whose label
    matches, and few others, when the index can find them and they are few; ``None``: read the
    tokens instead."""
    query = fts_query(needle, key)
    if query is None or not has_index(connection):
        return None
    if connection.exec_driver_sql(_COUNT, (query,)).scalar_one() > CANDIDATES_MAX:
        return None
    return token_id.in_(select(_FTS.c.token_id).where(literal_column(FTS_TABLE).op("MATCH")(query)))

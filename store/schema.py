"""Where a database's schema stands, and bringing it up to date with the Alembic revisions.

Opening a store costs one cheap read when the schema is current; Alembic itself is imported only
when there is something to do. An embedded SQLite file is upgraded in place when opened; a
PostgreSQL server, shared by many, is upgraded only when an operator runs ``tokens db upgrade``.
"""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import inspect, text
from sqlalchemy.engine import Connection, Engine

from .errors import SchemaMismatch
from .types import FIRST_REVISION as FIRST
from .types import SCHEMA_HEAD as HEAD
from .types import SchemaState, SchemaStatus


MIGRATIONS = Path(__file__).parent / "migrations"
_VERSION_TABLE = "alembic_version"
#: Any key will do, as long as every upgrading process takes the same one.
_PG_LOCK_KEY = 7_263_514


def _known_revisions() -> set[str]:
    return {path.name.split("_", 1)[0] for path in (MIGRATIONS / "versions").glob("[0-9]*_*.py")}


def read_status(connection: Connection) -> SchemaStatus:
    inspector = inspect(connection)
    if inspector.has_table(_VERSION_TABLE):
        revision = connection.execute(text(f"SELECT version_num FROM {_VERSION_TABLE}")).scalar()
        if revision == HEAD:
            state = SchemaState.CURRENT
        elif revision is None:
            state = SchemaState.EMPTY
        elif revision in _known_revisions():
            state = SchemaState.OUTDATED
        else:
            state = SchemaState.NEWER
        return SchemaStatus(revision, HEAD, state)
    if inspector.has_table("token"):
        return SchemaStatus(None, HEAD, SchemaState.UNVERSIONED)
    return SchemaStatus(None, HEAD, SchemaState.EMPTY)


def status(engine: Engine) -> SchemaStatus:
    with engine.connect() as connection:
        return read_status(connection)


def upgrade_command(location: str) -> str:
    from shlex import quote

    return f"tokens db upgrade --db {quote(location)}"


def prepare(engine: Engine, *, location: str, upgrade: bool | None = None) -> SchemaStatus:
    """Make sure the schema is one this release can use, upgrading it if allowed.

    ``upgrade=None`` upgrades an embedded SQLite database and refuses an outdated server one with
    the command to run; ``True`` upgrades any; ``False`` only checks. A database without tables
    is always given the schema (that is how a new database starts). Returns the status found.
    """
    found = status(engine)
    if found.state is SchemaState.CURRENT:
        return found
    if found.state is SchemaState.NEWER:
        raise SchemaMismatch(f"{location}: {found.describe()}: upgrade tokens to use it")
    allowed = upgrade if upgrade is not None else engine.dialect.name == "sqlite"
    if found.state is not SchemaState.EMPTY and not allowed:
        raise SchemaMismatch(f"{location}: {found.describe()}: run  {upgrade_command(location)}")
    apply_upgrade(engine)
    return found


def apply_upgrade(engine: Engine) -> SchemaStatus:
    """Upgrade to the newest revision in one transaction (which a failure undoes whole).

    Two processes may try at once: the write lock (SQLite's BEGIN IMMEDIATE, a PostgreSQL advisory
    lock) is taken before the version is read, so the second finds the work done.
    """
    from alembic import command
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    with engine.connect() as connection:
        if connection.dialect.name == "postgresql":
            connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _PG_LOCK_KEY})
        else:
            # The engine's write option makes this BEGIN IMMEDIATE; see the engine's begin event.
            connection.execute(text("SELECT 1"))
        found = read_status(connection)
        if found.state is SchemaState.NEWER:
            raise SchemaMismatch(found.describe())
        config.attributes["connection"] = connection
        if found.state is SchemaState.UNVERSIONED:
            command.stamp(config, FIRST)
        command.upgrade(config, "head")
        connection.commit()
    return found

"""Where the embedded database lives by default."""

from __future__ import annotations

import os
import stat
from pathlib import Path

from .errors import DatabaseError

ENV_DB = "TOKENS_DB"


def default_db_path() -> Path:
    """``$XDG_DATA_HOME/tokens/tokens.db`` (``~/.local/share/tokens/tokens.db`` on Linux)."""
    from platformdirs import user_data_path

    return user_data_path("tokens", appauthor=False) / "tokens.db"


IN_MEMORY = (
    "an in-memory database keeps nothing once the program ends, so a token made in it is lost "
    "with its secret: give a file path or a server URL"
)


def resolve_target(target: str | os.PathLike[str] | None) -> str | Path:
    """The database the user asked for: ``--db``, else ``$TOKENS_DB``, else the default file.

    A plain path stays a :class:`Path`; a URL, or a SQLite URI filename (``file:t.db?mode=ro``),
    becomes a SQLAlchemy URL string. An in-memory database is refused with
    :class:`~store.errors.DatabaseError`: every command is a fresh process, so it would lose
    every token it made.
    """
    if target is None or str(target) == "":
        target = os.environ.get(ENV_DB) or None
    if target is None:
        return default_db_path()
    text = os.fspath(target)
    if text == ":memory:":
        raise DatabaseError(IN_MEMORY)
    if text.startswith("file:"):
        # SQLite's URI filename: let SQLite read its parameters (mode=ro, immutable…) instead of
        # creating a file that carries the whole URI as its name.
        text = f"sqlite:///{text}{'&' if '?' in text else '?'}uri=true"
    if "://" in text:
        if text.startswith("sqlite") and _sqlite_in_memory(text):
            raise DatabaseError(IN_MEMORY)
        return text
    return Path(text).expanduser()


def _sqlite_in_memory(url: str) -> bool:
    from urllib.parse import parse_qs, urlsplit

    rest = url.split("://", 1)[1]
    database = rest[1:] if rest.startswith("/") else rest
    path, _, query = database.partition("?")
    if path in ("", ":memory:") or path.startswith("file::memory:"):
        return True
    params = parse_qs(query) | parse_qs(urlsplit(path).query if "?" in path else "")
    return "memory" in params.get("mode", [])


def describe(target: str | Path) -> str:
    """A database's name fit to show: a path, or a URL without its password, and in either case
    without control characters (a path may hold an escape sequence meant for the terminal)."""
    from .validation import strip_controls

    if isinstance(target, Path):
        return strip_controls(str(target))
    from sqlalchemy.engine import make_url

    try:
        return strip_controls(make_url(target).render_as_string(hide_password=True))
    except Exception:
        return "the database URL"


def tighten(path: Path) -> None:
    """Make an existing database file (and SQLite's companions) private to its owner: a file of
    token hashes and account names is nobody else's to read."""
    for each in (path, Path(f"{path}-wal"), Path(f"{path}-shm")):
        try:
            info = each.stat()
            if stat.S_IMODE(info.st_mode) & 0o077 and info.st_uid == os.getuid():
                os.chmod(each, 0o600)
        except OSError:
            continue  # gone meanwhile, or a read-only file system: reading still works


def folder_warnings(folder: Path) -> list[str]:
    """What a person should know about the folder that holds a database file, one line each."""
    try:
        mode = stat.S_IMODE(folder.stat().st_mode)
    except OSError:
        return []
    if mode & 0o022:
        return [
            f"the folder {describe(folder)} can be changed by other users (mode {mode:04o}): they could "
            f"replace the database; keep it in a folder only you can write (chmod 700)"
        ]
    if mode & 0o044:
        return [
            f"the folder {describe(folder)} can be read by other users (mode {mode:04o}); "
            f"keep the database in a folder only you can open (chmod 700)"
        ]
    return []

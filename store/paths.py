"""Where the embedded database lives by default."""

from __future__ import annotations

import os
from pathlib import Path

ENV_DB = "TOKENS_DB"


def default_db_path() -> Path:
    """``$XDG_DATA_HOME/tokens/tokens.db`` (``~/.local/share/tokens/tokens.db`` on Linux)."""
    from platformdirs import user_data_path

    return user_data_path("tokens", appauthor=False) / "tokens.db"


def resolve_target(target: str | os.PathLike[str] | None) -> str | Path:
    """The database the user asked for: ``--db``, else ``$TOKENS_DB``, else the default file."""
    if target is None or str(target) == "":
        target = os.environ.get(ENV_DB) or None
    if target is None:
        return default_db_path()
    text = os.fspath(target)
    if "://" in text:
        return text
    return Path(text).expanduser()


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

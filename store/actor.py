"""Who is acting: resolved once, at the edge of each front end, and handed to the store."""

from __future__ import annotations

import getpass
import os


def login_name() -> str:
    """The name the operating system knows the person at this terminal by."""
    try:
        return getpass.getuser()
    except Exception:
        return os.environ.get("USER") or "me"

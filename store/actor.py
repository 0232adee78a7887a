"""Who is acting: resolved once, at the edge of each front end, and handed to the store."""

from __future__ import annotations

import os

#: Where ``getpass.getuser()`` looks first, in its order.
_LOGIN_VARIABLES = ("LOGNAME", "USER", "LNAME", "USERNAME")


def login_name() -> str:
    """The name the operating system knows the person at this terminal by."""
    # getpass.getuser()'s answer. Read here when the environment has it, as it nearly always
    # does: getpass loads the terminal module, a cost every command would pay for nothing.
    for variable in _LOGIN_VARIABLES:
        name = os.environ.get(variable)
        if name:
            return name
    import getpass

    try:
        return getpass.getuser()
    except Exception:
        return os.environ.get("USER") or "me"

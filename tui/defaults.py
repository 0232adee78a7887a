"""The defaults the app and the command line share, so both treat a token the same way.

A token expires after 90 days unless asked otherwise (a forgotten token then stops on its own), and
lists show revoked tokens, marked as such, until asked to hide them (`v` in the app,
``--hide-revoked`` on the command line): when a program is refused, its revoked token in the list
says why, and who revoked it.
"""

from __future__ import annotations

#: ``tokens create --expires`` and the add dialog start here.
EXPIRY = "90d"
#: Whether lists show revoked tokens before the person asks.
SHOW_REVOKED = True

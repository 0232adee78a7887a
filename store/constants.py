"""Plain values that short commands need before anything else: importing this module costs
nothing, where :mod:`store.types` creates its dataclasses (most of the start-up of a command that
only lists). :mod:`store.types` re-exports each of them; the rest of the store uses them from there.
"""

from __future__ import annotations

from datetime import timedelta

#: A token whose expiry is this close is shown as "expires soon".
EXPIRES_SOON = timedelta(days=7)

#: The newest schema revision this release knows (``store/migrations/versions``; a test keeps the two in step).
SCHEMA_HEAD = "0007"

#: The values of :class:`store.types.Scope`, for reading them without the types (a test keeps the two in step).
SCOPE_VALUES = ("read", "read_write")

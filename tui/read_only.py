"""Read-only sessions (``tokens --read-only``, or an SSH key allowed only to look).

Every action that changes something is listed here; the app hides and refuses them all: their
keys do nothing, the footer, the palette and the help do not offer them, their buttons are gone.
A new changing action must be added to this set.
"""

from __future__ import annotations

from typing import Any

CHANGING_ACTIONS = frozenset({
    # My tokens
    "add_token", "revoke_token", "rotate_token", "edit_token",
    # All tokens, Check a token (administrators)
    "revoke_any", "bulk_revoke",
    # Accounts (administrators)
    "add_account", "toggle_disabled", "toggle_admin", "edit_grants",
})
REFUSAL = "This session is read-only: nothing can be changed here."
EMPTY_HINT = "No tokens yet. This session is read-only: tokens are added elsewhere."


def refuses(node: Any, action: str) -> bool:
    """Whether ``node``'s app is read-only and ``action`` would change something."""
    return bool(getattr(node.app, "read_only", False)) and action.removeprefix("app.") in CHANGING_ACTIONS

"""Read-only sessions (``tokens --read-only``, or an SSH key allowed only to look).

Every action that changes something is listed here; the app hides and refuses them all: their
keys do nothing, the footer, the palette and the help do not offer them, their buttons are gone.
A new changing action must be added to this set.
"""

from __future__ import annotations

CHANGING_ACTIONS = frozenset({"add_token", "revoke_token"})
REFUSAL = "This session is read-only: nothing can be changed here."
EMPTY_HINT = "No tokens yet. This session is read-only: tokens are added elsewhere."

"""The Profile page: who you are here, where the tokens are kept, and your permissions."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from textual.content import Content
from textual.widgets import Static

from store import FormAccess, TokenInfo

from .. import format as fmt


def permission_lines(access: Sequence[FormAccess], *, none: str) -> list[Content]:
    """An account's permissions, a line a form under a line a database (``none`` when it has none)."""
    if not access:
        return [Content(none).stylize("$text-muted")]
    lines = []
    database = None
    for item in access:
        if item.database != database:
            database = item.database
            lines.append(Content(fmt.safe(database)).stylize("underline"))
        lines.append(Content.assemble("  ", fmt.safe(item.form), ("  " + fmt.actions(item.granted), "$text-muted")))
    return lines


def describe_profile(
    account: str, location: str, tokens: Sequence[TokenInfo], access: Sequence[FormAccess], now: datetime
) -> Content:
    active = sum(1 for t in tokens if t.is_active(now))
    lines = [
        Content("Profile").stylize("bold"),
        Content.assemble(("Account   ", "dim"), fmt.safe(account)),
        Content.assemble(("Database  ", "dim"), fmt.safe(location)),
        Content.assemble(("Tokens    ", "dim"), f"{active} active, {len(tokens) - active} revoked or expired"),
        Content(""),
        Content("Your permissions").stylize("bold"),
    ]
    lines += permission_lines(access, none="You have no permission on any form yet.")
    lines.append(Content(""))
    lines.append(
        Content("Tokens act with these permissions at most: a Read-only token only views.").stylize("$text-muted")
    )
    return Content("\n").join(lines)


class ProfilePage(Static):
    def show(self, account: str, location: str, tokens: Sequence[TokenInfo], access: Sequence[FormAccess]) -> None:
        self.update(describe_profile(account, location, tokens, access, self.app.now()))  # type: ignore[attr-defined]

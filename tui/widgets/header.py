"""The header: the app's title, and the account and database it works on.

The database's path is shortened in the middle to the room there is, so the file name stays in
view on a narrow terminal (``~/…/tokens/tokens.db``) instead of being cut off at the end.
"""

from __future__ import annotations

from textual import events
from textual.content import Content
from textual.widgets import Header, Static

from .. import format as fmt

#: Between the account and the database in the sub-title; the part after the last one is shortened.
SEPARATOR = " · "
#: The header's icon and clock space, either side of the title.
_SIDES = 8 + 10


class TitleHeader(Header):
    """A Header whose sub-title ``account · location`` shortens ``location`` to fit."""

    def format_title(self) -> Content:
        title, sub_title = self.screen_title, self.screen_sub_title
        account, separator, location = sub_title.rpartition(SEPARATOR)
        if separator and self.size.width:
            room = self.size.width - _SIDES - len(title) - len(" — ") - len(account) - len(SEPARATOR)
            sub_title = account + SEPARATOR + fmt.short_location(location, max(room, 1))
        return self.app.format_title(title, sub_title)

    def on_resize(self, event: events.Resize) -> None:
        self.query_one("HeaderTitle", Static).update(self.format_title())

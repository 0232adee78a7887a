"""The token list: a virtual table that paints only the rows on screen.

A DataTable measures every cell of every row before its first paint; with an administrator's
10,000 tokens that takes seconds. This widget lays its columns out from its own width instead,
so setting 10,000 rows costs the same as setting ten, and a cursor move repaints two lines.

Bindings:
    up / k:      previous token
    down / j:    next token
    g / home:    first token
    G / end:     last token
    pageup/down: a page up or down
    enter:       show the highlighted token's details
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from rich.segment import Segment
from rich.style import Style
from textual import events
from textual.binding import Binding
from textual.geometry import Region, Size
from textual.message import Message
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip

import store

from .. import format as fmt

if TYPE_CHECKING:  # the store's types are loaded after the first frame, by the store itself
    from store import TokenInfo, TokenStatus


@dataclass(frozen=True)
class Column:
    key: str
    title: str
    width: int  # 0: takes the room that is left


#: Columns in the order they are dropped last-to-first when the table is narrow.
COLUMNS: tuple[Column, ...] = (
    Column("label", "Label", 0),
    Column("status", "Status", 12),
    Column("scope", "Scope", 12),
    Column("expires", "Expires", 10),
    Column("last_used", "Last used", 11),
    Column("created", "Created", 10),
)
#: Every account's tokens (administrators) show whose each token is, right after its status.
ACCOUNT = Column("account", "Account", 14)
LABEL_MIN = 14
GAP = 2


LABEL_WANT = 30


def layout_columns(width: int, longest_label: int = LABEL_WANT, *, account: bool = False) -> list[tuple[Column, int]]:
    """The columns that fit ``width``, each with its width; the label takes what is left.

    Status always comes first after the label; the other columns are added only while the label
    keeps room for the longest label (up to 30 cells), because a cut label is worse than a
    missing date that the detail panel shows anyway.
    """
    want = max(LABEL_MIN, min(longest_label, LABEL_WANT))
    chosen = [COLUMNS[0]]
    used = LABEL_MIN
    candidates = list(COLUMNS[1:])
    if account:
        candidates.insert(1, ACCOUNT)
    for column in candidates:
        label_room = want if column is not COLUMNS[1] else LABEL_MIN
        if used - LABEL_MIN + label_room + GAP + column.width <= width:
            chosen.append(column)
            used += GAP + column.width
    label_width = max(LABEL_MIN, width - (used - LABEL_MIN))
    status_width = COLUMNS[1].width
    if COLUMNS[1] in chosen and label_width - (STATUS_WIDE - status_width) >= want:
        # Room to spare: the status says "expires in 3 days" rather than "3 days left".
        label_width -= STATUS_WIDE - status_width
        status_width = STATUS_WIDE
    order = list(chosen)
    # Read left to right as: account, label, scope, created, expires, last used, status.
    reading = ["account", "label", "scope", "created", "expires", "last_used", "status"]
    order.sort(key=lambda c: reading.index(c.key))
    return [(c, label_width if c.width == 0 else status_width if c.key == "status" else c.width) for c in order]


#: The status column grows to this when the label keeps its room, to say "expires in 3 days".
STATUS_WIDE = 17


def cell_text(token: TokenInfo, key: str, now: datetime, width: int = STATUS_WIDE) -> str:
    if key == "label":
        return fmt.safe(token.label)
    if key == "account":
        return fmt.safe(token.account)
    if key == "scope":
        return token.scope.title
    if key == "created":
        return fmt.day(token.created_at)
    if key == "expires":
        return fmt.expires(token)
    if key == "last_used":
        return fmt.relative(token.last_used_at, now)
    return fmt.status(token, now, short=True, width=width)


def fit(text: str, width: int) -> str:
    """Cut or pad to exactly ``width`` cells (labels are plain text: one cell per character
    except wide characters, which Rich measures)."""
    from rich.cells import cell_len, set_cell_size

    if cell_len(text) > width:
        return set_cell_size(text, width - 1) + "…" if width > 1 else set_cell_size(text, width)
    return set_cell_size(text, width)


class TokenTable(ScrollView, can_focus=True):
    """The account's tokens, newest first, with a cursor."""

    BINDING_GROUP_TITLE = "In the token list"

    BINDINGS = [
        # j/k/g/G have the ids every list (and help) shares, so that one [keymap] line moves them
        # all; the arrows and their kin have their own.
        Binding("k", "cursor_up", "Previous token", id="cursor-up", show=False),
        Binding("j", "cursor_down", "Next token", id="cursor-down", show=False),
        Binding("g", "first", "First token", id="cursor-first", show=False),
        Binding("G", "last", "Last token", id="cursor-last", show=False),
        Binding("up", "cursor_up", "Previous token", id="token-list.up", show=False),
        Binding("down", "cursor_down", "Next token", id="token-list.down", show=False),
        Binding("home", "first", "First token", id="token-list.first", show=False),
        Binding("end", "last", "Last token", id="token-list.last", show=False),
        Binding("pageup", "page_up", "Page up", id="token-list.page-up", show=False),
        Binding("pagedown", "page_down", "Page down", id="token-list.page-down", show=False),
        Binding("enter,right", "select", "Show the token's details", id="token-list.details", show=False),
    ]

    COMPONENT_CLASSES = {
        "token-table--header",
        "token-table--cursor",
        "token-table--revoked",
        "token-table--expired",
        "token-table--soon",
        "token-table--active",
    }

    DEFAULT_CSS = """
    TokenTable {
        height: 1fr;
        overflow-x: hidden;
        scrollbar-size-vertical: 1;
    }
    TokenTable > .token-table--header { text-style: bold; color: $text-muted; }
    TokenTable > .token-table--cursor { background: $surface-lighten-2; }
    TokenTable:focus > .token-table--cursor { background: $primary 60%; color: $text; }
    TokenTable > .token-table--revoked { color: $text-disabled; }
    TokenTable > .token-table--expired { color: $text-muted; }
    TokenTable > .token-table--soon { color: $warning; }
    TokenTable > .token-table--active { color: $success; }
    """

    cursor: reactive[int] = reactive(0, repaint=False, always_update=True)

    class Highlighted(Message):
        """The cursor moved to another token (or the list became empty: ``token`` is None)."""

        def __init__(self, table: TokenTable, token: TokenInfo | None) -> None:
            super().__init__()
            self.table = table
            self.token = token

    class Selected(Message):
        """Enter was pressed on a token."""

        def __init__(self, table: TokenTable, token: TokenInfo) -> None:
            super().__init__()
            self.table = table
            self.token = token

    def __init__(
        self, *, show_account: bool = False, name: str | None = None, id: str | None = None, classes: str | None = None
    ) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self.show_account = show_account
        self._rows: Sequence[TokenInfo] = ()
        self._longest = LABEL_MIN
        #: The time statuses are judged at: the app's clock when the rows were set.
        self._now = datetime.now(UTC)
        self._last_highlighted: str | None = None

    # -- data

    @property
    def rows(self) -> Sequence[TokenInfo]:
        return self._rows

    @property
    def highlighted(self) -> TokenInfo | None:
        if 0 <= self.cursor < len(self._rows):
            return self._rows[self.cursor]
        return None

    def set_rows(self, rows: Sequence[TokenInfo], *, keep_id: str | None = None) -> None:
        """Show these tokens; keep the cursor on ``keep_id`` (or the same token) if it is there."""
        keep = keep_id or (self.highlighted.id if self.highlighted else None)
        self._rows = rows
        self._longest = max((len(row.label) for row in rows), default=LABEL_MIN)
        self._now = self.app.now() if hasattr(self.app, "now") else store.utcnow()
        self.virtual_size = Size(self.size.width, len(rows) + 1)
        index = 0
        if keep is not None:
            index = next((i for i, row in enumerate(rows) if row.id == keep), min(self.cursor, max(len(rows) - 1, 0)))
        self._last_highlighted = None
        self.cursor = index
        self.refresh()

    # -- cursor

    def validate_cursor(self, value: int) -> int:
        return max(0, min(value, len(self._rows) - 1)) if self._rows else 0

    def watch_cursor(self, old: int, new: int) -> None:
        self._refresh_row(old)
        self._refresh_row(new)
        self._scroll_to_cursor()
        token = self.highlighted
        token_id = token.id if token else None
        if token_id != self._last_highlighted or token is None:
            self._last_highlighted = token_id
            self.post_message(self.Highlighted(self, token))

    def _refresh_row(self, index: int) -> None:
        y = index - round(self.scroll_y) + 1
        if 1 <= y < self.size.height:
            self.refresh(Region(0, y, self.size.width, 1))

    def _page(self) -> int:
        return max(1, self.size.height - 2)

    def _scroll_to_cursor(self) -> None:
        top = round(self.scroll_y)
        visible = max(1, self.size.height - 1)
        if self.cursor < top:
            self.scroll_to(y=self.cursor, animate=False)
        elif self.cursor >= top + visible:
            self.scroll_to(y=self.cursor - visible + 1, animate=False)

    def action_cursor_up(self) -> None:
        self.cursor -= 1

    def action_cursor_down(self) -> None:
        self.cursor += 1

    def action_first(self) -> None:
        self.cursor = 0

    def action_last(self) -> None:
        self.cursor = len(self._rows) - 1

    def action_page_up(self) -> None:
        self.cursor -= self._page()

    def action_page_down(self) -> None:
        self.cursor += self._page()

    def action_select(self) -> None:
        if self.highlighted is not None:
            self.post_message(self.Selected(self, self.highlighted))

    def on_click(self, event: events.Click) -> None:
        if event.y == 0:
            return
        index = round(self.scroll_y) + event.y - 1
        if 0 <= index < len(self._rows):
            self.cursor = index
            if event.chain >= 2:
                self.action_select()

    def on_resize(self, event: events.Resize) -> None:
        self.virtual_size = Size(event.size.width, len(self._rows) + 1)
        self._scroll_to_cursor()

    # -- painting

    def render_line(self, y: int) -> Strip:
        width = self.size.width
        # One cell of margin on each side.
        columns = layout_columns(max(width - 2, LABEL_MIN), self._longest, account=self.show_account)
        base = self.rich_style
        if y == 0:
            style = base + self.get_component_rich_style("token-table--header")
            text = (" " * GAP).join(fit(c.title, w) for c, w in columns)
            return Strip([Segment(" " + text, style)]).adjust_cell_length(width, base)
        index = round(self.scroll_y) + y - 1
        if index >= len(self._rows):
            return Strip.blank(width, base)
        token = self._rows[index]
        status = token.status(self._now)
        row_style = base
        if status is store.TokenStatus.REVOKED:
            row_style += self.get_component_rich_style("token-table--revoked")
        elif status is store.TokenStatus.EXPIRED:
            row_style += self.get_component_rich_style("token-table--expired")
        if index == self.cursor:
            row_style += self.get_component_rich_style("token-table--cursor")
        segments = [Segment(" ", row_style)]
        for i, (column, column_width) in enumerate(columns):
            style = row_style
            if column.key == "status" and index != self.cursor:
                style = row_style + self._status_style(status)
            if i:
                segments.append(Segment(" " * GAP, row_style))
            segments.append(Segment(fit(cell_text(token, column.key, self._now, column_width), column_width), style))
        return Strip(segments).adjust_cell_length(width, row_style)

    def _status_style(self, status: TokenStatus) -> Style:
        name = {
            store.TokenStatus.ACTIVE: "token-table--active",
            store.TokenStatus.EXPIRES_SOON: "token-table--soon",
            store.TokenStatus.EXPIRED: "token-table--expired",
            store.TokenStatus.REVOKED: "token-table--revoked",
        }[status]
        return self.get_component_rich_style(name)

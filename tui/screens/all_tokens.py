"""All tokens (administrators): every account's tokens, filtered and paged by the database.

Only what is shown is fetched: a page of newest tokens that match the filters, and the next page
when the cursor comes near the end. Counting the matches runs after the first page is on screen.

Bindings:
    /: filter (account, label, status, unused for N days, expires within N days) · escape: clear
    r: revoke the highlighted token (asks first) · b: bulk revoke what the filter shows (lists it first)
    c: check a token found somewhere (the list's own keys: j/k, g/G)
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.message import Message
from textual.widgets import Input, Label, Select, Static
from textual.worker import get_current_worker

from store import TokenInfo, TokenStatus

from .. import format as fmt
from ..widgets.facts import Facts
from ..widgets.plain_input import PlainInput
from ..widgets.token_table import TokenTable
from ..read_only import refuses
from .section import FilteredSection

#: Tokens fetched at a time.
PAGE = 200
#: The cursor this close to the end of what is fetched asks for the next page.
AHEAD = 40
#: At most this many tokens in one bulk revoke (the preview lists every one).
BULK_MAX = 10_000

STATUSES = (
    ("any status", ""),
    ("active", TokenStatus.ACTIVE.value),
    ("expires soon", TokenStatus.EXPIRES_SOON.value),
    ("expired", TokenStatus.EXPIRED.value),
    ("revoked", TokenStatus.REVOKED.value),
)


@dataclass(frozen=True)
class TokenFilter:
    """What the administrator narrowed the list to (the store's ``list_all_tokens`` filters)."""

    account: str | None = None
    label_contains: str | None = None
    status: str | None = None
    unused_days: int | None = None
    expires_within_days: int | None = None

    def __bool__(self) -> bool:
        return any(value is not None for value in vars(self).values())

    def as_kwargs(self) -> dict[str, object]:
        return dict(vars(self))

    def describe(self) -> str:
        parts = []
        if self.account:
            parts.append(f"account {self.account}")
        if self.label_contains:
            parts.append(f"label contains “{self.label_contains}”")
        if self.status:
            parts.append(self.status)
        if self.unused_days is not None:
            parts.append(f"unused for {self.unused_days} days")
        if self.expires_within_days is not None:
            parts.append(f"expires within {self.expires_within_days} days")
        return fmt.safe(", ".join(parts))


def describe_any_token(token: TokenInfo, now: datetime) -> Content:
    """The highlighted token's facts under the list, a few to a line; each line wraps between
    words, and the block scrolls when the terminal is short."""
    lines = [
        Content.assemble((fmt.safe(token.account), "bold"), " · ", fmt.safe(token.label)),
        Content(f"{token.id} · {token.scope.title} · {fmt.status(token, now)}"),
        Content(f"created {fmt.day(token.created_at)} · expires {fmt.expires(token)}"),
        Content(f"last used {fmt.relative(token.last_used_at, now)}"),
    ]
    if token.revoked_at is not None:
        lines.append(Content(f"revoked {fmt.revoked(token)}"))
    return Content.assemble(lines[0], "\n", Content("\n").join(lines[1:]).stylize("$text-muted"))


class AllTokensScreen(FilteredSection):
    """Every account's tokens, newest first, with an Account column."""

    SECTION = "all"
    ADMIN_ONLY = True
    CSS_PATH = "admin.tcss"  # the administrators' sections share it; read when the first of them is shown
    LOAD_GROUP = "all-page"
    DOING: ClassVar[dict[str, str]] = {
        "read_page": "Cannot read the tokens",
        "read_more": "Cannot read more tokens",
        "prepare_bulk": "Cannot list the tokens to revoke",
        "revoke_bulk": "No token was revoked",
        "revoke_one": "The token was not revoked",
    }

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("slash", "filter_all", "Filter", id="all-tokens.filter",
                tooltip="Filter by account, label, status, days unused or days to expiry"),
        Binding("r", "revoke_any", "Revoke", id="all-tokens.revoke",
                tooltip="Revoke the highlighted token, whoever's it is (asks first)"),
        Binding("b", "bulk_revoke", "Bulk revoke", id="all-tokens.bulk-revoke",
                tooltip="Revoke every token the filters show: the list first, then one confirmation"),
        Binding("c", "app.check_token", "Check a token", id="all-tokens.check-token"),
        Binding("escape", "clear_filters", "Clear filters", id="all-tokens.clear-filter", show=False,
                tooltip="Show every token again"),
    ]

    class PageRead(Message):
        """A page of tokens: the first (``after`` None), or the one after the cursor ``after``."""

        def __init__(self, tokens: list[TokenInfo], next_cursor: str | None, filters: TokenFilter,
                     after: str | None = None) -> None:
            super().__init__()
            self.tokens = tokens
            self.next_cursor = next_cursor
            self.filters = filters
            self.after = after

    class Counted(Message):
        def __init__(self, count: int, filters: TokenFilter) -> None:
            super().__init__()
            self.count = count
            self.filters = filters

    class BulkReady(Message):
        def __init__(self, tokens: list[TokenInfo], filters: TokenFilter, complete: bool) -> None:
            super().__init__()
            self.tokens = tokens
            self.filters = filters
            self.complete = complete

    class Revoked(Message):
        def __init__(self, tokens: list[TokenInfo]) -> None:
            super().__init__()
            self.tokens = tokens

    def __init__(self) -> None:
        super().__init__()
        self.rows: list[TokenInfo] = []
        self.next_cursor: str | None = None
        #: The cursor the next page was last asked for after (asked once, not at every key).
        self._more_asked: str | None = None
        self.count: int | None = None
        self.filters = TokenFilter()
        self.loaded = False
        self.problem: str | None = None

    def compose_page(self) -> ComposeResult:
        with Vertical(id="all-tokens-page", classes="admin-page"):
            with Horizontal(classes="admin-header"):
                yield Static(Content("All tokens").stylize("bold"), classes="admin-title")
                yield Static("", id="all-count", classes="admin-count")
            with Horizontal(classes="filter-row"):
                yield Label("Account", classes="filter-label")
                yield PlainInput(placeholder="any", id="filter-account", compact=True)
                yield Label("Label", classes="filter-label")
                yield PlainInput(placeholder="contains…", id="filter-label", compact=True)
            with Horizontal(classes="filter-row"):
                yield Select(STATUSES, value="", allow_blank=False, id="filter-status", compact=True)
                yield Label("Unused ≥", classes="filter-label")
                yield Input(placeholder="days", id="filter-unused", type="integer", compact=True, max_length=5)
                yield Label("Expires ≤", classes="filter-label")
                yield Input(placeholder="days", id="filter-expires", type="integer", compact=True, max_length=5)
            yield Static("", id="all-message", classes="admin-message")
            yield TokenTable(show_account=True, id="all-table")
            yield Facts(id="all-detail", classes="admin-detail")

    def focus_page(self) -> None:
        self.query_one("#all-table", TokenTable).focus()

    # ------------------------------------------------------------------ reading

    def load(self) -> None:
        # Keep what the administrator has paged through, within reason.
        self.read_page(self.filters, max(PAGE, min(len(self.rows), BULK_MAX)))

    @work(thread=True, exclusive=True, group="all-page", exit_on_error=False)
    def read_page(self, filters: TokenFilter, limit: int = PAGE) -> None:
        app = self.tokens_app
        assert app.store is not None and app.actor is not None
        page = app.store.list_all_tokens(app.actor, limit=limit, **filters.as_kwargs())  # type: ignore[arg-type]
        if get_current_worker().is_cancelled:
            return
        self.post_message(self.PageRead(page.tokens, page.next, filters))
        count = app.store.count_tokens(app.actor, **filters.as_kwargs())  # type: ignore[arg-type]
        if not get_current_worker().is_cancelled:
            self.post_message(self.Counted(count, filters))

    @work(thread=True, exclusive=True, group="all-more", exit_on_error=False)
    def read_more(self, filters: TokenFilter, after: str) -> None:
        app = self.tokens_app
        assert app.store is not None and app.actor is not None
        page = app.store.list_all_tokens(app.actor, after=after, limit=PAGE, **filters.as_kwargs())  # type: ignore[arg-type]
        if not get_current_worker().is_cancelled:
            self.post_message(self.PageRead(page.tokens, page.next, filters, after=after))

    def on_all_tokens_screen_page_read(self, message: PageRead) -> None:
        if message.filters != self.filters:
            return  # an answer to filters the administrator has changed since
        if message.after is not None and message.after != self.next_cursor:
            return  # a next page for rows read again meanwhile: it does not follow on from them
        self.loaded = True
        self.problem = None
        if message.after is None:
            self.rows = list(message.tokens)
            self._more_asked = None  # the rows were read again: the next page may be asked anew
        else:
            self.rows = self.rows + message.tokens
        self.next_cursor = message.next_cursor
        self._show()

    def on_all_tokens_screen_counted(self, message: Counted) -> None:
        if message.filters == self.filters:
            self.count = message.count
            self._show_count()

    def store_failed(self, doing: str, reason: str) -> None:
        if doing == self.DOING["read_page"]:
            self.problem = f"{doing}: {reason}"
            self._show()
        elif doing == self.DOING["read_more"]:
            self._more_asked = None  # moving the cursor asks again

    # ------------------------------------------------------------------ showing

    def _show(self) -> None:
        table = self.query_one("#all-table", TokenTable)
        message = self.query_one("#all-message", Static)
        if self.problem is not None:
            text = Content(self.problem).stylize("$error")
        elif not self.loaded:
            text = Content("Reading the tokens…")
        elif not self.rows:
            text = Content("No token matches these filters." if self.filters else "There are no tokens yet.")
        else:
            text = None
        message.update(text or "")
        message.display = text is not None
        table.display = bool(self.rows)
        table.set_rows(self.rows)
        self._show_count()
        self._show_detail(table.highlighted)
        self.refresh_bindings()

    def _show_count(self) -> None:
        shown = len(self.rows)
        if self.count is None:
            text = f"{shown:,}{'+' if self.next_cursor else ''} shown"
        else:
            text = f"{self.count:,} match" if shown >= self.count else f"{shown:,} of {self.count:,} shown"
        self.query_one("#all-count", Static).update(Content(text))

    def _show_detail(self, token: TokenInfo | None) -> None:
        detail = self.query_one("#all-detail", Facts)
        detail.update(describe_any_token(token, self.tokens_app.now()) if token is not None else Content(""))

    @on(TokenTable.Highlighted)
    def _highlighted(self, event: TokenTable.Highlighted) -> None:
        self._show_detail(event.token)
        table = self.query_one("#all-table", TokenTable)
        if (self.next_cursor is not None and self.next_cursor != self._more_asked
                and table.cursor >= len(self.rows) - AHEAD):
            self._more_asked = self.next_cursor
            self.read_more(self.filters, self.next_cursor)

    # ------------------------------------------------------------------ filters

    def _read_filters(self) -> TokenFilter | str:
        account = self.query_one("#filter-account", Input).value.strip() or None
        label = self.query_one("#filter-label", Input).value.strip() or None
        status = self.query_one("#filter-status", Select).value
        numbers: list[int | None] = []
        for input_id, name in (("#filter-unused", "unused"), ("#filter-expires", "expires within")):
            raw = self.query_one(input_id, Input).value.strip()
            if not raw:
                numbers.append(None)
                continue
            try:
                days = int(raw)
            except ValueError:
                return f"“{name}” takes a whole number of days"
            if days < 0:
                return f"“{name}” takes 0 days or more"
            numbers.append(days)
        return TokenFilter(account, label, str(status) if status else None, numbers[0], numbers[1])

    @on(Select.Changed, "#filter-status")
    def _status_changed(self) -> None:
        self.filters_changed()

    def apply_filters(self) -> None:
        self._settle_filters()
        filters = self._read_filters()
        if isinstance(filters, str):
            self.problem = filters
            self._show()
            return
        if filters == self.filters and self.loaded:
            return
        self.filters = filters
        self.count = None
        self.rows = []
        self.next_cursor = None
        self.problem = None
        if self.tokens_app.store is not None:
            self.read_page(filters)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if not self.tokens_app.is_admin or refuses(self, action):
            return False
        if action == "revoke_any":
            token = self.query_one("#all-table", TokenTable).highlighted
            return None if token is None or token.revoked_at is not None else True
        if action == "bulk_revoke":
            return True if self.filters and self.rows else None
        if action == "clear_filters":
            return bool(self.filters) or isinstance(self.focused, Input)
        return True

    def action_filter_all(self) -> None:
        self.query_one("#filter-account", Input).focus()

    def action_clear_filters(self) -> None:
        for input_id in ("#filter-account", "#filter-label", "#filter-unused", "#filter-expires"):
            self.query_one(input_id, Input).value = ""
        self.query_one("#filter-status", Select).value = ""
        self.apply_filters()
        self.focus_page()

    # ------------------------------------------------------------------ revoking

    def action_revoke_any(self) -> None:
        if not self.tokens_app.is_admin:
            return
        token = self.query_one("#all-table", TokenTable).highlighted
        if token is None or token.revoked_at is not None:
            return
        from .confirm_revoke import ConfirmRevokeScreen

        def answered(confirmed: bool | None) -> None:
            if confirmed:
                self.revoke_one(token)

        self.app.push_screen(ConfirmRevokeScreen(token), answered)

    @work(thread=True, group="write", exit_on_error=False)
    def revoke_one(self, token: TokenInfo) -> None:
        app = self.tokens_app
        assert app.store is not None and app.actor is not None
        self.post_message(self.Revoked([app.store.revoke(app.actor, token.id)]))

    def action_bulk_revoke(self) -> None:
        if not self.tokens_app.is_admin:
            return
        if not self.filters:
            self.notify("Filter the list first: bulk revoke acts on what the filters show.",
                        severity="warning", markup=False)
            return
        self.prepare_bulk(self.filters)

    @work(thread=True, exclusive=True, group="bulk", exit_on_error=False)
    def prepare_bulk(self, filters: TokenFilter) -> None:
        """Every unrevoked token the filters match, page by page: the exact list to confirm."""
        app = self.tokens_app
        assert app.store is not None and app.actor is not None
        found: list[TokenInfo] = []
        after: str | None = None
        while True:
            page = app.store.list_all_tokens(app.actor, after=after, limit=1000, **filters.as_kwargs())  # type: ignore[arg-type]
            found.extend(t for t in page.tokens if t.revoked_at is None)
            after = page.next
            if after is None or len(found) >= BULK_MAX:
                break
        self.post_message(self.BulkReady(found[:BULK_MAX], filters, complete=after is None and len(found) <= BULK_MAX))

    def on_all_tokens_screen_bulk_ready(self, message: BulkReady) -> None:
        if not message.tokens:
            self.notify("Nothing to revoke: every token these filters show is revoked already.", markup=False)
            return
        from .bulk_revoke import BulkRevokeScreen

        tokens = message.tokens

        def answered(confirmed: bool | None) -> None:
            if confirmed:
                self.revoke_bulk([t.id for t in tokens])

        self.app.push_screen(BulkRevokeScreen(tokens, message.filters.describe(), complete=message.complete), answered)

    @work(thread=True, group="write", exit_on_error=False)
    def revoke_bulk(self, token_ids: list[str]) -> None:
        app = self.tokens_app
        assert app.store is not None and app.actor is not None
        self.post_message(self.Revoked(app.store.revoke_tokens(app.actor, token_ids)))

    def on_all_tokens_screen_revoked(self, message: Revoked) -> None:
        done = message.tokens
        if len(done) == 1:
            token = done[0]
            text = f"Revoked “{fmt.safe(token.label)}” of {fmt.safe(token.account)}. Applications using it are refused from now on."
        else:
            text = f"Revoked {len(done)} tokens. Applications using them are refused from now on."
        self.notify(text, title="Revoked", markup=False)
        self.tokens_app.data_written(self)

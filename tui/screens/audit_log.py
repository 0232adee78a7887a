"""Audit log (administrators): who did what, newest first; new events appear as they happen.

Bindings:
    /: filter by account, token id or action · escape: clear the filters
"""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.message import Message
from textual.widgets import DataTable, Input, Label, Static

from textual.worker import get_current_worker

from store import AuditEvent

from .. import format as fmt
from ..widgets.facts import Facts
from ..widgets.key_table import FitColumn, KeyTable
from ..widgets.plain_input import PlainInput
from .section import FilteredSection

#: The newest events shown (the command line's ``tokens audit`` reaches further back).
SHOWN = 500


#: The table's columns. At 60 columns the time loses its year, and the account and token id are
#: left out: the line under the table shows every field of the highlighted event.
COLUMNS = (
    FitColumn("time", "Time", rank=0),
    FitColumn("actor", "Actor", rank=1, flexible=True, min_width=8),
    FitColumn("action", "Action", rank=2),
    FitColumn("account", "Account", rank=4, flexible=True, min_width=8),
    FitColumn("label", "Label", rank=3, flexible=True, min_width=8),
    FitColumn("token", "Token", rank=5),
)


class AuditLogScreen(FilteredSection):
    SECTION = "audit"
    ADMIN_ONLY = True
    CSS_PATH = "admin.tcss"  # the administrators' sections share it; read when the first of them is shown
    LOAD_GROUP = "audit"
    DOING: ClassVar[dict[str, str]] = {"read_events": "Cannot read the audit log"}

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("slash", "filter_events", "Filter", id="audit.filter",
                tooltip="Filter the events by account, token id or action"),
        Binding("escape", "clear_filters", "Clear filters", id="audit.clear-filter", show=False,
                tooltip="Show every event again"),
    ]

    class EventsRead(Message):
        def __init__(self, events: list[AuditEvent], filters: tuple[str | None, str | None]) -> None:
            super().__init__()
            self.events = events
            self.filters = filters

    def __init__(self) -> None:
        super().__init__()
        self.events: list[AuditEvent] = []
        self.filters: tuple[str | None, str | None] = (None, None)
        self.action_text = ""
        self.loaded = False
        self._shown_ids: list[int] = []
        self._rows: list[AuditEvent] = []

    def compose_page(self) -> ComposeResult:
        with Vertical(id="audit-page", classes="admin-page"):
            with Horizontal(classes="admin-header"):
                yield Static(Content("Audit log").stylize("bold"), classes="admin-title")
                yield Static("", id="audit-count", classes="admin-count")
            with Horizontal(classes="filter-row"):
                yield Label("Account", classes="filter-label")
                yield PlainInput(placeholder="any", id="audit-account", compact=True)
                yield Label("Token", classes="filter-label")
                yield PlainInput(placeholder="id", id="audit-token", compact=True)
                yield Label("Action", classes="filter-label")
                yield PlainInput(placeholder="any", id="audit-action", compact=True)
            yield Static("", id="audit-message", classes="admin-message")
            yield KeyTable(id="audit-table", cursor_type="row")
            yield Facts(id="audit-detail", classes="admin-detail")

    def focus_page(self) -> None:
        self.query_one("#audit-table", DataTable).focus()

    def load(self) -> None:
        self.read_events(self.filters)

    @work(thread=True, exclusive=True, group="audit", exit_on_error=False)
    def read_events(self, filters: tuple[str | None, str | None]) -> None:
        app = self.tokens_app
        assert app.store is not None and app.actor is not None
        account, token_id = filters
        events = app.store.audit_events(app.actor, account=account, token_id=token_id, limit=SHOWN)
        if not get_current_worker().is_cancelled:
            self.post_message(self.EventsRead(events, filters))

    def on_audit_log_screen_events_read(self, message: EventsRead) -> None:
        if message.filters != self.filters:
            return
        self.loaded = True
        self.events = message.events
        self._show()

    def visible_events(self) -> list[AuditEvent]:
        needle = self.action_text.strip().casefold()
        return [e for e in self.events if not needle or needle in e.action.casefold()]

    def _show(self) -> None:
        table = self.query_one("#audit-table", DataTable)
        at_top = table.cursor_row <= 0
        kept_id = None if at_top or table.cursor_row >= len(self._shown_ids) else self._shown_ids[table.cursor_row]
        rows = self.visible_events()
        now = self.tokens_app.now()
        table.set_rows(COLUMNS, [
            [
                (Text(fmt.when(event.at)), Text(fmt.short_when(event.at, now))),
                Text(_actor(event)),
                Text(event.action),
                Text(fmt.safe(event.account or "")),
                Text(_what(event)),
                Text(event.token_id or ""),
            ]
            for event in rows
        ])
        self._shown_ids = [e.id for e in rows]
        self._rows = rows
        # Follow new events while at the top; otherwise stay on the event being read.
        if kept_id is not None and kept_id in self._shown_ids:
            table.move_cursor(row=self._shown_ids.index(kept_id))
        self._show_detail()
        message = self.query_one("#audit-message", Static)
        message.display = not rows
        message.update(Content("No event matches these filters." if self.loaded else "Reading the audit log…"))
        more = " (the newest)" if len(self.events) >= SHOWN else ""
        self.query_one("#audit-count", Static).update(Content(f"{len(rows):,} events{more}"))

    @property
    def highlighted(self) -> AuditEvent | None:
        row = self.query_one("#audit-table", DataTable).cursor_row
        return self._rows[row] if 0 <= row < len(self._rows) else None

    @on(DataTable.RowHighlighted, "#audit-table")
    def _show_detail(self) -> None:
        event = self.highlighted
        self.query_one("#audit-detail", Facts).update(describe_event(event) if event is not None else Content(""))

    # ------------------------------------------------------------------ filters

    def apply_filters(self) -> None:
        self._settle_filters()
        account = self.query_one("#audit-account", Input).value.strip() or None
        token_id = self.query_one("#audit-token", Input).value.strip() or None
        self.action_text = self.query_one("#audit-action", Input).value
        filters = (account, token_id)
        if filters != self.filters:
            self.filters = filters
            if self.tokens_app.store is not None:
                self.read_events(filters)
        else:
            self._show()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if not self.tokens_app.is_admin:
            return False
        if action == "clear_filters":
            return self.filters != (None, None) or bool(self.action_text) or isinstance(self.focused, Input)
        return True

    def action_filter_events(self) -> None:
        self.query_one("#audit-account", Input).focus()

    def action_clear_filters(self) -> None:
        for input_id in ("#audit-account", "#audit-token", "#audit-action"):
            self.query_one(input_id, Input).value = ""
        self.apply_filters()
        self.focus_page()

    def store_failed(self, doing: str, reason: str) -> None:
        message = self.query_one("#audit-message", Static)
        message.display = True
        message.update(Content(f"{doing}: {reason}").stylize("$error"))


def _actor(event: AuditEvent) -> str:
    return fmt.safe(event.actor if not event.as_account else f"{event.actor} as {event.as_account}")


def _what(event: AuditEvent) -> str:
    """The token's label, or what an event not about a token changed."""
    return fmt.safe(str(event.detail.get("label") or _detail(event)))


def describe_event(event: AuditEvent) -> Content:
    """Every field of the event, for the line under the table (which may be too narrow for them)."""
    first = Content.assemble((event.action, "bold"), f" by {_actor(event)} · {fmt.when(event.at)}")
    parts = []
    if event.account:
        parts.append(f"account {fmt.safe(event.account)}")
    if event.token_id:
        parts.append(f"token {event.token_id}")
    what = _what(event)
    if what:
        parts.append(f"“{what}”" if event.detail.get("label") else what)
    if not parts:
        return first
    return Content.assemble(first, "\n", (" · ".join(parts), "$text-muted"))


def _detail(event: AuditEvent) -> str:
    """A short reading of what the event changed, for events not about a token."""
    detail = event.detail
    if "form" in detail:
        return f"{detail.get('database')}/{detail.get('form')}: {', '.join(detail.get('actions') or []) or 'no access'}"  # type: ignore[arg-type]
    if "name" in detail:
        return str(detail["name"])
    return ""

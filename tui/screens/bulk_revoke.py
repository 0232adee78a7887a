"""Confirm a bulk revoke: the exact list of tokens first, then one confirmation for all of them."""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.widgets import Button, Static

from store import TokenInfo

from ..widgets.token_table import TokenTable
from ..widgets.footer import KeyFooter
from .dialog import DialogScreen

CONSEQUENCE = "Applications using these tokens stop working at once. This cannot be undone."


class BulkRevokeScreen(DialogScreen[bool]):
    """Every token that will be revoked, with its account; dismisses with ``True`` to revoke them.

    Cancel has the focus, so a stray enter keeps them all.

    | Key(s) | Description |
    | :- | :- |
    | y | Revoke every token listed. |
    | n, escape | Cancel: revoke nothing. |
    | j, k, up, down | Move in the list. |
    """

    AUTO_FOCUS = "#bulk-cancel"

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("y", "revoke", "Revoke all", id="bulk_revoke.revoke"),
        Binding("n,escape", "cancel", "Cancel", id="bulk_revoke.cancel"),
        Binding("left", "app.focus_previous", "Previous button", id="bulk_revoke.previous-button", show=False),
        Binding("right", "app.focus_next", "Next button", id="bulk_revoke.next-button", show=False),
    ]

    DEFAULT_CSS = """
    BulkRevokeScreen > #dialog { width: 100; height: 90%; border: round $error; }
    BulkRevokeScreen #bulk-list { height: 1fr; min-height: 3; }
    BulkRevokeScreen #bulk-consequence { color: $text-warning; text-style: bold; }
    BulkRevokeScreen #bulk-buttons { height: auto; align-horizontal: right; }
    BulkRevokeScreen #bulk-buttons > Button { margin-left: 2; }
    """

    def __init__(self, tokens: Sequence[TokenInfo], filters: str, *, complete: bool = True) -> None:
        super().__init__()
        self.tokens = list(tokens)
        self._filters = filters
        self._complete = complete

    def compose(self) -> ComposeResult:
        count = len(self.tokens)
        accounts = len({t.account for t in self.tokens})
        noun = "token" if count == 1 else "tokens"
        with Vertical(id="dialog") as dialog:
            dialog.border_title = f"Revoke {count:,} {noun}"
            yield Static(
                Content.assemble(
                    f"These {count:,} {noun} of {accounts:,} account{'s' if accounts != 1 else ''} match ",
                    (self._filters, "bold"), ":",
                ),
                id="bulk-question",
            )
            if not self._complete:
                yield Static(Content(f"Only the first {count:,} are listed and will be revoked."), id="bulk-partial")
            yield TokenTable(show_account=True, id="bulk-list")
            yield Static(Content(CONSEQUENCE), id="bulk-consequence")
            with Horizontal(id="bulk-buttons"):
                yield Button(f"Revoke {count:,} {noun}", variant="error", id="bulk-revoke", action="screen.revoke")
                yield Button("Cancel", id="bulk-cancel", action="screen.cancel")
        yield KeyFooter()

    def on_mount(self) -> None:
        self.query_one("#bulk-list", TokenTable).set_rows(self.tokens)

    def action_revoke(self) -> None:
        self.dismiss(True)

    def action_cancel(self) -> None:
        self.dismiss(False)

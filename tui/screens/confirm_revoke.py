"""Confirm revoking a token: the one action that cannot be taken back."""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.widgets import Button, Static

from store import TokenInfo, strip_controls

from ..widgets.footer import KeyFooter
from .dialog import DialogScreen

CONSEQUENCE = "Applications using this token stop working at once.\nThis cannot be undone."


class ConfirmRevokeScreen(DialogScreen[bool]):
    """Ask before revoking a token. Dismisses with ``True`` to revoke, ``False`` to keep it.

    Cancel has the focus, so a stray enter keeps the token.

    | Key(s) | Description |
    | :- | :- |
    | y | Revoke the token. |
    | n, escape | Cancel: keep the token. |
    | tab, shift+tab, left, right | Move between "Revoke token" and "Cancel". |
    | enter | Press the focused button. |
    """

    AUTO_FOCUS = "#cancel"

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("y", "revoke", "Revoke", id="confirm_revoke.revoke"),
        Binding("n,escape", "cancel", "Cancel", id="confirm_revoke.cancel"),
        Binding("left", "app.focus_previous", "Previous button", id="confirm_revoke.previous-button", show=False),
        Binding("right", "app.focus_next", "Next button", id="confirm_revoke.next-button", show=False),
    ]

    DEFAULT_CSS = """
    ConfirmRevokeScreen > #dialog {
        border: round $error;
    }
    ConfirmRevokeScreen #consequence {
        margin-top: 1;
        color: $text-warning;
        text-style: bold;
    }
    ConfirmRevokeScreen #buttons {
        height: auto;
        margin-top: 1;
        align-horizontal: right;
    }
    ConfirmRevokeScreen #buttons > Button {
        margin-left: 2;
    }
    """

    def __init__(self, info: TokenInfo) -> None:
        super().__init__()
        self._info = info

    @property
    def info(self) -> TokenInfo:
        return self._info

    def compose(self) -> ComposeResult:
        info = self._info
        # Labels are typed by people: Content.assemble keeps them literal (no markup is parsed),
        # and strip_controls keeps escape sequences away from the terminal.
        question = Content.assemble("Revoke “", (strip_controls(info.label), "bold"), "”?")
        details = Content.assemble(
            ("Token id: ", "bold"), strip_controls(info.id), "   ", ("Scope: ", "bold"), info.scope.title
        )
        with Vertical(id="dialog") as dialog:
            dialog.border_title = "Revoke token"
            yield Static(question, id="question")
            yield Static(details, id="details")
            yield Static(CONSEQUENCE, id="consequence", markup=False)
            with Horizontal(id="buttons"):
                yield Button("Revoke token", variant="error", id="revoke", action="screen.revoke")
                yield Button("Cancel", id="cancel", action="screen.cancel")
        yield KeyFooter()

    def action_revoke(self) -> None:
        self.dismiss(True)

    def action_cancel(self) -> None:
        self.dismiss(False)


__all__ = ["CONSEQUENCE", "ConfirmRevokeScreen"]

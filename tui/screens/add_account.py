"""Add an account (administrators): its name, and whether it is an administrator."""

from __future__ import annotations

from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.widgets import Button, Checkbox, Input, Label, Static

from store import InvalidInput, validate_account_name

from ..widgets.plain_input import PlainInput
from ..widgets.footer import KeyFooter
from .dialog import DialogScreen


class AddAccountScreen(DialogScreen[tuple[str, bool] | None]):
    """Dismisses with ``(name, is_admin)``, or ``None`` when cancelled.

    | Key(s) | Description |
    | :- | :- |
    | enter | Add the account. |
    | escape | Cancel. |
    """

    AUTO_FOCUS = "#account-name"

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", id="add_account.cancel"),
    ]

    DEFAULT_CSS = """
    AddAccountScreen > #dialog { width: 60; }
    AddAccountScreen #account-error { color: $text-error; height: auto; }
    AddAccountScreen #account-buttons { height: auto; margin-top: 1; align-horizontal: right; }
    AddAccountScreen #account-buttons > Button { margin-left: 2; }
    """

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog") as dialog:
            dialog.border_title = "Add account"
            yield Label("Name (the person's login name)")
            yield PlainInput(placeholder="e.g. jdoe", id="account-name")
            yield Checkbox("Administrator (sees and manages every account)", id="account-admin")
            yield Static("", id="account-error")
            with Horizontal(id="account-buttons"):
                yield Button("Add account", variant="primary", id="account-add")
                yield Button("Cancel", id="account-cancel")
        yield KeyFooter()

    @on(Input.Submitted, "#account-name")
    @on(Button.Pressed, "#account-add")
    def action_add(self) -> None:
        raw = self.query_one("#account-name", Input).value
        try:
            name = validate_account_name(raw)
        except InvalidInput as error:
            self.query_one("#account-error", Static).update(Content(str(error)))
            self.query_one("#account-name", Input).focus()
            return
        self.dismiss((name, self.query_one("#account-admin", Checkbox).value))

    @on(Button.Pressed, "#account-cancel")
    def action_cancel(self) -> None:
        self.dismiss(None)

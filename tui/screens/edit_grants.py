"""Edit an account's grants (administrators): what it may do on each form's records.

One row a form: view, add, edit, delete. A form the account has no grant on yet is picked from
the list of every form (type to jump to it), or typed as ``Database/Form``. Existing tokens follow
on their next request.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.widgets import Button, Checkbox, Label, Select, Static

from store import ALL_ACTIONS, FormAccess

from .. import format as fmt
from ..widgets.plain_input import PlainInput
from ..widgets.footer import KeyFooter
from .dialog import DialogScreen

Changes = list[tuple[str, frozenset[str]]]


class EditGrantsScreen(DialogScreen[Changes | None]):
    """Dismisses with the grants that changed, as ``(form id or Database/Form, actions)``.

    | Key(s) | Description |
    | :- | :- |
    | space | Tick or untick the focused action. |
    | ctrl+s | Save. |
    | escape | Cancel. |
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+s", "save", "Save", id="edit_grants.save"),
        Binding("escape", "cancel", "Cancel", id="edit_grants.cancel"),
    ]

    DEFAULT_CSS = """
    EditGrantsScreen > #dialog { width: 78; }
    EditGrantsScreen #grant-rows { height: auto; max-height: 14; }
    EditGrantsScreen .grant-row { height: auto; }
    EditGrantsScreen .grant-form { width: 24; padding-top: 0; }
    EditGrantsScreen Checkbox { width: auto; border: none; padding: 0 1 0 0; }
    EditGrantsScreen #grant-new-form { width: 24; }
    EditGrantsScreen #grant-new-pick { width: 24; }
    EditGrantsScreen #grant-buttons { height: auto; margin-top: 1; align-horizontal: right; }
    EditGrantsScreen #grant-buttons > Button { margin-left: 2; }
    """

    def __init__(
        self, account: str, access: Sequence[FormAccess], forms: Sequence[tuple[int, str, str]] = ()
    ) -> None:
        """``forms``: every form as (id, database, form); those without a grant are offered."""
        super().__init__()
        self.account = account
        self.access = list(access)
        held = {item.form_id for item in self.access}
        self.offered = [(form_id, f"{database}/{form}") for form_id, database, form in forms if form_id not in held]

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog") as dialog:
            dialog.border_title = Content.assemble("Grants of ", fmt.safe(self.account))
            with VerticalScroll(id="grant-rows"):
                if not self.access:
                    yield Static(Content("No grant yet.").stylize("$text-muted"))
                for index, item in enumerate(self.access):
                    with Horizontal(classes="grant-row", id=f"grant-{index}"):
                        yield Label(Content(fmt.safe(f"{item.database}/{item.form}")), classes="grant-form")
                        for action in ALL_ACTIONS:
                            yield Checkbox(action.value, action in item.granted, compact=True, name=action.value)
            yield Label("Grant on another form: pick it (enter, then type to jump), or type Database/Form:")
            with Horizontal(classes="grant-row", id="grant-new"):
                yield Select(
                    [(Content(fmt.safe(name)), form_id) for form_id, name in self.offered],
                    prompt="Pick a form" if self.offered else "No other form",
                    id="grant-new-pick",
                    compact=True,
                    disabled=not self.offered,
                )
                for action in ALL_ACTIONS:
                    yield Checkbox(action.value, False, compact=True, name=action.value)
            with Horizontal(classes="grant-row", id="grant-typed"):
                yield PlainInput(placeholder="or type Database/Form", id="grant-new-form", compact=True)
            with Horizontal(id="grant-buttons"):
                yield Button("Save", variant="primary", id="grant-save")
                yield Button("Cancel", id="grant-cancel")
        yield KeyFooter()

    def _ticked(self, row_id: str) -> frozenset[str]:
        return frozenset(box.name or "" for box in self.query_one(f"#{row_id}").query(Checkbox) if box.value)

    def changes(self) -> Changes:
        found: Changes = []
        for index, item in enumerate(self.access):
            wanted = self._ticked(f"grant-{index}")
            if wanted != frozenset(a.value for a in item.granted):
                found.append((str(item.form_id), wanted))
        picked = self.query_one("#grant-new-pick", Select).value
        ref = str(picked) if isinstance(picked, int) else self.query_one("#grant-new-form", PlainInput).value.strip()
        if ref:
            found.append((ref, self._ticked("grant-new")))
        return found

    @on(Button.Pressed, "#grant-save")
    def action_save(self) -> None:
        self.dismiss(self.changes())

    @on(Button.Pressed, "#grant-cancel")
    def action_cancel(self) -> None:
        self.dismiss(None)

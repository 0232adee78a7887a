"""Rename a token or change its note. Neither changes what the token can do."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, VerticalScroll
from textual.content import Content
from textual.widgets import Button, Input, Static

from store import NOTE_MAX, TokenInfo, label_key, strip_controls

from ..widgets.plain_input import PlainInput
from ..widgets.footer import KeyFooter
from .add_token import _sentence, label_problem, note_text_problem
from .dialog import DialogScreen

NOTE_HINT = "For people: what uses this token, who to ask. It changes nothing the token can do."


@dataclass(frozen=True, slots=True)
class EditTokenRequest:
    token_id: str
    label: str | None
    note: str | None


class EditTokenScreen(DialogScreen[EditTokenRequest | None]):
    """Change a token's label and note. Dismisses with what changed, or ``None``.

    | Key(s) | Description |
    | :- | :- |
    | enter (in a field), ctrl+s | Save. |
    | escape | Cancel. |
    | tab, shift+tab | Move between the fields and the buttons. |
    """

    AUTO_FOCUS = "#label"

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+s", "save", "Save", id="edit_token.save"),
        Binding("escape", "cancel", "Cancel", id="edit_token.cancel"),
    ]

    DEFAULT_CSS = """
    EditTokenScreen .field { border-title-color: $text; }
    EditTokenScreen .message { color: $text-muted; padding: 0 1; }
    EditTokenScreen .message.-error { color: $text-error; text-style: bold; }
    EditTokenScreen #buttons { height: auto; align-horizontal: right; }
    EditTokenScreen #buttons > Button { margin-left: 2; }
    """

    def __init__(self, info: TokenInfo, other_labels: Iterable[str], *, error: str | None = None) -> None:
        super().__init__()
        self._info = info
        # Its own label (in another case) is no clash.
        self._taken = frozenset(label_key(label) for label in other_labels) - {label_key(info.label)}
        self._error = _sentence(error) if error else None

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="dialog", can_focus=False) as dialog:
            dialog.border_title = "Edit token"
            yield Static(Content.assemble(("Token id: ", "bold"), strip_controls(self._info.id)), id="details")
            if self._error:
                yield Static(Content.assemble(("Not saved. ", "bold"), self._error), id="form-error")
            label = PlainInput(self._info.label, id="label", classes="field")
            label.border_title = "Label"
            yield label
            yield Static("", id="label-message", classes="message", markup=False)
            note = PlainInput(self._info.note or "", max_length=NOTE_MAX, placeholder="(no note)", id="note",
                              classes="field")
            note.border_title = "Note"
            yield note
            yield Static(NOTE_HINT, id="note-message", classes="message", markup=False)
            with Horizontal(id="buttons"):
                yield Button("Save", variant="primary", id="save")
                yield Button("Cancel", id="cancel")
        yield KeyFooter()

    def _show(self, which: str, problem: str | None, hint: str) -> None:
        message = self.query_one(f"#{which}-message", Static)
        message.update(problem or hint)
        message.set_class(problem is not None, "-error")
        self.query_one(f"#{which}", Input).set_class(problem is not None, "-invalid")

    def _label_problem(self, value: str) -> str | None:
        return label_problem(value, self._taken)

    @on(Input.Changed, "#label")
    def _label_changed(self, event: Input.Changed) -> None:
        self._show("label", self._label_problem(event.value), "")

    @on(Input.Changed, "#note")
    def _note_changed(self, event: Input.Changed) -> None:
        self._show("note", note_text_problem(event.value), NOTE_HINT)

    @on(Input.Submitted)
    @on(Button.Pressed, "#save")
    def _save(self) -> None:
        self.action_save()

    @on(Button.Pressed, "#cancel")
    def _cancel(self) -> None:
        self.action_cancel()

    def action_save(self) -> None:
        label = self.query_one("#label", Input).value
        note = self.query_one("#note", Input).value
        for which, problem in (("label", self._label_problem(label)), ("note", note_text_problem(note))):
            if problem:
                self._show(which, problem, NOTE_HINT if which == "note" else "")
                self.query_one(f"#{which}", Input).focus()
                return
        new_label = label.strip() if label.strip() != self._info.label else None
        new_note = note.strip() if (note.strip() or None) != self._info.note else None
        if new_label is None and new_note is None:
            self.dismiss(None)
            return
        self.dismiss(EditTokenRequest(self._info.id, new_label, new_note))

    def action_cancel(self) -> None:
        self.dismiss(None)


__all__ = ["EditTokenRequest", "EditTokenScreen"]

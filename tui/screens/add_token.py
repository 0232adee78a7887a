"""The "Add a token" modal: label, scope, databases, expiry and note, then Generate.

As the scope and databases change, a preview says what the new token will be able to do on each
form (the account's grant ∩ the scope ∩ the chosen databases), so nobody makes a token that
cannot do its job, or one that can do more than it should. Only the expiries the administrators'
lifetime policy allows are offered.

The screen only collects and checks what the person typed; it never touches the database. It
dismisses with an :class:`AddTokenRequest` (or ``None`` when cancelled) and the app creates the
token in a worker. If the store still refuses (say another window took the label meanwhile), the
app opens the screen again with the same values and the store's reason in ``error``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, VerticalScroll
from textual.content import Content
from textual.geometry import Size
from textual.validation import ValidationResult, Validator
from textual.widgets import Button, Input, RadioButton, RadioSet, SelectionList, Static
from textual.strip import Strip
from textual.widgets.option_list import OptionDoesNotExist
from textual.widgets.selection_list import Selection
from rich.segment import Segment

from store import (
    ALL_ACTIONS,
    EXPIRY_CHOICES,
    NOTE_MAX,
    FormAccess,
    InvalidExpiry,
    InvalidInput,
    InvalidLabel,
    LifetimePolicy,
    Scope,
    effective_actions,
    label_key,
    limit_to_databases,
    parse_expiry,
    strip_controls,
    utcnow,
    validate_label,
    validate_note,
)

from .. import defaults
from ..format import local_zone
from ..textual_private import highlight, highlighted_index
from ..widgets.plain_input import PlainInput
from ..widgets.footer import KeyFooter
from .dialog import DialogScreen

#: The value of ``expiry_choice`` (and of the ``expiry`` argument) is either one of the values in
#: ``EXPIRY_CHOICES`` or a date as ``YYYY-MM-DD``; this is the radio button that stands for a date.
DATE_CHOICE = "date"

DUPLICATE_LABEL = (
    "You already have an active token with this label. Use one label per application and device."
)
LABEL_HINT = "One label per application and device, so you know which token to revoke."
def date_hint() -> str:
    """Dates are read in this computer's time zone (over SSH, the server's): the hint names it."""
    return f"The token works until the end of that day ({local_zone()})."
LIMIT_NOTE = "A token can only limit: never more than your own permission on a form."
CONTROLS_REMOVED = "Removed control characters (such as escape codes) from the pasted text."

_DATE_SHAPE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
#: One line on each scope, beside its name.
SCOPE_SUMMARY = {Scope.READ: "read records", Scope.READ_WRITE: "read, add, edit and delete records"}

_CHOICE_VALUES = frozenset(value for value, _title in EXPIRY_CHOICES)


def _sentence(reason: str) -> str:
    # The store words its reasons to follow a prefix on the command line; here they stand alone.
    reason = strip_controls(reason).strip()
    if not reason:
        return reason
    reason = reason[0].upper() + reason[1:]
    return reason if reason.endswith((".", "!", "?")) else reason + "."


def label_problem(value: str, taken: frozenset[str]) -> str | None:
    """Why the store would refuse this label, or ``None``. ``taken`` holds the labels' keys."""
    try:
        label = validate_label(value)
    except InvalidLabel as error:
        return _sentence(str(error))
    if label_key(label) in taken:
        return DUPLICATE_LABEL
    return None


def allowed_choices(policy: LifetimePolicy | None, now: datetime) -> list[tuple[str, str]]:
    """The expiry choices the lifetime policy allows a token created ``now``."""
    if policy is None:
        return list(EXPIRY_CHOICES)
    return [(value, title) for value, title in EXPIRY_CHOICES if policy.allows(parse_expiry(value, now), now)]


def preview_access(forms: Sequence[FormAccess], scope: Scope, databases: Sequence[str] | None) -> Content:
    """What a token of ``scope`` limited to ``databases`` (``None``: all) will be able to do, form
    by form: the same rule the store enforces, before the token exists."""
    heading = Content("What the new token will be able to do").stylize("bold")
    if not forms:
        return Content.assemble(heading, "\n", ("Nothing yet: your account has no permission on any form.", "$text-muted"))
    if databases is not None and not databases:
        return Content.assemble(heading, "\n", ("Nothing: choose at least one database.", "$text-error"))
    limited = limit_to_databases(list(forms), None if databases is None else tuple(databases))
    lines = [heading]
    for item in limited:
        outside = databases is not None and item.database not in databases
        can = frozenset() if outside else effective_actions(item.granted, scope)
        marks = Content(" ").join(
            Content(f"✓{a.value}").stylize("$success") if a in can else Content(f"✗{a.value}").stylize("$text-disabled")
            for a in ALL_ACTIONS
            if a in item.granted
        )
        lines.append(Content.assemble(Content(strip_controls(f"{item.database} / {item.form}")), "  ", marks))
    return Content("\n").join(lines)


def date_problem(value: str, policy: LifetimePolicy | None = None) -> str | None:
    """Why this text is not a usable expiry date, or ``None``."""
    text = value.strip()
    if not _DATE_SHAPE.match(text):
        return "Type the date as YYYY-MM-DD, e.g. 2030-12-31."
    try:
        date.fromisoformat(text)
    except ValueError:
        return f"There is no such date as {text}."
    try:
        moment = parse_expiry(text)
    except InvalidExpiry as error:
        return _sentence(str(error))
    if policy is not None:
        reason = policy.refusal(moment, utcnow())
        if reason:
            return _sentence(reason)
    return None


def note_text_problem(value: str) -> str | None:
    try:
        validate_note(value)
    except InvalidInput as error:
        return _sentence(str(error))
    return None


class _LabelRule(Validator):
    def __init__(self, taken: frozenset[str]) -> None:
        super().__init__()
        self._taken = taken

    def validate(self, value: str) -> ValidationResult:
        problem = label_problem(value, self._taken)
        return self.failure(problem, value) if problem else self.success()


class _DateRule(Validator):
    def __init__(self, policy: LifetimePolicy | None) -> None:
        super().__init__()
        self._policy = policy

    def validate(self, value: str) -> ValidationResult:
        problem = date_problem(value, self._policy)
        return self.failure(problem, value) if problem else self.success()


class Choice(RadioButton):
    """A radio button whose mark shows whether it is chosen without relying on colour: ● when
    chosen, empty when not (Textual's own button draws ● either way, in another colour)."""

    @property
    def BUTTON_INNER(self) -> str:  # type: ignore[override]  # noqa: N802 - Textual's name
        return "●" if self.value else " "

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        # Textual's toggle buttons are always one line; where the CSS lets the label wrap
        # (narrow terminals), make room for every line of it instead of cutting it off.
        if self.styles.text_wrap != "wrap":
            return 1
        return max(1, self.render().get_height(self.styles, width))


class ChoiceSet(RadioSet):
    """A RadioSet where the arrow keys also choose, as radio groups do in web forms, and enter
    moves on to the next field.

    Textual's RadioSet only moves a highlight and waits for space or enter, so someone who arrows
    to "Read & Write" and tabs away would silently keep "Read-only".

    | Key(s) | Description |
    | :- | :- |
    | up, down, left, right | Choose the previous or next option. |
    | enter | Keep the choice and go to the next field. |
    | space | Choose the highlighted option. |
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("down,right", "choose(1)", "Next option", id="add_token.next-option", show=False),
        Binding("up,left", "choose(-1)", "Previous option", id="add_token.previous-option", show=False),
        Binding("enter", "next_field", "Next field", id="add_token.next-field", show=False),
    ]

    def on_mount(self) -> None:
        # RadioSet highlights its first button on mount; start from the chosen one instead so
        # that space or enter never flips a default the person did not touch.
        self.call_after_refresh(self._highlight_pressed)

    def _highlight_pressed(self) -> None:
        if self.pressed_index >= 0:
            highlight(self, self.pressed_index)

    def action_choose(self, step: int) -> None:
        if step > 0:
            self.action_next_button()
        else:
            self.action_previous_button()
        index = highlighted_index(self)
        if index is not None:
            button = self.children[index]
            if isinstance(button, RadioButton) and not button.value:
                button.value = True

    def action_next_field(self) -> None:
        self.screen.focus_next()


class DatabaseChoices(SelectionList[str]):
    """The databases a new token may reach. A chosen one is marked ✓ and a left-out one is blank,
    so the difference does not rest on colour (Textual draws an X either way).

    | Key(s) | Description |
    | :- | :- |
    | up, down | Move between databases. |
    | space, enter | Include or leave out the highlighted database. |
    """

    def render_line(self, y: int) -> Strip:
        strip = super().render_line(y)
        segments = list(strip)
        try:
            selection = self.get_option_at_index(round(self.scroll_offset.y) + y)
        except OptionDoesNotExist:
            return strip
        if len(segments) < 2:
            return strip
        inner = segments[1]
        mark = "✓" if selection.value in self.selected else " "
        segments[1] = Segment(mark, inner.style, inner.control)
        return Strip(segments, strip.cell_length)


@dataclass(frozen=True, slots=True)
class AddTokenRequest:
    """What the person asked for in the add form (made here, with the dialog: not before the
    app's first frame). ``label`` is already trimmed and validated."""

    label: str
    scope: Scope
    expires_at: datetime | None
    #: ``30d``, ``90d``, ``1y``, ``never`` or ``YYYY-MM-DD``: passed back to re-open the form.
    expiry_choice: str
    #: The databases the token is limited to; ``None``: every one the account can reach.
    databases: tuple[str, ...] | None = None
    note: str | None = None


class AddTokenScreen(DialogScreen[AddTokenRequest | None]):
    """Ask for a new token's label, scope and expiry.

    Dismisses with an :class:`AddTokenRequest`, or ``None`` when cancelled.

    | Key(s) | Description |
    | :- | :- |
    | enter (in a text field), ctrl+s | Generate the token, or show what is wrong. |
    | escape | Cancel. |
    | tab, shift+tab | Move between label, scope, databases, expiry, note and the buttons. |
    | up, down, left, right | Choose a scope or an expiry. |
    | space (in the databases) | Include or leave out the highlighted database. |
    | enter (on a scope or an expiry) | Go to the next field. |
    """

    AUTO_FOCUS = "#label"

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+s", "generate", "Generate", id="add_token.generate"),
        Binding("escape", "cancel", "Cancel", id="add_token.cancel"),
    ]

    DEFAULT_CSS = """
    AddTokenScreen .field {
        border-title-color: $text;
    }
    AddTokenScreen #form-error {
        color: $text-error;
        text-style: bold;
    }
    AddTokenScreen .message {
        color: $text-muted;
        padding: 0 1;
    }
    AddTokenScreen .message.-error {
        color: $text-error;
        text-style: bold;
    }
    AddTokenScreen #scope-help {
        padding: 0 1;
    }
    AddTokenScreen #expiry {
        layout: horizontal;
        overflow-x: hidden;
    }
    AddTokenScreen #expiry > RadioButton {
        width: auto;
        margin-right: 1;
    }
    /* Too narrow for the five expiry choices on one line: two to a row, so none falls off. */
    AddTokenScreen.-narrow #expiry {
        layout: grid;
        grid-size: 2;
        grid-rows: 1;
        grid-gutter: 0 1;
        height: auto;
    }
    AddTokenScreen.-narrow #expiry > RadioButton {
        width: 100%;
        margin-right: 0;
    }
    /* Too narrow for a scope's whole description on one line: it wraps rather than being cut. */
    AddTokenScreen.-narrow #scope > RadioButton {
        width: 100%;
        height: auto;
        text-wrap: wrap;
    }
    /* Little height: the scope's explanation and the buttons take fewer lines. */
    AddTokenScreen.-short #buttons > Button {
        height: 1;
        min-width: 10;
        border: none;
    }
    AddTokenScreen #date-row {
        height: auto;
        display: none;
    }
    AddTokenScreen #date-row.-shown {
        display: block;
    }
    AddTokenScreen #date {
        width: 17;
    }
    AddTokenScreen #date-message {
        width: 1fr;
        padding: 1 1 0 1;
    }
    AddTokenScreen #databases {
        height: auto;
        max-height: 6;
    }
    AddTokenScreen #preview {
        padding: 0 1;
        height: auto;
    }
    AddTokenScreen #policy-note {
        padding: 0 1;
        color: $text-warning;
    }
    AddTokenScreen #buttons {
        height: auto;
        align-horizontal: right;
    }
    AddTokenScreen #buttons > Button {
        margin-left: 2;
    }
    """

    def __init__(
        self,
        existing_labels: Iterable[str],
        *,
        label: str = "",
        scope: Scope = Scope.READ,
        expiry: str = defaults.EXPIRY,
        error: str | None = None,
        access: Sequence[FormAccess] = (),
        policy: LifetimePolicy | None = None,
        databases: Sequence[str] | None = None,
        note: str = "",
    ) -> None:
        super().__init__()
        self._taken = frozenset(label_key(existing) for existing in existing_labels)
        self._initial_label = label
        self._initial_scope = Scope.parse(scope)
        #: The account's forms with what it is granted (any scope's view of it will do).
        self._forms = list(access)
        self._database_names = list(dict.fromkeys(f.database for f in self._forms))
        self._initial_databases = None if databases is None else [d for d in databases if d in self._database_names]
        self._initial_note = note
        self._policy = policy if policy is not None and policy.is_set else None
        self._choices = allowed_choices(self._policy, utcnow())
        allowed_values = {value for value, _title in self._choices}
        expiry = (expiry or "never").strip()
        if expiry in _CHOICE_VALUES and expiry not in allowed_values:
            # The policy does not allow it: offer the longest life it does allow.
            expiry = self._choices[-1][0] if self._choices else DATE_CHOICE
        if expiry == DATE_CHOICE:
            self._initial_choice, self._initial_date = DATE_CHOICE, ""
        elif expiry in _CHOICE_VALUES:
            self._initial_choice, self._initial_date = expiry, ""
        else:
            self._initial_choice, self._initial_date = DATE_CHOICE, expiry
        self._error = _sentence(error) if error else None

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="dialog", can_focus=False) as dialog:
            dialog.border_title = "Add a token"
            if self._error:
                yield Static(Content.assemble(("Not created. ", "bold"), self._error), id="form-error")
            label = PlainInput(
                self._initial_label,
                placeholder="e.g. Power BI – office laptop",
                # No max_length: it would drop a long paste without a word. The rule below says
                # how long the label is and what the limit is.
                validators=[_LabelRule(self._taken)],
                # An untouched empty field is not an error yet; Generate still refuses it.
                valid_empty=True,
                id="label",
                classes="field",
            )
            label.border_title = "Label"
            yield label
            yield Static(LABEL_HINT, id="label-message", classes="message", markup=False)
            with ChoiceSet(id="scope", classes="field") as scopes:
                scopes.border_title = "Scope"
                for scope in Scope:
                    yield Choice(
                        f"{scope.title} — {SCOPE_SUMMARY[scope]}", scope is self._initial_scope, id=f"scope-{scope.value}"
                    )
            yield Static(id="scope-help", markup=False)
            if len(self._database_names) > 1:
                chosen = self._initial_databases
                databases = DatabaseChoices(
                    *(Selection(Content(strip_controls(name)), name, chosen is None or name in chosen)
                      for name in self._database_names),
                    id="databases",
                    classes="field",
                )
                databases.border_title = "Databases (space: include or leave out)"
                yield databases
            yield Static(id="preview")
            with ChoiceSet(id="expiry", classes="field") as expiry:
                expiry.border_title = "Expiry"
                for value, title in self._choices:
                    yield Choice(title, value == self._initial_choice, id=f"expiry-{value}")
                yield Choice("On a date…", self._initial_choice == DATE_CHOICE, id=f"expiry-{DATE_CHOICE}")
            if self._policy is not None:
                yield Static(f"Policy: {self._policy.describe()}.", id="policy-note", markup=False)
            with Horizontal(id="date-row"):
                yield Input(
                    self._initial_date,
                    placeholder="YYYY-MM-DD",
                    max_length=10,
                    restrict=r"[0-9-]*",
                    validators=[_DateRule(self._policy)],
                    valid_empty=True,
                    id="date",
                )
                yield Static(date_hint(), id="date-message", classes="message", markup=False)
            note = PlainInput(self._initial_note, placeholder="optional: what uses it, who to ask", max_length=NOTE_MAX,
                              id="note", classes="field")
            note.border_title = "Note"
            yield note
            yield Static("", id="note-message", classes="message", markup=False)
            with Horizontal(id="buttons"):
                yield Button("Generate", variant="primary", id="generate")
                yield Button("Cancel", id="cancel")
        yield KeyFooter()

    def on_mount(self) -> None:
        self._show_scope_help()
        self._show_preview()
        self._show_date_row()
        if self._initial_label:
            self._show_label_problem(label_problem(self._initial_label, self._taken))
        if self._initial_choice == DATE_CHOICE and self._initial_date:
            self._show_date_problem(date_problem(self._initial_date, self._policy))
        if self._error:
            # Focusing the label may scroll a tall form on a small terminal; the reason the store
            # gave must be the first thing seen.
            self.call_after_refresh(self.query_one("#dialog").scroll_home, animate=False)

    # What the form currently says.

    @property
    def chosen_scope(self) -> Scope:
        button = self.query_one("#scope", RadioSet).pressed_button
        if button is None or button.id is None:
            return Scope.READ
        return Scope(button.id.removeprefix("scope-"))

    @property
    def chosen_databases(self) -> list[str] | None:
        """The databases chosen, or ``None`` when all are (the token reaches every one)."""
        found = self.query("#databases")
        if not found:
            return None
        selected = set(found.first(SelectionList).selected)
        chosen = [name for name in self._database_names if name in selected]
        return None if len(chosen) == len(self._database_names) else chosen

    @property
    def chosen_expiry(self) -> str:
        """An ``EXPIRY_CHOICES`` value, or :data:`DATE_CHOICE`."""
        button = self.query_one("#expiry", RadioSet).pressed_button
        if button is None or button.id is None:
            return "90d"
        return button.id.removeprefix("expiry-")

    # Showing problems next to their fields.

    def _show_label_problem(self, problem: str | None) -> None:
        message = self.query_one("#label-message", Static)
        message.update(problem or LABEL_HINT)
        message.set_class(problem is not None, "-error")
        self.query_one("#label", Input).set_class(problem is not None, "-invalid")

    def _show_date_problem(self, problem: str | None) -> None:
        message = self.query_one("#date-message", Static)
        message.update(problem or date_hint())
        message.set_class(problem is not None, "-error")
        self.query_one("#date", Input).set_class(problem is not None, "-invalid")

    def _show_scope_help(self) -> None:
        self.query_one("#scope-help", Static).update(f"{self.chosen_scope.description}\n{LIMIT_NOTE}")

    def _show_preview(self) -> None:
        self.query_one("#preview", Static).update(
            preview_access(self._forms, self.chosen_scope, self.chosen_databases)
        )

    def _show_date_row(self) -> None:
        self.query_one("#date-row").set_class(self.chosen_expiry == DATE_CHOICE, "-shown")

    @on(Input.Changed, "#label")
    def _label_changed(self, event: Input.Changed) -> None:
        result = event.validation_result
        self._show_label_problem(None if result is None or result.is_valid else result.failure_descriptions[0])
        label = self.query_one("#label", PlainInput)
        if label.controls_removed and (result is None or result.is_valid):
            self.query_one("#label-message", Static).update(CONTROLS_REMOVED)

    @on(Input.Changed, "#date")
    def _date_changed(self, event: Input.Changed) -> None:
        result = event.validation_result
        self._show_date_problem(None if result is None or result.is_valid else result.failure_descriptions[0])

    @on(RadioSet.Changed, "#scope")
    def _scope_changed(self) -> None:
        self._show_scope_help()
        self._show_preview()

    @on(SelectionList.SelectedChanged, "#databases")
    def _databases_changed(self) -> None:
        self._show_preview()

    @on(Input.Changed, "#note")
    def _note_changed(self, event: Input.Changed) -> None:
        problem = note_text_problem(event.value)
        message = self.query_one("#note-message", Static)
        message.update(problem or "")
        message.set_class(problem is not None, "-error")

    @on(RadioSet.Changed, "#expiry")
    def _expiry_changed(self) -> None:
        self._show_date_row()

    # Actions.

    @on(Input.Submitted)
    def _submitted(self) -> None:
        self.action_generate()

    @on(Button.Pressed, "#generate")
    def _generate_pressed(self) -> None:
        self.action_generate()

    def action_generate(self) -> None:
        """Dismiss with the request, or point at the first problem and stay."""
        label_input = self.query_one("#label", Input)
        problem = label_problem(label_input.value, self._taken)
        if problem:
            self._show_label_problem(problem)
            label_input.focus()
            return
        databases = self.chosen_databases
        if databases is not None and not databases:
            self._show_preview()
            self.query_one("#databases").focus()
            return
        note_input = self.query_one("#note", Input)
        problem = note_text_problem(note_input.value)
        if problem:
            self.query_one("#note-message", Static).update(problem)
            note_input.focus()
            return
        choice = self.chosen_expiry
        if choice == DATE_CHOICE:
            date_input = self.query_one("#date", Input)
            choice = date_input.value.strip()
            problem = date_problem(choice, self._policy)
            if problem:
                self._show_date_problem(problem)
                date_input.focus()
                return
        try:
            # Relative choices count from this moment, not from when the screen opened.
            expires_at = parse_expiry(choice)
        except InvalidExpiry as error:  # pragma: no cover - the checks above already passed
            self._show_date_problem(_sentence(str(error)))
            return
        self.dismiss(
            AddTokenRequest(
                label=validate_label(label_input.value),
                scope=self.chosen_scope,
                expires_at=expires_at,
                expiry_choice=choice,
                databases=tuple(databases) if databases is not None else None,
                note=validate_note(note_input.value),
            )
        )

    @on(Button.Pressed, "#cancel")
    def _cancel_pressed(self) -> None:
        self.action_cancel()

    def action_cancel(self) -> None:
        self.dismiss(None)


__all__ = [
    "CONTROLS_REMOVED",
    "DATE_CHOICE",
    "DUPLICATE_LABEL",
    "AddTokenRequest",
    "AddTokenScreen",
    "Choice",
    "ChoiceSet",
    "allowed_choices",
    "date_problem",
    "label_problem",
    "preview_access",
]

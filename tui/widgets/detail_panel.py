"""The side panel for the highlighted token: all the store knows about it except its secret and
hash (its note, databases, rotation link and last caller too), what it can actually do on each
form, and the "Rotate", "Edit" and "Revoke token" buttons."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import TYPE_CHECKING, NamedTuple

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.message import Message
from textual.widgets import Button, Static

import store

from .. import format as fmt

if TYPE_CHECKING:
    from store import FormAccess, TokenInfo, TokenStatus

    from .usage import UsageGlance


def _status_style(status: TokenStatus) -> str:
    # Looked up when a token is shown: the store's types are not loaded before the first frame.
    return {
        store.TokenStatus.ACTIVE: "$success",
        store.TokenStatus.EXPIRES_SOON: "$warning",
        store.TokenStatus.EXPIRED: "$text-muted",
        store.TokenStatus.REVOKED: "$error",
    }[status]


class _Controls(NamedTuple):
    usage: UsageGlance
    rotate: Button
    edit: Button
    revoke: Button


def _field(name: str, value: str | Content) -> Content:
    return Content.assemble((f"{name:<10}", "dim"), value if isinstance(value, Content) else Content(value))


def describe_token(token: TokenInfo, now: datetime) -> Content:
    """The token's facts, one per line. Every user-typed part is literal text."""
    status = token.status(now)
    worded = fmt.status(token, now)
    lines = [
        Content(fmt.safe(token.label)).stylize("bold"),
        _field("ID", token.id),
        _field("Scope", token.scope.title),
        _field("Status", Content(worded[0].upper() + worded[1:]).stylize(_status_style(status))),
        _field("Created", fmt.when(token.created_at)),
        _field("Expires", fmt.expires_exactly(token)),
        _field("Last used", fmt.relative(token.last_used_at, now)),
    ]
    if token.last_used_address or token.last_used_agent:
        # What the API server said about the caller: text from outside, shown as plain text.
        if token.last_used_address:
            lines.append(_field("  from", fmt.safe(token.last_used_address)))
        if token.last_used_agent:
            lines.append(_field("  client", fmt.safe(token.last_used_agent)))
    if token.databases is not None:
        lines.append(_field("Databases", fmt.databases(token)))
    if token.replaces is not None:
        lines.append(_field("Replaces", token.replaces))
    if token.replaced_by is not None:
        lines.append(_field("Replaced", f"by {token.replaced_by}"))
    if token.note:
        lines.append(_field("Note", fmt.safe(token.note)))
    if token.revoked_at is not None:
        lines.append(_field("Revoked", fmt.when(token.revoked_at)))
        if token.revoked_by:
            # On a line of its own under the date, so that a narrow panel never wraps the name
            # away from its "by".
            lines.append(_field("", f"by {fmt.safe(token.revoked_by)}"))
    return Content("\n").join(lines)


def describe_access(token: TokenInfo, access: Sequence[FormAccess], now: datetime) -> Content:
    """What this token can actually do, form by form: the account's grant ∩ the token's scope."""
    heading = Content("What this token can do").stylize("bold")
    if not token.is_active(now):
        word = "revoked" if token.status(now) is store.TokenStatus.REVOKED else "expired"
        return Content.assemble(heading, "\n", (f"Nothing: the token is {word}.", "$text-muted"))
    if not access:
        return Content.assemble(
            heading, "\n", ("Nothing yet: your account has no permission on any form.", "$text-muted")
        )
    lines = [heading]
    database = None
    limited = False
    for item in access:
        if item.database != database:
            database = item.database
            lines.append(Content(fmt.safe(database)).stylize("underline"))
        outside = token.databases is not None and item.database not in token.databases
        can = frozenset() if outside else store.effective_actions(item.granted, token.scope)
        limited = limited or can != item.granted
        # ✓/✗ carry the meaning without colour or strike-through, which not every terminal shows.
        marks = Content(" ").join(
            Content(f"✓{a.value}").stylize("$success") if a in can
            else Content(f"✗{a.value}").stylize("$text-disabled strike")
            for a in store.ALL_ACTIONS
            if a in item.granted
        )
        lines.append(Content.assemble("  ", Content(fmt.safe(item.form)), "\n    ", marks))
    if limited:
        why = "scope or databases" if token.databases is not None else "scope"
        lines.append(Content(f"✗: your account may, this token's {why} may not.").stylize("$text-muted"))
    lines.append(Content("A token can only limit: it never does more than your account may.").stylize("$text-muted"))
    return Content("\n").join(lines)


class DetailPanel(VerticalScroll, can_focus=True):
    """Details of one token. Tab reaches the "Revoke token" button.

    While it has the focus, its parent has the class ``-detail-open``: on a small terminal the
    panel is folded away and opens in the list's place only then (see app.tcss).

    | Key(s) | Description |
    | :- | :- |
    | escape, left | Back to the token list. |
    """

    BINDING_GROUP_TITLE = "In the token's details"

    BINDINGS = [Binding("escape,left", "back", "Back to the list", id="details.back", show=False)]

    class RevokeRequested(Message):
        def __init__(self, token: TokenInfo) -> None:
            super().__init__()
            self.token = token

    class RotateRequested(Message):
        def __init__(self, token: TokenInfo) -> None:
            super().__init__()
            self.token = token

    class EditRequested(Message):
        def __init__(self, token: TokenInfo) -> None:
            super().__init__()
            self.token = token

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._token: TokenInfo | None = None
        self._access: Sequence[FormAccess] = ()
        self._made: _Controls | None = None

    def compose(self) -> ComposeResult:
        # Two blocks, stacked in a side panel and side by side in a panel under the list. The usage
        # line and the buttons join the first block when a token is first shown (see _controls):
        # the panel is hidden until then, so the first frame does without them.
        with Vertical(id="detail-summary"):
            yield Static(Content("Select a token to see its details."), id="detail-facts")
        yield Static(id="detail-access")

    def _controls(self) -> _Controls:
        """The usage line and the buttons, made when a token is first shown."""
        if self._made is None:
            from .usage import UsageGlance

            usage = UsageGlance(id="detail-usage")
            rotate = Button("Rotate", id="rotate-button", compact=True)
            edit = Button("Edit", id="edit-button", compact=True)
            revoke = Button("Revoke token", id="revoke-button", variant="error", compact=True)
            # One mount, the row's buttons given as its children: a second mount into the row would
            # fail if the screen is taken down in between (quitting just as the first list arrives).
            row = Horizontal(rotate, edit, id="detail-buttons")
            self.query_one("#detail-summary").mount(usage, row, revoke)
            self._made = _Controls(usage, rotate, edit, revoke)
        return self._made

    @property
    def token(self) -> TokenInfo | None:
        return self._token

    def show(self, token: TokenInfo | None, access: Sequence[FormAccess]) -> None:
        self._token = token
        self._access = access
        facts = self.query_one("#detail-facts", Static)
        access_view = self.query_one("#detail-access", Static)
        if token is None:
            facts.update(Content("No token selected."))
            access_view.update("")
            if self._made is not None:
                for widget in self._made:
                    widget.display = False
            return
        controls = self._controls()
        now = self.app.now()  # type: ignore[attr-defined]
        facts.update(describe_token(token, now))
        controls.usage.display = True
        controls.usage.show(token, now)
        access_view.update(describe_access(token, access, now))
        read_only = bool(getattr(self.app, "read_only", False))
        controls.revoke.display = token.revoked_at is None and not read_only
        controls.rotate.display = token.is_active(now) and token.replaced_by is None and not read_only
        controls.edit.display = not read_only

    def action_back(self) -> None:
        self._set_open(False)
        for table in self.screen.query("TokenTable"):
            # After the list is laid out again: on a small terminal it was folded away.
            self.call_after_refresh(table.focus)
            break

    def on_focus(self) -> None:
        self._set_open(True)

    def on_descendant_focus(self) -> None:
        self._set_open(True)

    def on_blur(self) -> None:
        self._set_open(self.has_focus_within)

    def on_descendant_blur(self) -> None:
        self._set_open(self.has_focus_within)

    def _set_open(self, is_open: bool) -> None:
        if self.parent is not None:
            self.parent.set_class(is_open, "-detail-open")

    def on_button_pressed(self, event: Button.Pressed) -> None:
        requests = {"revoke-button": self.RevokeRequested, "rotate-button": self.RotateRequested,
                    "edit-button": self.EditRequested}
        if event.button.id in requests and self._token is not None:
            event.stop()
            self.post_message(requests[event.button.id](self._token))

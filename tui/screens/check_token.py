"""Check a token (administrators): paste a token found in a log or a repository, and learn whose
it is, its label, scope and status — never seeing the secret again — and revoke it from here.

The input is masked and emptied as soon as the store has the token; the answer names only the
token's public id.
"""

from __future__ import annotations

from typing import ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.message import Message
from textual.widgets import Button, Input, Static
from textual.worker import Worker, WorkerState

from store import InvalidToken, StoreError, TokenInfo, TokenNotFound

from .. import format as fmt
from ..widgets.footer import KeyFooter
from .dialog import DialogScreen

NOT_FOUND = "No such token: it is not one of this database's tokens (or it was mistyped)."
MALFORMED = "That is not a token: tokens start with tkn_ and are 54 characters long (checksum included)."


class CheckTokenScreen(DialogScreen[TokenInfo | None]):
    """Dismisses with the token to revoke (after "Revoke token"), or ``None``.

    | Key(s) | Description |
    | :- | :- |
    | enter | Check the pasted token. |
    | ctrl+x | Revoke the token found (asks first). |
    | escape | Close. |
    """

    AUTO_FOCUS = "#check-input"

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "close", "Close", id="check_token.close"),
        # Above the input's own ctrl+x (cut), which a masked input has no use for.
        Binding("ctrl+x", "revoke", "Revoke it", id="check_token.revoke", priority=True),
    ]

    DEFAULT_CSS = """
    CheckTokenScreen #check-result { margin-top: 1; height: auto; }
    CheckTokenScreen #check-buttons { height: auto; margin-top: 1; align-horizontal: right; }
    CheckTokenScreen #check-buttons > Button { margin-left: 2; }
    CheckTokenScreen #check-revoke { display: none; }
    CheckTokenScreen.-revocable #check-revoke { display: block; }
    """

    class Found(Message):
        def __init__(self, token: TokenInfo | None, problem: str | None) -> None:
            super().__init__()
            self.token = token
            self.problem = problem

    def __init__(self) -> None:
        super().__init__()
        self.found: TokenInfo | None = None

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog") as dialog:
            dialog.border_title = "Check a token"
            yield Static(Content("Paste a token found in a log or a repository, then press enter. "
                                 "It is not shown, and not kept."), id="check-intro")
            yield Input(placeholder="tkn_…", password=True, id="check-input")
            yield Static("", id="check-result")
            with Horizontal(id="check-buttons"):
                yield Button("Revoke token", variant="error", id="check-revoke")
                yield Button("Close", id="check-close")
        yield KeyFooter()

    @on(Input.Submitted, "#check-input")
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        value = event.value.strip()
        # The secret leaves the screen at once; the worker holds it until the store has answered.
        event.input.value = ""
        if not value:
            return
        self.query_one("#check-result", Static).update(Content("Checking…"))
        self.look_up(value)

    # Named here: by default Textual describes a worker by its arguments, and logs it so.
    @work(thread=True, exclusive=True, group="lookup", exit_on_error=False, description="look up a pasted token")
    def look_up(self, token: str) -> None:
        app = self.app
        try:
            found = app.store.lookup(app.actor, token)  # type: ignore[attr-defined]
        except InvalidToken:
            self.post_message(self.Found(None, MALFORMED))
        except TokenNotFound:
            self.post_message(self.Found(None, NOT_FOUND))
        else:
            self.post_message(self.Found(found, None))

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.state is WorkerState.ERROR:
            error = event.worker.error
            reason = str(error) if isinstance(error, StoreError) else f"unexpected error ({type(error).__name__})"
            self.post_message(self.Found(None, f"Cannot check the token: {fmt.safe(reason)}"))

    def on_check_token_screen_found(self, message: Found) -> None:
        result = self.query_one("#check-result", Static)
        self.found = message.token
        if message.token is None:
            result.update(Content(message.problem or NOT_FOUND).stylize("$error"))
        else:
            result.update(describe_found(message.token, self.app.now()))  # type: ignore[attr-defined]
        revocable = message.token is not None and message.token.revoked_at is None and not getattr(self.app, "read_only", False)
        self.set_class(revocable, "-revocable")
        self.refresh_bindings()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "revoke":
            if getattr(self.app, "read_only", False):
                return False
            return self.found is not None and self.found.revoked_at is None
        return True

    @on(Button.Pressed, "#check-revoke")
    def action_revoke(self) -> None:
        if self.found is not None and self.found.revoked_at is None:
            self.dismiss(self.found)

    @on(Button.Pressed, "#check-close")
    def action_close(self) -> None:
        self.dismiss(None)


def describe_found(token: TokenInfo, now) -> Content:  # type: ignore[no-untyped-def]
    status = token.status(now).value
    def field(name: str, value: str) -> Content:
        return Content.assemble((f"{name:<10}", "dim"), value)

    lines = [
        Content.assemble("This token belongs to ", (fmt.safe(token.account), "bold"), "."),
        field("Label", fmt.safe(token.label)),
        field("ID", token.id),
        field("Scope", token.scope.title),
        field("Status", status.capitalize()),
        field("Created", fmt.when(token.created_at)),
        field("Last used", fmt.relative(token.last_used_at, now)),
    ]
    if token.revoked_at is not None:
        lines.append(field("Revoked", fmt.revoked(token)))
    return Content("\n").join(lines)

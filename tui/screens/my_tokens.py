"""My tokens: the acting account's own API tokens, with their details and what each can do.

Bindings:
    a: add a token · r: revoke the highlighted token · o: rotate it · e: rename it or edit its note
    /: filter by label · escape: clear it
    v: show or hide revoked tokens (the list's own keys: j/k, g/G, enter)
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import TYPE_CHECKING, ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.reactive import reactive
from textual.widgets import Button, Input, Static
from textual.worker import get_current_worker

import store

from .. import defaults
from .. import format as fmt
from ..messages import (
    AddRefused,
    TokenCreated,
    TokenEdited,
    TokenRevoked,
    TokenRotated,
    TokensLoaded,
)
from ..widgets.detail_panel import DetailPanel
from ..widgets.plain_input import PlainInput
from ..widgets.token_table import TokenTable
from ..read_only import EMPTY_HINT as READ_ONLY_EMPTY
from ..read_only import REFUSAL as READ_ONLY_REFUSAL
from ..read_only import refuses
from .section import SectionScreen

if TYPE_CHECKING:
    from store import FormAccess, TokenInfo

    from .add_token import AddTokenRequest

    from .edit_token import EditTokenRequest

EMPTY_HINT = (
    "No tokens yet. Press  a  to add your first token.\n\n"
    "Give each application and device its own token (e.g. 'Power BI – office laptop'), "
    "so you know which one to revoke when you are done with it."
)

READ_FAILED = "Cannot read your tokens"


class MyTokensScreen(SectionScreen):
    """The account's own tokens, newest first, and the highlighted one's details."""

    SECTION = "tokens"
    DOING: ClassVar[dict[str, str]] = {
        "reload_tokens": READ_FAILED,
        "create_token": "The token was not created",
        "revoke_token": "The token was not revoked",
        "rotate_token": "The token was not rotated",
        "edit_token": "The token was not changed",
    }

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("a", "add_token", "Add", id="add-token"),
        Binding("r", "revoke_token", "Revoke", id="revoke-token"),
        Binding("o", "rotate_token", "Rotate", id="rotate-token"),
        Binding("e", "edit_token", "Edit", id="edit-token"),
        Binding("slash", "filter", "Filter", id="filter"),
        Binding("v", "toggle_revoked", "Revoked", id="toggle-revoked"),
        # Not in the footer, which small terminals need for the keys above; help and palette offer it.
        Binding("u", "sort_by_use", "Least used first", id="sort-least-used", show=False),
        Binding("escape", "clear_filter", "Clear filter", id="clear-filter", show=False),
    ]

    show_revoked: reactive[bool] = reactive(defaults.SHOW_REVOKED, init=False)
    filter_text: reactive[str] = reactive("", init=False)
    #: The list's order: newest first, or (``u``) least used first.
    least_used_first: reactive[bool] = reactive(False, init=False)

    def __init__(self) -> None:
        super().__init__()
        self.tokens: list[TokenInfo] = []
        self.access: list[FormAccess] = []
        self.policy: store.LifetimePolicy | None = None
        #: The start-up warning about tokens that expire soon is given once.
        self._expiry_warned = False
        self.loaded = False
        #: The token to select when the list is next read (one this section just changed).
        self._select_next: str | None = None
        self.error: str | None = None
        self._binding_state: tuple[object, ...] = (False, False)

    def compose_page(self) -> ComposeResult:
        with Horizontal(id="tokens-page"):
            with Vertical(id="list-pane"):
                with Horizontal(id="list-header"):
                    # The Add token button joins the title with the first list (see _add_button).
                    yield Static(Content("API tokens").stylize("bold"), id="page-title")
                yield Static(
                    Content("Tokens let Power BI, scripts and other programs use your account."),
                    id="page-intro",
                )
                yield PlainInput(placeholder="/ filter by label", id="filter", compact=True)
                yield Static(Content("Opening the database…"), id="list-message")
                yield TokenTable(id="token-table")
            yield DetailPanel(id="detail")

    def focus_page(self) -> None:
        table = self.query_one(TokenTable)
        add = self.query("#add-button")
        if table.display or not add:
            table.focus()
        else:
            add.first().focus()

    def _add_button(self) -> None:
        """Put the Add token button beside the title, once: with the first list, when adding can
        work (never in a read-only session). Textual's button styles are the longest of any widget
        the screen has; read before the first frame, they cost it about 4 % of its instructions."""
        if self.tokens_app.read_only or self.query("#add-button"):
            return
        self.query_one("#list-header").mount(Button("Add token", id="add-button", variant="primary", compact=True))

    # ------------------------------------------------------------------ workers

    def load(self) -> None:
        self.reload_tokens()

    def _written(self, select_id: str) -> None:
        """A change made here: the next list read selects ``select_id``."""
        self._select_next = select_id
        self.tokens_app.data_written(self)

    @work(thread=True, exclusive=True, group="load", exit_on_error=False)
    def reload_tokens(self) -> None:
        app = self.tokens_app
        assert app.store is not None and app.actor is not None
        try:
            tokens = app.store.list_tokens(app.actor, include_revoked=True)
            access = app.store.account_access(app.actor)
        except store.UnknownAccount:
            if not app.read_only:
                raise
            tokens, access = [], []  # a read-only session made no account: it has no tokens
        policy = app.store.lifetime_policy()
        if get_current_worker().is_cancelled:
            return  # a newer read replaced this one; its answer must not overwrite the newer
        self.post_message(TokensLoaded(tokens, access, policy))

    @work(thread=True, group="write", exit_on_error=False)
    def create_token(self, request: AddTokenRequest) -> None:
        app = self.tokens_app
        assert app.store is not None and app.actor is not None
        if app.read_only:
            raise store.StoreError(READ_ONLY_REFUSAL)
        try:
            new = app.store.create_token(app.actor, request.label, request.scope, request.expires_at,
                                         databases=request.databases, note=request.note)
        except store.InvalidInput as exc:
            self.post_message(AddRefused(request, str(exc)))
            return
        # The secret travels in this one message to the reveal screen; the worker keeps nothing.
        self.post_message(TokenCreated(new))
        del new

    @work(thread=True, group="write", exit_on_error=False)
    def revoke_token(self, token: TokenInfo) -> None:
        app = self.tokens_app
        assert app.store is not None and app.actor is not None
        if app.read_only:
            raise store.StoreError(READ_ONLY_REFUSAL)
        revoked = app.store.revoke(app.actor, token.id)
        self.post_message(TokenRevoked(revoked))

    @work(thread=True, group="write", exit_on_error=False)
    def rotate_token(self, token: TokenInfo, overlap: timedelta) -> None:
        app = self.tokens_app
        assert app.store is not None and app.actor is not None
        new = app.store.rotate(app.actor, token.id, overlap=overlap)
        # The new secret travels in this one message to the reveal screen, like a created one.
        self.post_message(TokenRotated(new, token.id))
        del new

    @work(thread=True, group="write", exit_on_error=False)
    def edit_token(self, request: EditTokenRequest) -> None:
        app = self.tokens_app
        assert app.store is not None and app.actor is not None
        edited = app.store.edit_token(app.actor, request.token_id, label=request.label, note=request.note)
        self.post_message(TokenEdited(edited))

    def store_failed(self, doing: str, reason: str) -> None:
        if self._widgets_gone():
            return
        if not self.loaded:
            self.error = f"{doing}.\n{reason}"
            self._show_tokens()
        elif self.tokens_app.store is not None and doing != READ_FAILED:
            # A refused change often means another session changed the token: show what is true now.
            self.reload_tokens()

    def opening_failed(self, message: str) -> None:
        """The store could not be opened: say so where the list would be."""
        self.error = message
        self.loaded = False
        self._show_tokens()

    def reopening(self) -> None:
        self.error = None
        self.loaded = False
        self._show_tokens()

    # ------------------------------------------------------------------ messages from workers

    def _widgets_gone(self) -> bool:
        """Whether the screen's widgets are gone: a worker's answer that arrives while the app
        shuts down has nothing left to show it in."""
        return not self.query("#token-table")

    def on_tokens_loaded(self, message: TokensLoaded) -> None:
        if self._widgets_gone():
            return
        first = not self.loaded
        self.loaded = True
        self.error = None
        self.tokens = message.tokens
        self.access = message.access
        self.policy = message.policy
        # After a change made here, the list selects the token it made or changed (see _written).
        select_id = self._select_next
        if select_id is not None and any(t.id == select_id for t in self.tokens):
            self._select_next = None
        self._add_button()
        self._show_tokens(select_id=select_id)
        self._show_expiring()
        if first and self.app.focused is None and self.is_current_section:
            self.focus_page()
        if first:
            # Checking the config's binding ids imports every screen: not before the list is up.
            self.call_after_refresh(self.tokens_app.check_binding_ids)

    def on_token_created(self, message: TokenCreated) -> None:
        info = message.new.info
        from .reveal_secret import RevealSecretScreen

        self.app.push_screen(RevealSecretScreen(info, message.new.secret))
        message.new = None  # type: ignore[assignment]
        self._written(info.id)

    def on_add_refused(self, message: AddRefused) -> None:
        request = message.request
        self._open_add(label=request.label, scope=request.scope, expiry=request.expiry_choice, error=message.reason,
                       databases=request.databases, note=request.note or "")

    def on_token_rotated(self, message: TokenRotated) -> None:
        message.stop()
        info, stops_at = message.new.info, message.new.replaced_stops_at
        from .reveal_secret import RevealSecretScreen

        self.app.push_screen(RevealSecretScreen(info, message.new.secret))
        message.new = None  # type: ignore[assignment]
        stops = f"at {fmt.when(stops_at)}" if stops_at is not None and stops_at > self.tokens_app.now() else "now"
        self.notify(
            f"Rotated “{fmt.safe(info.label)}”: the old token {message.old_id} stops {stops}. "
            "Give the new secret to the program that uses it.",
            title="Token rotated",
            markup=False,
        )
        self._written(info.id)

    def on_token_edited(self, message: TokenEdited) -> None:
        message.stop()
        self.notify(f"Saved “{fmt.safe(message.info.label)}”.", title="Token changed", markup=False, timeout=3)
        self._written(message.info.id)

    def on_token_revoked(self, message: TokenRevoked) -> None:
        message.stop()
        self.notify(
            f"Revoked “{fmt.safe(message.info.label)}”. Applications using it are refused from now on.",
            title="Token revoked",
            markup=False,
        )
        self._written(message.info.id)

    # ------------------------------------------------------------------ showing

    def visible_tokens(self) -> list[TokenInfo]:
        needle = self.filter_text.strip().casefold()
        shown = [
            t
            for t in self.tokens
            if (self.show_revoked or t.revoked_at is None) and (not needle or needle in t.label.casefold())
        ]
        if self.least_used_first:
            from ..widgets.usage import least_used_first

            return least_used_first(shown, self.tokens_app.now())
        return shown

    def _show_tokens(self, select_id: str | None = None) -> None:
        table = self.query_one(TokenTable)
        message = self.query_one("#list-message", Static)
        rows = self.visible_tokens()
        if self.error is not None:
            text = Content.assemble((self.error, "$error"), "\n\nPress ctrl+r to try again, ctrl+q to quit.")
        elif not self.loaded:
            text = Content("Opening the database…")
        elif not self.tokens:
            text = Content(READ_ONLY_EMPTY if self.tokens_app.read_only else EMPTY_HINT)
        elif not rows and self.filter_text:
            text = Content(f"No token label contains “{fmt.safe(self.filter_text)}”. Press escape to clear the filter.")
        elif not rows:
            text = Content("All your tokens are revoked. Press v to show them"
                           + ("." if self.tokens_app.read_only else ", or a to add a new one."))
        else:
            text = None
        message.update(text or "")
        message.display = text is not None
        table.display = bool(rows)
        table.set_rows(rows, keep_id=select_id)
        self._show_detail(table.highlighted)
        self._bindings_changed()

    def _show_expiring(self) -> None:
        """The sidebar's count of tokens that stop within a week, and the one start-up warning."""
        now = self.tokens_app.now()
        soon = sorted((t for t in self.tokens if t.expires_within(store.EXPIRES_SOON, now)),
                      key=lambda t: t.expires_at)  # type: ignore[arg-type,return-value]
        self.tokens_app.expiring_count = len(soon)
        sidebar = self.sidebar()
        if sidebar is not None:
            sidebar.show_expiring(len(soon))
        if soon and not self._expiry_warned:
            names = ", ".join(f"“{fmt.safe(t.label)}” ({fmt.status(t, now)})" for t in soon[:3])
            more = f" and {len(soon) - 3} more" if len(soon) > 3 else ""
            count = "1 token expires" if len(soon) == 1 else f"{len(soon)} tokens expire"
            self.notify(
                f"{count} within 7 days: {names}{more}. Rotate with o to keep its program working.",
                title="Expiring soon",
                severity="warning",
                markup=False,
                timeout=10,
            )
        # Said once per start, whether or not there was anything to say at the first read.
        self._expiry_warned = True

    def _show_detail(self, token: TokenInfo | None) -> None:
        panel = self.query_one(DetailPanel)
        panel.display = token is not None
        panel.show(token, self.access)

    @on(TokenTable.Highlighted)
    def _highlighted(self, event: TokenTable.Highlighted) -> None:
        self._show_detail(event.token)
        self._bindings_changed()

    def _bindings_changed(self) -> None:
        """Refresh the footer only when what it shows can change: rebuilding it on every cursor
        move costs more than the move itself."""
        token = self.query_one(TokenTable).highlighted if self.loaded else None
        state = (self.tokens_app.store is not None, token is not None and token.revoked_at is None)
        if state != self._binding_state:
            self._binding_state = state
            self.refresh_bindings()

    @on(TokenTable.Selected)
    def _selected(self, event: TokenTable.Selected) -> None:
        self.query_one(DetailPanel).focus()

    @on(DetailPanel.RotateRequested)
    def _rotate_requested(self, event: DetailPanel.RotateRequested) -> None:
        self._confirm_rotate(event.token)

    @on(DetailPanel.EditRequested)
    def _edit_requested(self, event: DetailPanel.EditRequested) -> None:
        self._open_edit(event.token)

    @on(DetailPanel.RevokeRequested)
    def _revoke_requested(self, event: DetailPanel.RevokeRequested) -> None:
        self._confirm_revoke(event.token)

    @on(Button.Pressed, "#add-button")
    def _add_pressed(self) -> None:
        self.action_add_token()

    @on(Input.Changed, "#filter")
    def _filter_changed(self, event: Input.Changed) -> None:
        self.filter_text = event.value

    @on(Input.Submitted, "#filter")
    def _filter_submitted(self, event: Input.Submitted) -> None:
        self.query_one(TokenTable).focus()

    def watch_filter_text(self) -> None:
        if self.is_mounted:
            self._show_tokens()

    def watch_show_revoked(self) -> None:
        if self.is_mounted:
            self._show_tokens()

    def select_token(self, token_id: str) -> None:
        """Put the cursor on a token (revealing it if hidden by the filter or the toggle)."""
        if not any(t.id == token_id for t in self.visible_tokens()):
            self.query_one("#filter", Input).value = ""
            self.filter_text = ""
            self.show_revoked = True
        table = self.query_one(TokenTable)
        self._show_tokens(select_id=token_id)
        table.focus()

    # ------------------------------------------------------------------ actions

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if refuses(self, action):
            return False  # hidden from the footer and the palette, and the key does nothing
        if action == "revoke_token":
            token = self.query_one(TokenTable).highlighted if self.loaded else None
            if token is None or token.revoked_at is not None:
                return None  # shown, but greyed out: there is nothing to revoke here
        if action in ("rotate_token", "edit_token"):
            token = self.query_one(TokenTable).highlighted if self.loaded else None
            if token is None or (action == "rotate_token" and not _rotatable(token, self.tokens_app.now())):
                return None  # shown, but greyed out
        if action == "add_token" and self.tokens_app.store is None:
            return None
        if action == "clear_filter":
            return bool(self.filter_text) or self.focused is self.query_one("#filter", Input)
        return True

    def action_add_token(self) -> None:
        if self.tokens_app.read_only:
            self.notify(READ_ONLY_REFUSAL, severity="warning", markup=False)
            return
        if self.tokens_app.store is None:
            self.notify("The tokens database is not open.", severity="warning", markup=False)
            return
        self._open_add()

    def _open_add(self, *, label: str = "", scope: store.Scope | None = None, expiry: str = defaults.EXPIRY,
                  error: str | None = None, databases: tuple[str, ...] | None = None, note: str = "") -> None:
        from .add_token import AddTokenScreen

        scope = store.Scope.READ if scope is None else scope
        now = self.tokens_app.now()
        labels = [t.label for t in self.tokens if t.is_active(now)]
        self.app.push_screen(
            AddTokenScreen(labels, label=label, scope=scope, expiry=expiry, error=error, access=self.access,
                           policy=self.policy, databases=databases, note=note),
            self._add_answered,
        )

    def _add_answered(self, request: AddTokenRequest | None) -> None:
        if request is None:
            return
        try:
            from ..app import _preload_dialogs

            _preload_dialogs()  # before the token exists: without them its secret could not be shown
        except ImportError:
            self.notify(
                "The token was not created: tokens was updated while it was running. Quit (ctrl+q) and start it again.",
                title="Error",
                severity="error",
                markup=False,
                timeout=15,
            )
            return
        self.create_token(request)

    def action_rotate_token(self) -> None:
        token = self.query_one(TokenTable).highlighted
        if token is not None:
            self._confirm_rotate(token)

    def _confirm_rotate(self, token: TokenInfo) -> None:
        now = self.tokens_app.now()
        if not _rotatable(token, now):
            why = "it was already rotated" if token.replaced_by else f"it is {token.status(now).value}"
            self.notify(f"This token cannot be rotated: {why}.", markup=False)
            return

        def answered(overlap: timedelta | None) -> None:
            if overlap is None:
                return
            try:
                from ..app import _preload_dialogs

                _preload_dialogs()  # before the new token exists: its secret must be shown
            except ImportError:
                self.notify("The token was not rotated: tokens was updated while it was running. "
                            "Quit (ctrl+q) and start it again.", title="Error", severity="error", markup=False)
                return
            self.rotate_token(token, overlap)

        from .confirm_rotate import ConfirmRotateScreen

        self.app.push_screen(ConfirmRotateScreen(token, now), answered)

    def action_edit_token(self) -> None:
        token = self.query_one(TokenTable).highlighted
        if token is not None:
            self._open_edit(token)

    def _open_edit(self, token: TokenInfo) -> None:
        from .edit_token import EditTokenScreen

        now = self.tokens_app.now()
        labels = [t.label for t in self.tokens if t.is_active(now) and t.id != token.id]

        def answered(request: EditTokenRequest | None) -> None:
            if request is not None:
                self.edit_token(request)

        self.app.push_screen(EditTokenScreen(token, labels), answered)

    def action_revoke_token(self) -> None:
        token = self.query_one(TokenTable).highlighted
        if token is not None:
            self._confirm_revoke(token)

    def _confirm_revoke(self, token: TokenInfo) -> None:
        if token.revoked_at is not None:
            self.notify("This token is already revoked.", markup=False)
            return

        def answered(confirmed: bool | None) -> None:
            if confirmed:
                self.revoke_token(token)

        from .confirm_revoke import ConfirmRevokeScreen

        self.app.push_screen(ConfirmRevokeScreen(token), answered)

    def action_filter(self) -> None:
        self.query_one("#filter", Input).focus()

    def action_clear_filter(self) -> None:
        self.query_one("#filter", Input).value = ""
        self.filter_text = ""
        self.query_one(TokenTable).focus()

    def watch_least_used_first(self) -> None:
        if self.is_mounted:
            self._show_tokens()

    def action_sort_by_use(self) -> None:
        self.least_used_first = not self.least_used_first
        order = "least used first" if self.least_used_first else "newest first"
        self.notify(f"Tokens are listed {order}.", markup=False, timeout=2)

    def action_toggle_revoked(self) -> None:
        self.show_revoked = not self.show_revoked
        shown = "shown" if self.show_revoked else "hidden"
        self.notify(f"Revoked tokens are {shown}.", markup=False, timeout=2)


def _rotatable(token: TokenInfo, now: datetime) -> bool:
    return token.is_active(now) and token.replaced_by is None

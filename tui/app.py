"""The ``tokens`` terminal app: API tokens of one account, keyboard first, safe over SSH.

Data flows one way: a key → an action → a worker thread → one store call → a message back →
the widgets update. The database layer is imported in the first worker, after the first paint.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterable
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from textual import events, on, work
from textual.app import App, ComposeResult, SystemCommand
from textual.binding import Binding
from textual.command import CommandPalette
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.reactive import reactive
from textual.screen import Screen
from textual.widgets import Button, ContentSwitcher, Footer, Input, OptionList, Static
from textual.worker import Worker, WorkerState, get_current_worker

import store
from store import FormAccess, StoreError, TokenInfo

from . import defaults
from . import format as fmt
from .commands import TokenCommands
from .config import Config
from .read_only import CHANGING_ACTIONS
from .read_only import EMPTY_HINT as READ_ONLY_EMPTY
from .read_only import REFUSAL as READ_ONLY_REFUSAL
from .messages import AddRefused, AddTokenRequest, StoreFailed, StoreOpened, TokenCreated, TokenRevoked, TokensLoaded
from .widgets.detail_panel import DetailPanel
from .widgets.header import TitleHeader
from .widgets.plain_input import PlainInput
from .widgets.profile import ProfilePage
from .widgets.sidebar import Sidebar
from .widgets.token_table import TokenTable

if TYPE_CHECKING:
    from store import TokenStore

EMPTY_HINT = (
    "No tokens yet. Press  a  to add your first token.\n\n"
    "Give each application and device its own token (e.g. 'Power BI – office laptop'), "
    "so you know which one to revoke when you are done with it."
)

READ_FAILED = "Cannot read your tokens"
#: Actions of the main screen, refused while a dialog is open.
MAIN_SCREEN_ACTIONS = frozenset(
    {"add_token", "revoke_token", "filter", "toggle_revoked", "sort_by_use", "reload", "show_page", "clear_filter"}
)
#: How often the list is read again, so revocations and last-used times from elsewhere show up.
REFRESH_SECONDS = 30


class TokensApp(App[None]):
    """Personal API tokens.

    Bindings (the footer shows those that work right now):
        a: add a token · r: revoke the highlighted token · /: filter by label
        v: show or hide revoked tokens · ?: help · ctrl+p: command palette · ctrl+q: quit
    """

    TITLE = "tokens"
    # Absolute, so that subclasses defined elsewhere find it too.
    CSS_PATH = Path(__file__).parent / "app.tcss"
    COMMANDS = App.COMMANDS | {TokenCommands}
    # Below 150 columns the detail panel moves under the list, so the list keeps its columns;
    # below 60 columns or 20 lines it folds away until focused (app.tcss).
    # Focus goes to the list once it is filled; focusing something first only rebuilds the footer.
    AUTO_FOCUS = None
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (60, "-medium"), (76, "-normal"), (150, "-wide")]
    VERTICAL_BREAKPOINTS = [(0, "-short"), (20, "-low"), (24, "-tall")]

    BINDINGS = [
        Binding("a", "add_token", "Add", id="add-token"),
        Binding("r", "revoke_token", "Revoke", id="revoke-token"),
        Binding("slash", "filter", "Filter", id="filter"),
        Binding("v", "toggle_revoked", "Revoked", id="toggle-revoked"),
        # Not in the footer, which small terminals need for the keys above; help and palette offer it.
        Binding("u", "sort_by_use", "Least used first", id="sort-least-used", show=False),
        Binding("question_mark", "help", "Help", id="help"),
        Binding("ctrl+r", "reload", "Reload", id="reload", show=False),
        Binding("escape", "clear_filter", "Clear filter", id="clear-filter", show=False),
    ]

    show_revoked: reactive[bool] = reactive(defaults.SHOW_REVOKED, init=False)
    filter_text: reactive[str] = reactive("", init=False)
    #: The list's order: newest first, or (``u``) least used first.
    least_used_first: reactive[bool] = reactive(False, init=False)

    def __init__(
        self,
        db: str | None = None,
        account: str | None = None,
        *,
        clock: Callable[[], datetime] = store.utcnow,
        read_only: bool = False,
        config: Config | None = None,
    ) -> None:
        super().__init__()
        #: Opened only to look: every changing action is hidden and refused (``tokens --read-only``).
        self.read_only = read_only
        self.now = clock
        self._db_arg = db
        #: ``--account``: act as this account (allowed to administrators); else the login name.
        self._as_account = account
        self.account = account or store.login_name()
        self.actor: store.Actor | None = None
        self.store: TokenStore | None = None
        self.location = store.describe(store.resolve_target(db)) if _cheap_target(db) else "database"
        self.tokens: list[TokenInfo] = []
        self.access: list[FormAccess] = []
        self.loaded = False
        self.error: str | None = None
        shown = fmt.safe(self.account)
        self.sub_title = self._sub_title(shown if self.location == "database" else f"{shown} · {self.location}")
        self._binding_state: tuple[object, ...] = (False, False)
        self._apply_config(config)

    def _sub_title(self, text: str) -> str:
        # First, so that a long database path cut at the edge never hides it.
        return f"read-only · {text}" if self.read_only else text

    # ------------------------------------------------------------------ config file

    def _apply_config(self, config: Config | None) -> None:
        """The user's keys and theme, before the first frame; problems are told once it is up."""
        from . import config as config_file

        if config is None:
            config = config_file.load(themes=self.available_themes)
        elif config.theme is not None and config.theme not in self.available_themes:
            config = config_file.Config(config.path, config.keymap, None,
                                        config.problems + (f"there is no theme {config.theme!r}",))
        self.config = config
        self._binding_ids_checked = False
        if config.keymap:
            self.set_keymap(config.keymap)
        #: The theme the file names: picking another in the palette writes it there.
        self._remembered_theme = config.theme or self.theme
        if config.theme is not None:
            # Without its watcher for now: Textual runs it once at start-up anyway, and running it
            # here as well would parse all the app's CSS a second time before the first frame.
            self.set_reactive(App.theme, config.theme)

    def _tell_config_problems(self, problems: tuple[str, ...]) -> None:
        if problems:
            self.notify(
                "\n".join(fmt.safe(problem) for problem in problems) + "\nThe defaults are used instead.",
                title=f"Config file {fmt.safe(str(self.config.path))}",
                severity="warning",
                markup=False,
                timeout=12,
            )

    def _check_binding_ids(self) -> None:
        """Name the keymap's unknown binding ids. Finding every id imports every screen, so this
        waits until the list is on the screen (or has failed to come)."""
        if not self.config.keymap or self._binding_ids_checked:
            return
        self._binding_ids_checked = True
        from .bindings import bindings_with_ids

        checked = self.config.without_unknown_ids(bindings_with_ids())
        if checked is not self.config:
            new = checked.problems[len(self.config.problems):]
            self.config = checked
            self.set_keymap(checked.keymap)
            self._tell_config_problems(new)

    def watch_theme(self, theme: str) -> None:
        # The palette's "Change theme" sets this; remember the choice for the next start.
        if self.is_mounted and theme != self._remembered_theme:
            self._remembered_theme = theme
            self.remember_theme(theme)

    @work(thread=True, group="config", exit_on_error=False)
    def remember_theme(self, theme: str) -> None:
        from .config import save_theme

        try:
            save_theme(self.config.path, theme)
        except (OSError, ValueError) as exc:
            reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else "the file is not valid TOML"
            self.call_from_thread(
                self.notify,
                f"The theme was not remembered: {fmt.safe(str(self.config.path))}: {fmt.safe(str(reason))}",
                severity="warning",
                markup=False,
            )

    # ------------------------------------------------------------------ layout

    def compose(self) -> ComposeResult:
        yield TitleHeader()
        with Horizontal(id="body"):
            yield Sidebar(id="sidebar")
            with ContentSwitcher(initial="tokens-page", id="pages"):
                with Horizontal(id="tokens-page"):
                    with Vertical(id="list-pane"):
                        with Horizontal(id="list-header"):
                            yield Static(Content("API tokens").stylize("bold"), id="page-title")
                            yield Button("Add token", id="add-button", variant="primary", compact=True)
                        yield Static(
                            Content("Tokens let Power BI, scripts and other programs use your account."),
                            id="page-intro",
                        )
                        yield PlainInput(placeholder="/ filter by label", id="filter", compact=True)
                        yield Static(Content("Opening the database…"), id="list-message")
                        yield TokenTable(id="token-table")
                    yield DetailPanel(id="detail")
                yield ProfilePage(id="profile-page")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one(Sidebar).select("tokens")
        if self.read_only:
            self.query_one("#add-button").display = False
        self._tell_config_problems(self.config.problems)
        # After the first frame: importing the database layer would compete with painting it.
        self.call_after_refresh(self.open_store)

    # ------------------------------------------------------------------ workers

    @work(thread=True, exclusive=True, group="store", exit_on_error=False)
    def open_store(self) -> None:
        from store import TokenStore

        opened = TokenStore(self._db_arg)
        try:
            # Who is acting is decided once, here at the app's edge (or by the SSH key before the app
            # started); every store call carries it. A read-only session creates nothing, not even
            # its account: it just finds no tokens.
            if self.actor is None:
                self.actor = opened.resolve_actor(store.login_name(), self._as_account, create=not self.read_only)
        except BaseException:
            opened.close()
            raise
        self.store = opened
        self.post_message(StoreOpened(opened.location, self.actor.account))
        self._load()
        # The dialogs stay out of the first frame, but are loaded now, long before a token is
        # made: once a token exists its secret must be shown, even if a newer release has been
        # installed over this one's files meanwhile.
        _preload_dialogs()

    @work(thread=True, exclusive=True, group="load", exit_on_error=False)
    def reload_tokens(self, select_id: str | None = None) -> None:
        self._load(select_id)

    def _load(self, select_id: str | None = None) -> None:
        assert self.store is not None
        assert self.actor is not None
        try:
            tokens = self.store.list_tokens(self.actor, include_revoked=True)
            access = self.store.account_access(self.actor)
        except store.UnknownAccount:
            if not self.read_only:
                raise
            tokens, access = [], []
        if get_current_worker().is_cancelled:
            return  # a newer read replaced this one; its answer must not overwrite the newer
        self.post_message(TokensLoaded(tokens, access, select_id))

    @work(thread=True, group="write", exit_on_error=False)
    def create_token(self, request: AddTokenRequest) -> None:
        assert self.store is not None
        if self.read_only:
            raise StoreError(READ_ONLY_REFUSAL)
        try:
            new = self.store.create_token(self.actor, request.label, request.scope, request.expires_at)  # type: ignore[arg-type]
        except store.InvalidInput as exc:
            self.post_message(AddRefused(request, str(exc)))
            return
        # The secret travels in this one message to the reveal screen; the worker keeps nothing.
        self.post_message(TokenCreated(new))
        del new

    @work(thread=True, group="write", exit_on_error=False)
    def revoke_token(self, token: TokenInfo) -> None:
        assert self.store is not None
        if self.read_only:
            raise StoreError(READ_ONLY_REFUSAL)
        revoked = self.store.revoke(self.actor, token.id)  # type: ignore[arg-type]
        self.post_message(TokenRevoked(revoked))

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        """The one place where a failed store call becomes a message a person can read."""
        if event.state is not WorkerState.ERROR:
            return
        error = event.worker.error
        doing = {
            "open_store": "Cannot open the tokens database",
            "reload_tokens": READ_FAILED,
            "create_token": "The token was not created",
            "revoke_token": "The token was not revoked",
        }.get(event.worker.name, "Something went wrong")
        if isinstance(error, StoreError):
            reason = str(error)
        else:
            reason = f"unexpected error ({type(error).__name__}); nothing was changed"
        self.post_message(StoreFailed(doing, reason))

    # ------------------------------------------------------------------ messages from workers

    def _refresh_periodically(self) -> None:
        # Not while a modal is open: the person is busy with one token, the list can wait. Not
        # while a read is still going either: on a slow database each timer tick would cancel the
        # read before it, and the list would never catch up.
        if self.store is not None and self.screen is self.screen_stack[0] and not self._loading():
            self.reload_tokens()

    def _loading(self) -> bool:
        return any(worker.group in ("load", "store") and not worker.is_finished for worker in self.workers)

    def on_store_opened(self, message: StoreOpened) -> None:
        for warning in self.store.warnings if self.store is not None else ():
            self.notify(warning[0].upper() + warning[1:] + ".", title="Warning", severity="warning", markup=False,
                        timeout=15)
        self.set_interval(REFRESH_SECONDS, self._refresh_periodically)
        self.location = message.location
        self.account = message.account
        self.sub_title = self._sub_title(f"{fmt.safe(message.account)} · {message.location}")

    def _widgets_gone(self) -> bool:
        """Whether the main screen's widgets are gone: a worker's answer that arrives while the app
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
        self._show_tokens(select_id=message.select_id)
        self.query_one(ProfilePage).show(self.account, self.location, self.tokens, self.access)
        if first and self.focused is None:
            table = self.query_one(TokenTable)
            (table if table.display else self.query_one("#add-button")).focus()
        if first:
            self.call_after_refresh(self._check_binding_ids)

    def on_token_created(self, message: TokenCreated) -> None:
        info = message.new.info
        from .screens.reveal_secret import RevealSecretScreen

        self.push_screen(RevealSecretScreen(info, message.new.secret))
        message.new = None  # type: ignore[assignment]
        self.reload_tokens(select_id=info.id)

    def on_add_refused(self, message: AddRefused) -> None:
        request = message.request
        self._open_add(
            label=request.label,
            scope=request.scope,
            expiry=request.expiry_choice,
            error=message.reason,
        )

    def on_token_revoked(self, message: TokenRevoked) -> None:
        self.notify(
            f"Revoked “{fmt.safe(message.info.label)}”. Applications using it are refused from now on.",
            title="Token revoked",
            markup=False,
        )
        self.reload_tokens(select_id=message.info.id)

    def on_store_failed(self, message: StoreFailed) -> None:
        if self._widgets_gone():
            return
        message.reason = fmt.safe(message.reason)
        if not self.loaded:
            self.error = f"{message.doing}.\n{message.reason}"
            self._show_tokens()
            self.call_after_refresh(self._check_binding_ids)
        elif self.store is not None and message.doing != READ_FAILED:
            # A refused change often means another session changed the token: show what is true now.
            self.reload_tokens()
        self.notify(f"{message.doing}: {message.reason}", title="Error", severity="error", markup=False, timeout=8)

    # ------------------------------------------------------------------ showing

    def visible_tokens(self) -> list[TokenInfo]:
        needle = self.filter_text.strip().casefold()
        shown = [
            t
            for t in self.tokens
            if (self.show_revoked or t.revoked_at is None) and (not needle or needle in t.label.casefold())
        ]
        if self.least_used_first:
            from .widgets.usage import least_used_first

            return least_used_first(shown, self.now())
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
            text = Content(READ_ONLY_EMPTY if self.read_only else EMPTY_HINT)
        elif not rows and self.filter_text:
            text = Content(f"No token label contains “{fmt.safe(self.filter_text)}”. Press escape to clear the filter.")
        elif not rows:
            text = Content("All your tokens are revoked. Press v to show them"
                           + ("." if self.read_only else ", or a to add a new one."))
        else:
            text = None
        message.update(text or "")
        message.display = text is not None
        table.display = bool(rows)
        table.set_rows(rows, keep_id=select_id)
        self._show_detail(table.highlighted)
        self._bindings_changed()

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
        state = (self.store is not None, token is not None and token.revoked_at is None)
        if state != self._binding_state:
            self._binding_state = state
            self.refresh_bindings()

    @on(TokenTable.Selected)
    def _selected(self, event: TokenTable.Selected) -> None:
        self.query_one(DetailPanel).focus()

    @on(DetailPanel.RevokeRequested)
    def _revoke_requested(self, event: DetailPanel.RevokeRequested) -> None:
        self._confirm_revoke(event.token)

    @on(Button.Pressed, "#add-button")
    def _add_pressed(self) -> None:
        self.action_add_token()

    @on(OptionList.OptionSelected, "#nav")
    def _nav(self, event: OptionList.OptionSelected) -> None:
        self.action_show_page(event.option.id or "tokens")

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

    def watch_least_used_first(self) -> None:
        if self.is_mounted:
            self._show_tokens()

    def action_sort_by_use(self) -> None:
        self.least_used_first = not self.least_used_first
        order = "least used first" if self.least_used_first else "newest first"
        self.notify(f"Tokens are listed {order}.", markup=False, timeout=2)

    def select_token(self, token_id: str) -> None:
        """Put the cursor on a token (revealing it if hidden by the filter or the toggle)."""
        self.action_show_page("tokens")
        if not any(t.id == token_id for t in self.visible_tokens()):
            self.query_one("#filter", Input).value = ""
            self.filter_text = ""
            self.show_revoked = True
        table = self.query_one(TokenTable)
        self._show_tokens(select_id=token_id)
        table.focus()

    # ------------------------------------------------------------------ actions

    def _under_modal(self) -> bool:
        """Whether a dialog is open (the command palette does not count: its commands act on the
        screen beneath it)."""
        return any(not isinstance(screen, CommandPalette) for screen in self.screen_stack[1:])

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if self.read_only and action in CHANGING_ACTIONS:
            return False  # hidden from the footer and the palette, and the key does nothing
        if action in MAIN_SCREEN_ACTIONS and self._under_modal():
            return False  # one dialog at a time; keys belong to the open one
        on_tokens = self.query_one("#pages", ContentSwitcher).current == "tokens-page"
        if action == "revoke_token":
            token = self.query_one(TokenTable).highlighted if self.loaded and on_tokens else None
            if token is None or token.revoked_at is not None:
                return None  # shown, but greyed out: there is nothing to revoke here
        if action in ("toggle_revoked", "sort_by_use") and not on_tokens:
            return None
        if action == "add_token" and self.store is None:
            return None
        if action == "clear_filter":
            return bool(self.filter_text) or self.focused is self.query_one("#filter", Input)
        return True

    def action_add_token(self) -> None:
        if self.read_only:
            self.notify(READ_ONLY_REFUSAL, severity="warning", markup=False)
            return
        if self.store is None:
            self.notify("The tokens database is not open.", severity="warning", markup=False)
            return
        self._open_add()

    def _open_add(self, *, label: str = "", scope: store.Scope = store.Scope.READ, expiry: str = defaults.EXPIRY,
                  error: str | None = None) -> None:
        from .screens.add_token import AddTokenScreen

        now = self.now()
        labels = [t.label for t in self.tokens if t.is_active(now)]
        self.push_screen(
            AddTokenScreen(labels, label=label, scope=scope, expiry=expiry, error=error),
            self._add_answered,
        )

    def _add_answered(self, request: AddTokenRequest | None) -> None:
        if request is None:
            return
        try:
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

    def action_revoke_token(self) -> None:
        token = self.query_one(TokenTable).highlighted
        if token is not None:
            self._confirm_revoke(token)

    def _confirm_revoke(self, token: TokenInfo) -> None:
        if self.read_only:
            self.notify(READ_ONLY_REFUSAL, severity="warning", markup=False)
            return
        if token.revoked_at is not None:
            self.notify("This token is already revoked.", markup=False)
            return

        def answered(confirmed: bool | None) -> None:
            if confirmed:
                self.revoke_token(token)

        from .screens.confirm_revoke import ConfirmRevokeScreen

        self.push_screen(ConfirmRevokeScreen(token), answered)

    def action_filter(self) -> None:
        self.action_show_page("tokens")
        self.query_one("#filter", Input).focus()

    def action_clear_filter(self) -> None:
        self.query_one("#filter", Input).value = ""
        self.filter_text = ""
        self.query_one(TokenTable).focus()

    def action_toggle_revoked(self) -> None:
        self.show_revoked = not self.show_revoked
        shown = "shown" if self.show_revoked else "hidden"
        self.notify(f"Revoked tokens are {shown}.", markup=False, timeout=2)

    def action_help(self) -> None:
        from .screens.help import HelpScreen

        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen())

    def action_reload(self) -> None:
        if any(worker.group == "store" and worker.is_running for worker in self.workers):
            return  # still opening
        if self.store is None:
            self.error = None
            self.loaded = False
            self._show_tokens()
            self.open_store()
        else:
            self.reload_tokens()

    def action_show_page(self, page: str) -> None:
        switcher = self.query_one("#pages", ContentSwitcher)
        switcher.current = "profile-page" if page == "profile" else "tokens-page"
        self.query_one(Sidebar).select(page)
        if page == "tokens":
            self.query_one(TokenTable).focus()
        else:
            self.query_one("#nav", OptionList).focus()  # nothing on the profile page takes keys

    def on_resize(self, event: events.Resize) -> None:
        from .screens.too_small import fit_to_terminal

        fit_to_terminal(self, event.size)

    async def action_quit(self) -> None:
        """Quit; while a new token is on show, only after "Have you copied it?" was asked."""
        from .screens.reveal_secret import may_quit

        if may_quit(self):
            await super().action_quit()

    def on_unmount(self) -> None:
        if self.store is not None:
            self.store.close()

    # ------------------------------------------------------------------ palette

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        for command in super().get_system_commands(screen):
            # A screenshot would write a revealed secret to disk.
            if command.title == "Screenshot" and not _allows_screenshot(screen):
                continue
            yield command


# The dialogs are imported when first opened: nothing of them is needed for the first frame.


def _allows_screenshot(screen: Screen) -> bool:
    from .screens.reveal_secret import allows_screenshot

    return allows_screenshot(screen)


def _cheap_target(db: str | None) -> bool:
    """Describing a URL needs SQLAlchemy; a path does not. Only describe before first paint if cheap."""
    target = store.resolve_target(db)
    return not isinstance(target, str)


def _preload_dialogs() -> None:
    from .screens import add_token, confirm_revoke, reveal_secret  # noqa: F401

    # Textual loads its widgets lazily too; make sure those the reveal draws are loaded.
    from textual.widgets import Button, Footer, Static  # noqa: F401


def run(db: str | None = None, account: str | None = None, *, read_only: bool = False,
        config: Config | None = None) -> int:
    """Open the app on this terminal (refused without one); returns the process exit code: 0, or 1
    after an error it could not handle (Textual has then printed what happened to stderr)."""
    from .terminal import run_app

    code = run_app(TokensApp(db=db, account=account, read_only=read_only, config=config))
    if code == 1:
        print("tokens: the app stopped after an unexpected error (above); nothing more was changed", file=sys.stderr)
    return code

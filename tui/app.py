"""The ``tokens`` terminal app: API tokens, keyboard first, safe over SSH; and for administrators,
every account's tokens, the accounts and the audit log.

Each sidebar section is its own screen (one of the app's modes), owning its bindings. Data flows
one way: a key → an action → a worker thread → one store call → a message back → the widgets
update. The database layer is imported in the first worker, after the first paint.

The app learns of changes made anywhere (another app, the command line, another host) by asking
the store for its change marker once a second in a worker, and reads a section again only when
the marker moved.
"""

from __future__ import annotations

import gc
import sys
from collections.abc import Callable, Iterable
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar

from textual import events, work
from textual.app import App, SystemCommand
from textual.binding import Binding, BindingType
from textual.screen import Screen
from textual.worker import Worker, WorkerState

import store
from store import StoreError

from . import format as fmt
from .commands import TokenCommands
from .config import Config
from .read_only import REFUSAL as READ_ONLY_REFUSAL
from .messages import DataChanged, StoreFailed, StoreOpened, TokenRevoked
from .screens.my_tokens import MyTokensScreen
from .widgets.sidebar import ADMIN_PAGES

if TYPE_CHECKING:
    from store import Actor, TokenInfo, TokenStore

    from .screens.section import SectionScreen

#: How often the app asks whether anything changed (one cheap read; the list is read only on a change).
POLL_SECONDS = 1.0

#: Sections only administrators have.
ADMIN_SECTIONS = frozenset(key for key, _ in ADMIN_PAGES)
#: Actions only administrators may take, wherever they are called from.
ADMIN_ACTIONS = frozenset({"check_token"})


def _utcnow() -> datetime:
    # The store's types (where its clock lives) are loaded after the first frame.
    return store.utcnow()


def _profile() -> Screen:
    from .screens.profile import ProfileScreen

    return ProfileScreen()


def _all_tokens() -> Screen:
    from .screens.all_tokens import AllTokensScreen

    return AllTokensScreen()


def _accounts() -> Screen:
    from .screens.accounts import AccountsScreen

    return AccountsScreen()


def _audit_log() -> Screen:
    from .screens.audit_log import AuditLogScreen

    return AuditLogScreen()


class TokensApp(App[None]):
    """Personal API tokens, and the administrators' views.

    Bindings of the app (each section adds its own; the footer shows those that work right now):
        ?: help · ctrl+p: command palette · ctrl+r: read again · q (in a section), ctrl+q: quit
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

    MODES: ClassVar[dict[str, str | Callable[[], Screen]]] = {
        "tokens": MyTokensScreen,
        # The other sections are imported when first shown.
        "profile": _profile,
        "all": _all_tokens,
        "accounts": _accounts,
        "audit": _audit_log,
    }
    DEFAULT_MODE = "tokens"

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("question_mark", "help", "Help", id="help"),
        Binding("ctrl+r", "reload", "Reload", id="reload", show=False),
    ]

    def __init__(
        self,
        db: str | None = None,
        account: str | None = None,
        *,
        login: str | None = None,
        clock: Callable[[], datetime] | None = None,
        read_only: bool = False,
        config: Config | None = None,
    ) -> None:
        """``login`` is who sits at the terminal (default: the login name); ``account`` an account
        to act as, with its rights (administrators only, as ``sudo -u``)."""
        super().__init__()
        #: Opened only to look: every changing action is hidden and refused (``tokens --read-only``,
        #: or an SSH key allowed only to look).
        self.read_only = read_only
        #: The app's clock (the store's UTC now, unless a test sets one).
        self.now = clock if clock is not None else _utcnow
        self._db_arg = db
        self.login = login or store.login_name()
        self._as_account = account
        self.store: TokenStore | None = None
        self.actor: Actor | None = None
        self.is_admin = False
        #: How many of the account's tokens expire within a week: every section's sidebar shows it.
        self.expiring_count = 0
        self.location = store.describe(store.resolve_target(db)) if _cheap_target(db) else "database"
        self.sections: dict[str, SectionScreen] = {}
        self._marker: int | None = None
        #: How often the app has asked the store whether anything changed.
        self.polls = 0
        #: A change was made here while a look for changes was out: look once more after it.
        self._look_again = False
        shown = fmt.safe(self.account)
        self.sub_title = self._sub_title(shown if self.location == "database" else f"{shown} · {self.location}")
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
            # The theme's colours go into the stylesheet before anything is styled, so the first
            # screen is styled once, in its colours (see SectionScreen).
            self.stylesheet.set_variables(self.get_css_variables())

    def _tell_config_problems(self, problems: tuple[str, ...]) -> None:
        if problems:
            self.notify(
                "\n".join(fmt.safe(problem) for problem in problems) + "\nThe defaults are used instead.",
                title=f"Config file {fmt.safe(str(self.config.path))}",
                severity="warning",
                markup=False,
                timeout=12,
            )

    def check_binding_ids(self) -> None:
        """Name the keymap's unknown binding ids. Finding every id imports every screen, so My
        tokens calls this once its list is on the screen (the app, if the store cannot open)."""
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

    @property
    def account(self) -> str:
        """The account whose rights apply (known for sure once the store is open)."""
        if self.actor is not None:
            return self.actor.account
        return self._as_account or self.login

    @property
    def tokens(self) -> list[TokenInfo]:
        """The acting account's own tokens, as My tokens last read them."""
        screen = self.sections.get("tokens")
        return screen.tokens if isinstance(screen, MyTokensScreen) else []

    def on_mount(self) -> None:
        self._tell_config_problems(self.config.problems)

    def on_ready(self) -> None:
        """The first frame is on the screen."""
        if not gc.isenabled():
            # The command turned the cycle collector off for start-up, whose objects (classes,
            # parsed styles, widgets) live as long as the app. Frozen, later collections skip them;
            # merely turned back on, the first collection would walk them all at once, holding up
            # the first frame on its way to the terminal.
            gc.freeze()
            gc.enable()
        # Only now: importing the database layer would compete with painting the first frame.
        self.call_after_refresh(self.open_store)

    # ------------------------------------------------------------------ workers

    @work(thread=True, exclusive=True, group="store", exit_on_error=False)
    def open_store(self) -> None:
        from store import TokenStore

        opened = TokenStore(self._db_arg)
        try:
            # Who is acting is decided once, here at the app's edge (or by the SSH key before the app
            # started); every store call carries it.
            # A read-only session creates nothing, not even its account: it just finds no tokens.
            actor = self.actor if self.actor is not None else opened.resolve_actor(
                self.login, self._as_account, create=not self.read_only)
            try:
                is_admin = opened.get_account(actor).is_admin
            except store.UnknownAccount:
                if not self.read_only:
                    raise
                is_admin = False
            self._marker = opened.change_marker()
        except BaseException:
            opened.close()
            raise
        self.store = opened
        self.post_message(StoreOpened(opened.location, actor, is_admin))
        # The dialogs stay out of the first frame, but are loaded now, long before a token is
        # made: once a token exists its secret must be shown, even if a newer release has been
        # installed over this one's files meanwhile.
        _preload_dialogs()

    @work(thread=True, exclusive=True, group="poll", exit_on_error=False)
    def poll_changes(self) -> None:
        """Ask the store whether anything changed since we last read (one primary-key read)."""
        if self.store is None or self.actor is None or self._marker is None:
            return
        moved = self.store.changes_since(self._marker)
        if moved is None:
            return
        self._marker = moved
        # Rights may have changed too (made administrator, or no longer).
        is_admin = self.store.get_account(self.actor).is_admin
        self.post_message(DataChanged(is_admin))

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        """The app's own workers: opening the store, and asking for changes."""
        if event.worker.group == "poll" and event.worker.is_finished and self._look_again:
            self._look_again = False
            self.call_later(self.data_written)
        if event.state is not WorkerState.ERROR:
            return
        if event.worker.name == "open_store":
            self.report_failure("Cannot open the tokens database", event.worker.error)
        elif event.worker.name == "revoke_any":
            self.report_failure("The token was not revoked", event.worker.error)
        elif event.worker.name == "poll_changes" and self.store is not None:
            # Said once, not every second: the next successful poll reads everything again.
            if self._marker is not None:
                self._marker = None
                self.report_failure("Cannot check the database for changes", event.worker.error)

    def report_failure(self, doing: str, error: BaseException | None, screen: SectionScreen | None = None) -> None:
        """The one place a failed store call becomes a message a person can read."""
        if isinstance(error, StoreError):
            reason = str(error)
        else:
            reason = f"unexpected error ({type(error).__name__}); nothing was changed"
        self.post_message(StoreFailed(doing, fmt.safe(reason)))
        if screen is not None:
            screen.store_failed(doing, fmt.safe(reason))

    # ------------------------------------------------------------------ messages from workers

    def on_store_opened(self, message: StoreOpened) -> None:
        for warning in self.store.warnings if self.store is not None else ():
            self.notify(warning[0].upper() + warning[1:] + ".", title="Warning", severity="warning", markup=False,
                        timeout=15)
        self.location = message.location
        self.actor = message.actor
        self.is_admin = message.is_admin
        self.sub_title = self._sub_title(f"{fmt.safe(message.account)} · {message.location}")
        self.set_interval(POLL_SECONDS, self._poll)
        for section in list(self.sections.values()):
            section.store_opened()
        self.refresh_bindings()

    def _poll(self) -> None:
        if self.store is None:
            return
        if self._looking():
            return  # the last look has not come back yet (a slow database): no pile of threads
        if self._marker is None:
            self._resync()
            return
        self.polls += 1
        self.poll_changes()

    @work(thread=True, exclusive=True, group="poll", exit_on_error=False)
    def _resync(self) -> None:
        """After a failed poll: take the marker again and read everything once."""
        assert self.store is not None and self.actor is not None
        self._marker = self.store.change_marker()
        self.post_message(DataChanged(self.store.get_account(self.actor).is_admin))

    def on_data_changed(self, message: DataChanged) -> None:
        was_admin = self.is_admin
        self.is_admin = message.is_admin
        for section in list(self.sections.values()):
            section.data_changed()
        if was_admin and not self.is_admin:
            self.refresh_bindings()
            if self.current_mode in ADMIN_SECTIONS:
                self.notify("You are no longer an administrator.", severity="warning", markup=False)
                self.action_show_page("tokens")
        elif self.is_admin != was_admin:
            self.refresh_bindings()

    def on_store_failed(self, message: StoreFailed) -> None:
        if message.doing == "Cannot open the tokens database":
            tokens = self.sections.get("tokens")
            if isinstance(tokens, MyTokensScreen):
                tokens.opening_failed(f"{message.doing}.\n{message.reason}")
            self.call_after_refresh(self.check_binding_ids)
        self.notify(f"{message.doing}: {message.reason}", title="Error", severity="error", markup=False, timeout=8)

    def data_written(self, section: SectionScreen | None = None) -> None:
        """This app changed something: look for changes at once rather than at the next tick.
        The change it finds makes every section read again, ``section`` (the one that wrote) too:
        one read each. Without a look to make (after a failed one), ``section`` reads now."""
        if self.store is not None and self._marker is not None:
            if self._looking():
                # One look at a time, so a change is reported once; the look out now may have
                # read the marker before this write, so another follows it.
                self._look_again = True
            else:
                self.poll_changes()
        elif section is not None:
            section.read_again()

    def _looking(self) -> bool:
        return any(w.group == "poll" and not w.is_finished for w in self.workers)

    # ------------------------------------------------------------------ actions

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if "(" in action:  # asked with the action's whole text, e.g. "show_page('all')"
            from textual.actions import parse

            _, action, parameters = parse(action)
        if not hasattr(self, f"action_{action}"):
            return False  # a section's action, asked of the app: not here
        if action == "show_page" and parameters and parameters[0] in ADMIN_SECTIONS and not self.is_admin:
            return False
        if action in ADMIN_ACTIONS and not self.is_admin:
            return False
        return True

    def action_show_page(self, page: str) -> None:
        """Show a section of the sidebar."""
        if page not in self.MODES:
            return
        if page in ADMIN_SECTIONS and not self.is_admin:
            self.notify("Only administrators can see that.", severity="warning", markup=False)
            return
        if self.current_mode != page:
            self.switch_mode(page)
        self.call_after_refresh(self._focus_section)

    def _focus_section(self) -> None:
        section = self.sections.get(self.current_mode)
        if section is not None and self.screen is section:
            section.focus_page()

    def select_token(self, token_id: str) -> None:
        """Put the cursor on one of the account's own tokens."""
        self.action_show_page("tokens")
        screen = self.sections.get("tokens")
        if isinstance(screen, MyTokensScreen):
            screen.select_token(token_id)

    def action_check_token(self) -> None:
        """Paste a token found somewhere: whose is it? (administrators)"""
        if not self.is_admin or self.store is None:
            self.notify("Only administrators can check any token.", severity="warning", markup=False)
            return
        from .screens.check_token import CheckTokenScreen

        if not isinstance(self.screen, CheckTokenScreen):
            self.push_screen(CheckTokenScreen(), self._check_answered)

    def _check_answered(self, token: TokenInfo | None) -> None:
        if token is None:
            return
        from .screens.confirm_revoke import ConfirmRevokeScreen

        def answered(confirmed: bool | None) -> None:
            if confirmed:
                self.revoke_any(token)

        self.push_screen(ConfirmRevokeScreen(token), answered)

    @work(thread=True, group="write", exit_on_error=False)
    def revoke_any(self, token: TokenInfo) -> None:
        """Revoke a token found by Check a token (any account's: administrators)."""
        assert self.store is not None and self.actor is not None
        if self.read_only:
            raise StoreError(READ_ONLY_REFUSAL)
        self.post_message(TokenRevoked(self.store.revoke(self.actor, token.id)))

    def on_token_revoked(self, message: TokenRevoked) -> None:
        info = message.info
        self.notify(
            f"Revoked “{fmt.safe(info.label)}” of {fmt.safe(info.account)}. Applications using it are refused from now on.",
            title="Token revoked",
            markup=False,
        )
        self.data_written()

    def action_help(self) -> None:
        from .screens.help import HelpScreen

        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen())

    def action_reload(self) -> None:
        if any(worker.group == "store" and worker.is_running for worker in self.workers):
            return  # still opening
        if self.store is None:
            tokens = self.sections.get("tokens")
            if isinstance(tokens, MyTokensScreen):
                tokens.reopening()
            self.open_store()
            return
        section = self.sections.get(self.current_mode)
        if section is not None and section.may_show():
            section.read_again()

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


def _preload_dialogs() -> None:
    from .screens import add_token, confirm_revoke, confirm_rotate, edit_token, reveal_secret  # noqa: F401
    from .widgets import usage  # noqa: F401  (the detail panel's usage line, made with the first token)

    # Textual loads its widgets lazily too; make sure those the reveal draws are loaded.
    from textual.widgets import Button, Footer, Static  # noqa: F401


def _cheap_target(db: str | None) -> bool:
    """Describing a URL needs SQLAlchemy; a path does not. Only describe before first paint if cheap."""
    target = store.resolve_target(db)
    return not isinstance(target, str)


def run(db: str | None = None, account: str | None = None, *, read_only: bool = False,
        config: Config | None = None, actor: Actor | None = None) -> int:
    """Open the app on this terminal (refused without one); returns the process exit code: 0, or 1
    after an error it could not handle (Textual has then printed what happened to stderr).

    ``actor``: who is acting when that was established before the app (an SSH key's account); the
    app then takes it as it is instead of resolving the login."""
    from .terminal import run_app

    app = TokensApp(db=db, account=account, read_only=read_only, config=config)
    if actor is not None:
        app.actor = actor
    code = run_app(app)
    if code == 1:
        print("tokens: the app stopped after an unexpected error (above); nothing more was changed", file=sys.stderr)
    return code

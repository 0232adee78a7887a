"""The one-time reveal of a new token's secret.

This is the only screen that ever holds a secret. It shows it in full and selectable (copying
through the terminal can fail silently, so selecting by hand must always remain possible), offers
"Copy to clipboard" through OSC 52, and asks once before it lets the person leave. When it goes,
it forgets the secret and wipes the app's own copy of the clipboard, so nothing the app still
holds can show or paste it again.
"""

from __future__ import annotations

from time import monotonic
from typing import TYPE_CHECKING, ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.widgets import Button, Static

from store import TokenInfo, strip_controls

from ..format import expires as expires_on
from ..textual_private import forget_app_clipboard
from ..widgets.footer import KeyFooter
from .dialog import DialogScreen

if TYPE_CHECKING:
    from textual.app import App
    from textual.screen import Screen

COPY_SENT = (
    "Copy sent to your terminal. If nothing was copied, select the token above and copy it by hand. "
    "In tmux, enable `set -s set-clipboard on`."
)
WARNING = "This is the only time this token is shown. Once you leave this screen it can never be shown again."
ASK = "Have you copied it? It can never be shown again. Press “Yes, close” or escape to leave."
ASK_AFTER_COPY = (
    "Have you copied it? The copy was sent to your terminal: paste it somewhere to be sure. "
    "Press “Yes, close” or escape to leave."
)


def may_quit(app: App[object]) -> bool:
    """Whether the app may quit now. While a secret is revealed, quitting first asks "Have you
    copied it?" on the reveal screen, as leaving it does; quitting again then quits."""
    reveal = next((s for s in reversed(app.screen_stack) if isinstance(s, RevealSecretScreen)), None)
    if reveal is None:
        return True
    if reveal.may_go():
        return True
    # Whatever sits on top (help, say) would hide the question.
    while app.screen is not reveal:
        app.pop_screen()
    return False


def allows_screenshot(screen: Screen[object]) -> bool:
    """Whether a screenshot may be offered while ``screen`` is active.

    Not while a secret is revealed, nor while anything (the command palette, help) sits on top of
    the reveal: a screenshot would write the secret to disk.
    """
    if isinstance(screen, RevealSecretScreen):
        return False
    try:
        stack = screen.app.screen_stack
    except RuntimeError:  # no running app: nothing can be beneath this screen
        return True
    return not any(isinstance(other, RevealSecretScreen) for other in stack)


class RevealSecretScreen(DialogScreen[None]):
    """Show a new token's secret, once.

    Dismisses with ``None``. Leaving asks "Have you copied it?" once; the next Done, escape or
    "Yes, close" closes.

    | Key(s) | Description |
    | :- | :- |
    | c | Copy the token to the clipboard (sent to the terminal via OSC 52). |
    | escape | Done: leave the screen (asks once first). |
    | tab, shift+tab | Move between Copy and Done. |
    """

    AUTO_FOCUS = "#copy"

    #: Seconds after asking during which another leave does not count: someone hammering escape
    #: (or holding enter) must get the chance to read the question.
    LEAVE_GUARD: ClassVar[float] = 0.5

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("c", "copy", "Copy to clipboard", id="reveal_secret.copy"),
        Binding("escape", "leave", "Done", id="reveal_secret.done"),
    ]

    DEFAULT_CSS = """
    RevealSecretScreen > #dialog {
        border: round $success;
    }
    RevealSecretScreen #about {
        margin-bottom: 1;
    }
    RevealSecretScreen #secret {
        width: 100%;
        padding: 0 1;
        border: round $accent;
        text-style: bold;
    }
    RevealSecretScreen #copy-status {
        display: none;
        color: $text-success;
    }
    RevealSecretScreen #copy-status.-shown {
        display: block;
    }
    RevealSecretScreen #warning {
        margin-top: 1;
        color: $text-warning;
        text-style: bold;
    }
    RevealSecretScreen #ask {
        display: none;
        margin-top: 1;
        color: $text-warning;
    }
    RevealSecretScreen #ask.-shown {
        display: block;
    }
    RevealSecretScreen #buttons {
        height: auto;
        margin-top: 1;
        align-horizontal: right;
    }
    RevealSecretScreen #buttons > Button {
        margin-left: 2;
    }
    """

    def __init__(self, info: TokenInfo, secret: str) -> None:
        super().__init__()
        self._info = info
        self._secret: str | None = secret
        self._copied = False
        self._asked = False
        self._asked_at = 0.0
        self._clipboard_before = ""

    @property
    def asked(self) -> bool:
        """Whether "Have you copied it?" has been asked, so that the next leave closes."""
        return self._asked

    def compose(self) -> ComposeResult:
        info = self._info
        expires = f"valid through {expires_on(info)}" if info.expires_at else "no expiry"
        with Vertical(id="dialog") as dialog:
            dialog.border_title = "Your new token"
            yield Static(
                Content.assemble(
                    ("Label: ", "bold"),
                    strip_controls(info.label),
                    "\n",
                    ("Scope: ", "bold"),
                    f"{info.scope.title} · {expires}",
                ),
                id="about",
            )
            # markup=False: the secret is shown exactly as it is, and stays selectable with the
            # mouse (double-click selects it whole) in case the copy never reaches the clipboard.
            yield Static(self._secret or "", id="secret", markup=False)
            yield Static(COPY_SENT, id="copy-status", markup=False)
            yield Static(WARNING, id="warning", markup=False)
            yield Static("", id="ask", markup=False)
            with Horizontal(id="buttons"):
                yield Button("Copy to clipboard", variant="primary", id="copy")
                yield Button("Done", id="done")
        yield KeyFooter()

    @on(Button.Pressed, "#copy")
    def _copy_pressed(self) -> None:
        self.action_copy()

    @on(Button.Pressed, "#done")
    def _done_pressed(self) -> None:
        self.action_leave()

    def action_copy(self) -> None:
        """Send the token to the terminal's clipboard. Whether it arrived cannot be known."""
        if self._secret is None:
            return
        self.app.copy_to_clipboard(self._secret)
        self._copied = True
        self.query_one("#copy-status").add_class("-shown")
        if self._asked:
            self.query_one("#ask", Static).update(ASK_AFTER_COPY)

    def action_leave(self) -> None:
        """Ask "Have you copied it?" the first time; close the next time."""
        if self.may_go():
            self._forget_secret()
            self.dismiss(None)

    def may_go(self) -> bool:
        """Whether the person may leave now: only once "Have you copied it?" was asked and had a
        moment to be read. Asks it (and answers no) the first time.

        Every way out goes through here: Done, escape, and quitting the app (ctrl+q, the
        palette's Quit), which would otherwise take the secret away unasked.
        """
        if not self._asked:
            self._asked = True
            self._asked_at = monotonic()
            self.query_one("#ask", Static).update(ASK_AFTER_COPY if self._copied else ASK)
            self.query_one("#ask").add_class("-shown")
            done = self.query_one("#done", Button)
            done.label = "Yes, close"
            done.variant = "warning"
            return False
        return monotonic() - self._asked_at >= self.LEAVE_GUARD

    def _forget_secret(self) -> None:
        secret, self._secret = self._secret, None
        if secret is None:
            return
        # Textual keeps the last copied text for pasting inside the app; a later ctrl+v in the
        # label field must not paste a secret. Assigning, rather than copy_to_clipboard(""),
        # leaves the terminal's own clipboard alone: the person may still need what they copied.
        # Anything copied while the secret was on screen may be part of it (a selection one
        # character short is still the token: its checksum can be recomputed).
        clipboard = self.app.clipboard
        if secret in clipboard or clipboard != self._clipboard_before:
            forget_app_clipboard(self.app)
        for widget in self.query("#secret").results(Static):
            widget.update("")

    def on_mount(self) -> None:
        self._clipboard_before = self.app.clipboard

    def on_unmount(self) -> None:
        # Also covers the screen going away without Done, e.g. when the app quits.
        self._forget_secret()


__all__ = ["ASK", "ASK_AFTER_COPY", "COPY_SENT", "WARNING", "RevealSecretScreen", "allows_screenshot", "may_quit"]

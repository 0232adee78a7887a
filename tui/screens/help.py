"""Help: the app's keys and what a token is allowed to do."""

from __future__ import annotations

from collections.abc import Iterable
from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Grid, VerticalScroll
from textual.widgets import Footer, Static

from .dialog import DialogScreen

#: The keys of the main screen, as (keys, what they do). Keep in step with the app's bindings.
APP_KEYS: tuple[tuple[str, str], ...] = (
    ("a", "Add a token"),
    ("r", "Revoke the highlighted token"),
    ("enter, →", "Show the token's details"),
    ("/", "Filter tokens by label"),
    ("v", "Show or hide revoked tokens"),
    ("j, k, ↑, ↓", "Move up and down the list"),
    ("g, G", "Go to the first or last token"),
    ("tab", "Move the focus to the next area"),
    ("escape", "Clear the filter; close a dialog"),
    ("ctrl+r", "Read the tokens again (also done every 30 seconds)"),
    ("ctrl+p", "Command palette: every action by name"),
    ("?", "This help"),
    ("ctrl+q", "Quit"),
)

#: The keys of the screen that shows a new token.
REVEAL_KEYS: tuple[tuple[str, str], ...] = (
    ("c", "Copy the token to your clipboard"),
    ("escape", "Done (asks once whether you copied it)"),
)

ABOUT: tuple[str, ...] = (
    "Read-only tokens let an application read records. Read & Write tokens also let it add, "
    "edit and delete them.",
    "A token can only limit: it never allows more than your own permission on a form. If you may "
    "only view a form, a Read & Write token may only view it too.",
    "A new token is shown once, right after you generate it. Copy it then: it can never be shown "
    "again.",
    "Revoking a token stops it at once, for every application that uses it. It cannot be undone.",
    "Use one label per application and device, so you know which token to revoke.",
)


class HelpScreen(DialogScreen[None]):
    """The keys of the app and a few lines about tokens. Dismisses with ``None``.

    | Key(s) | Description |
    | :- | :- |
    | escape, q, ? | Close help. |
    | up, down, page up, page down | Scroll. |
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q,question_mark", "close", "Close help", id="help.close"),
    ]

    DEFAULT_CSS = """
    HelpScreen .heading {
        text-style: bold;
        color: $text-accent;
    }
    HelpScreen .keys {
        grid-size: 2;
        grid-columns: 12 1fr;
        grid-gutter: 0 1;
        height: auto;
        margin-bottom: 1;
    }
    HelpScreen .keys > Static {
        height: auto;
    }
    HelpScreen .key {
        text-style: bold;
    }
    HelpScreen .about {
        grid-size: 2;
        grid-columns: 2 1fr;
        grid-gutter: 0 0;
        height: auto;
    }
    HelpScreen .about > Static {
        height: auto;
    }
    """

    def __init__(
        self,
        keys: Iterable[tuple[str, str]] = APP_KEYS,
        reveal_keys: Iterable[tuple[str, str]] = REVEAL_KEYS,
    ) -> None:
        super().__init__()
        self._keys = tuple(keys)
        self._reveal_keys = tuple(reveal_keys)

    def compose(self) -> ComposeResult:
        # Focusable so that the arrow keys scroll it on a small terminal.
        with VerticalScroll(id="dialog") as dialog:
            dialog.border_title = "Help"
            yield Static("Keys", classes="heading", markup=False)
            yield self._key_grid(self._keys)
            yield Static("On the screen that shows a new token", classes="heading", markup=False)
            yield self._key_grid(self._reveal_keys)
            yield Static("About tokens", classes="heading", markup=False)
            cells: list[Static] = []
            for line in ABOUT:
                cells += [Static("•", markup=False), Static(line, markup=False)]
            yield Grid(*cells, classes="about")
        yield Footer()

    @staticmethod
    def _key_grid(keys: Iterable[tuple[str, str]]) -> Grid:
        cells: list[Static] = []
        for key, meaning in keys:
            cells.append(Static(key, classes="key", markup=False))
            cells.append(Static(meaning, markup=False))
        return Grid(*cells, classes="keys")

    def action_close(self) -> None:
        self.dismiss(None)


__all__ = ["ABOUT", "APP_KEYS", "REVEAL_KEYS", "HelpScreen"]

"""Help: the keys of the screen it was opened from, read from its live bindings, and what a token
is allowed to do.

Nothing here lists keys by hand: a binding added, rebound or turned off on a screen shows up (or
disappears) in its help by itself.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.command import CommandPalette
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.dom import DOMNode
from textual.keys import format_key
from textual.screen import Screen
from textual.widgets import Input, Static

from ..commands import action_words
from ..widgets.footer import KeyFooter
from ..widgets.plain_input import PlainInput
from .dialog import DialogScreen

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

#: The heading of the keys that work anywhere on the screen (its own and the app's).
SCREEN_KEYS = "Keys"
ABOUT_HEADING = "About tokens"
#: Spelled out where Textual's footer symbol would be cryptic in a list.
_KEY_NAMES = {"enter": "enter", "escape": "escape", "pageup": "PageUp", "pagedown": "PageDown",
              "home": "Home", "end": "End", "space": "space"}


@dataclass(frozen=True)
class KeyRow:
    """One line of help: the keys (as shown) and what they do."""

    keys: str
    meaning: str


@dataclass(frozen=True)
class KeySection:
    title: str
    rows: tuple[KeyRow, ...]


def show_key(key: str) -> str:
    return _KEY_NAMES.get(key) or format_key(key)


def _own_group_title(node: DOMNode) -> str | None:
    """The key group title a widget of this app gives itself (Textual's own widgets, such as the
    text field, have theirs too; their keys are the usual ones and would only crowd the help)."""
    for cls in type(node).__mro__:
        if "BINDING_GROUP_TITLE" in vars(cls):
            if cls.__module__.startswith("textual."):
                return None
            return vars(cls)["BINDING_GROUP_TITLE"]
    return None


#: Textual's own actions, in words that say what they do here.
_TEXTUAL_WORDS = {
    "app.focus_next": "Move to the next area or field",
    "app.focus_previous": "Move to the previous area or field",
    "screen.copy_text": "Copy the text selected with the mouse",
}
#: Listed after the keys of the screen itself: they work the same on every screen.
_EVERYWHERE = frozenset({*_TEXTUAL_WORDS, "quit", "app.quit", "command_palette", "app.command_palette"})


def _meaning(binding: Binding) -> str:
    words = action_words(binding.action)
    if words is not None:
        return words[1]
    return _TEXTUAL_WORDS.get(binding.action) or binding.tooltip or binding.description


def _own_actions(node: DOMNode) -> set[str]:
    """The actions a widget of this app binds itself, leaving out what it inherits from Textual
    (a scrolling widget's sideways scroll keys, say)."""
    actions: set[str] = set()
    for cls in type(node).__mro__:
        if cls.__module__.startswith("textual.") or "BINDINGS" not in vars(cls):
            continue
        actions.update(binding.action for binding in Binding.make_bindings(vars(cls)["BINDINGS"]))
    return actions


def _rows(bindings: Iterable[tuple[str, Binding]]) -> tuple[KeyRow, ...]:
    """One row per action, its keys in the order they were bound."""
    keys: dict[tuple[str, str], list[str]] = {}
    for key, binding in bindings:
        meaning = _meaning(binding)
        if not meaning:
            continue  # a binding without a description is plumbing, not a feature
        shown = binding.key_display or show_key(key)
        # The app's own actions are one row whether a screen or the app binds them (q, ctrl+q).
        group = keys.setdefault((binding.action.removeprefix("app."), meaning), [])
        if shown not in group:
            group.append(shown)
    return tuple(KeyRow(" ".join(shown), meaning) for (_action, meaning), shown in keys.items())


def key_sections(screen: Screen[object]) -> list[KeySection]:
    """The keys that work on ``screen`` right now, grouped as a person meets them: the screen's
    (and the app's), then those of the focused part and of the other parts that have their own."""
    app = screen.app
    by_node: dict[DOMNode, list[tuple[str, Binding]]] = {}
    for key, active in screen.active_bindings.items():
        node = active.node
        if node is not app and node is not screen and _own_group_title(node) is None:
            continue
        by_node.setdefault(node, []).append((key, active.binding))
    general = by_node.pop(screen, []) + by_node.pop(app, [])
    # The screen's and the app's own keys first; those that work everywhere (tab, ctrl+p,
    # ctrl+q) after them.
    general.sort(key=lambda item: item[1].action in _EVERYWHERE)
    sections = [KeySection(SCREEN_KEYS, _rows(general))]
    for node, bindings in by_node.items():
        own = _own_actions(node)
        sections.append(KeySection(_own_group_title(node) or "", _rows(b for b in bindings if b[1].action in own)))
    shown = set(by_node)
    for widget in screen.query("*"):
        title = _own_group_title(widget)
        if title is None or widget in shown or any(s.title == title for s in sections):
            continue
        bound = [(b.key, b) for b in Binding.make_bindings(type(widget).BINDINGS)]
        sections.append(KeySection(title, _rows(bound)))
    return [section for section in sections if section.rows]


def origin_screen(stack: Sequence[Screen[object]]) -> Screen[object]:
    """The screen help is about: the top of the stack, passing over the command palette (help
    may be chosen there) and help itself."""
    for screen in reversed(stack):
        if not isinstance(screen, (CommandPalette, HelpScreen)):
            return screen
    return stack[0]


class HelpRow(Horizontal):
    """One key and its meaning; the meaning wraps in its own column."""

    def __init__(self, row: KeyRow) -> None:
        super().__init__(classes="help-row")
        self.row = row

    def compose(self) -> ComposeResult:
        yield Static(self.row.keys, classes="key", markup=False)
        yield Static(self.row.meaning, classes="meaning", markup=False)

    def matches(self, needle: str) -> bool:
        return needle in self.row.keys.casefold() or needle in self.row.meaning.casefold()


class HelpScreen(DialogScreen[None]):
    """The keys of the screen beneath and a few lines about tokens. Dismisses with ``None``.

    It opens scrolled to the top with the keyboard on the text, so the scroll keys work at once.

    | Key(s) | Description |
    | :- | :- |
    | j, k, ↑, ↓ | Scroll a line. |
    | PageUp, PageDown, space | Scroll a page. |
    | g, G, Home, End | Go to the top or the end. |
    | / | Filter: type to narrow the keys listed; enter goes back to scrolling. |
    | escape | Clear the filter; close help when there is none. |
    | q, ? | Close help. |
    """

    AUTO_FOCUS = "#help-body"

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "escape", "Close", id="help.close"),
        Binding("q,question_mark", "close", "Close help", id="help.quit", show=False),
        Binding("slash", "filter", "Filter", id="help.filter"),
        # The lists' ids: rebinding j/k/g/G moves help the same way.
        Binding("j", "scroll('down')", "Scroll down", id="cursor-down", show=False),
        Binding("k", "scroll('up')", "Scroll up", id="cursor-up", show=False),
        Binding("space", "scroll('page_down')", "Page down", id="help.page-down", show=False),
        Binding("g", "scroll('home')", "Top", id="cursor-first", show=False),
        Binding("G", "scroll('end')", "End", id="cursor-last", show=False),
    ]

    DEFAULT_CSS = """
    HelpScreen > #dialog {
        height: 100%;
    }
    HelpScreen #help-filter {
        display: none;
        margin-bottom: 1;
    }
    HelpScreen #help-filter.-shown {
        display: block;
    }
    HelpScreen #help-body {
        height: 1fr;
        scrollbar-size-vertical: 1;
    }
    HelpScreen #help-body:focus {
        background-tint: $foreground 0%;
    }
    HelpScreen .heading {
        text-style: bold;
        color: $text-accent;
    }
    HelpScreen .section {
        height: auto;
        margin-bottom: 1;
    }
    HelpScreen .help-row {
        height: auto;
    }
    HelpScreen .help-row > .key {
        width: 16;
        text-style: bold;
    }
    HelpScreen .help-row > .meaning {
        width: 1fr;
    }
    HelpScreen .about-line {
        padding-left: 2;
    }
    HelpScreen #no-match {
        display: none;
        color: $text-muted;
    }
    HelpScreen #no-match.-shown {
        display: block;
    }
    """

    def __init__(self, sections: Iterable[KeySection] | None = None) -> None:
        super().__init__()
        if sections is None:
            # Read while the screen it is about is still the active one: once help is on top,
            # that screen's keys are (rightly) switched off.
            sections = key_sections(origin_screen(self.app.screen_stack))
        self.sections = tuple(sections)

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog") as dialog:
            dialog.border_title = "Help"
            yield PlainInput(placeholder="Type to filter the keys; escape clears", id="help-filter", compact=True)
            with VerticalScroll(id="help-body"):
                yield Static("", id="no-match", markup=False)
                for section in self.sections:
                    with Vertical(classes="section"):
                        yield Static(section.title, classes="heading", markup=False)
                        for row in section.rows:
                            yield HelpRow(row)
                with Vertical(classes="section about"):
                    yield Static(ABOUT_HEADING, classes="heading", markup=False)
                    for line in ABOUT:
                        yield Static(Content("• " + line), classes="about-line")
        yield KeyFooter()

    # Scrolling.

    def action_scroll(self, where: str) -> None:
        body = self.query_one("#help-body", VerticalScroll)
        {
            "down": lambda: body.scroll_down(animate=False),
            "up": lambda: body.scroll_up(animate=False),
            "page_down": lambda: body.scroll_page_down(animate=False),
            "home": lambda: body.scroll_home(animate=False),
            "end": lambda: body.scroll_end(animate=False),
        }[where]()

    # Filtering.

    @property
    def filter_text(self) -> str:
        return self.query_one("#help-filter", Input).value

    def action_filter(self) -> None:
        field = self.query_one("#help-filter", Input)
        field.add_class("-shown")
        field.focus()

    @on(Input.Changed, "#help-filter")
    def _filter_changed(self, event: Input.Changed) -> None:
        needle = event.value.strip().casefold()
        any_shown = False
        for section in self.query(".section"):
            rows = list(section.query(HelpRow))
            if rows:
                shown = 0
                for row in rows:
                    row.display = row.matches(needle)
                    shown += row.display
                section.display = shown > 0
                any_shown = any_shown or shown > 0
            else:
                lines = list(section.query(".about-line"))
                for line, text in zip(lines, ABOUT, strict=True):
                    line.display = needle in text.casefold()
                section.display = any(line.display for line in lines)
                any_shown = any_shown or section.display
        no_match = self.query_one("#no-match", Static)
        no_match.update(f"No key matches “{event.value.strip()}”. Press escape to clear the filter.")
        no_match.set_class(not any_shown, "-shown")
        self.query_one("#help-body", VerticalScroll).scroll_home(animate=False)

    @on(Input.Submitted, "#help-filter")
    def _filter_submitted(self) -> None:
        self.query_one("#help-body").focus()

    def action_escape(self) -> None:
        field = self.query_one("#help-filter", Input)
        if field.value or field.has_focus:
            field.value = ""
            field.remove_class("-shown")
            self.query_one("#help-body").focus()
            return
        self.action_close()

    def action_close(self) -> None:
        self.dismiss(None)


__all__ = ["ABOUT", "HelpScreen", "KeyRow", "KeySection", "key_sections", "origin_screen", "show_key"]

"""The navigation sidebar: Account settings → Profile, API tokens; under them, how many tokens
expire within a week."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Label, OptionList
from textual.widgets.option_list import Option

PAGES = (("profile", "Profile"), ("tokens", "API tokens"))


class Sidebar(Vertical):
    """Pick a page with up/down and enter (or a click)."""

    DEFAULT_CSS = """
    Sidebar { width: 18; }
    Sidebar > Label { padding: 0 1; color: $text-muted; text-style: bold; }
    Sidebar > OptionList { border: none; padding: 0 0 0 1; background: transparent; height: auto; }
    Sidebar > OptionList:focus { border: none; background-tint: $foreground 5%; }
    Sidebar > #expiring { padding: 0 0 0 2; color: $text-warning; display: none; }
    Sidebar > #expiring.-some { display: block; }
    """

    def compose(self) -> ComposeResult:
        yield Label("Account settings")
        yield OptionList(*(Option(title, id=key) for key, title in PAGES), id="nav")
        yield Label("", id="expiring", markup=False)

    def show_expiring(self, count: int) -> None:
        """How many of the account's tokens stop within a week (hidden when none do), under
        "API tokens"; the list says which and when."""
        label = self.query_one("#expiring", Label)
        label.update(f"⚠ {count} expiring" if count else "")
        label.set_class(count > 0, "-some")

    def select(self, page: str) -> None:
        nav = self.query_one("#nav", OptionList)
        nav.highlighted = [key for key, _ in PAGES].index(page)

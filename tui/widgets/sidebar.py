"""The navigation sidebar: Account settings → Profile, API tokens; for administrators also
Administration → All tokens, Accounts, Audit log."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.message import Message
from textual.widgets import Label, OptionList
from textual.widgets.option_list import Option

#: (section, title) everyone sees.
PAGES = (("profile", "Profile"), ("tokens", "API tokens"))
#: (section, title) only administrators see.
ADMIN_PAGES = (("all", "All tokens"), ("accounts", "Accounts"), ("audit", "Audit log"))


class Sidebar(Vertical):
    """Pick a section with up/down and enter (or a click).

    The administrators' sections are not in the list at all for anyone else.
    """

    DEFAULT_CSS = """
    Sidebar { width: 18; }
    Sidebar > Label { padding: 0 1; color: $text-muted; text-style: bold; }
    Sidebar > OptionList { border: none; padding: 0 0 0 1; background: transparent; height: auto; }
    Sidebar > OptionList:focus { border: none; background-tint: $foreground 5%; }
    Sidebar > #admin-heading, Sidebar > #admin-nav { display: none; margin-top: 1; }
    Sidebar.-admin > #admin-heading, Sidebar.-admin > #admin-nav { display: block; }
    Sidebar > #admin-nav { margin-top: 0; }
    """

    class PageChosen(Message):
        def __init__(self, page: str) -> None:
            super().__init__()
            self.page = page

    def __init__(self, current: str, *, admin: bool = False, id: str | None = None) -> None:
        super().__init__(id=id)
        self._current = current
        self.set_class(admin, "-admin")

    def compose(self) -> ComposeResult:
        yield Label("Account settings")
        yield OptionList(*(Option(title, id=key) for key, title in PAGES), id="nav")
        yield Label("Administration", id="admin-heading")
        yield OptionList(*(Option(title, id=key) for key, title in ADMIN_PAGES), id="admin-nav")

    def on_mount(self) -> None:
        self.query_one("#admin-nav", OptionList).disabled = not self.admin
        self.select(self._current)

    @property
    def admin(self) -> bool:
        return self.has_class("-admin")

    def set_admin(self, admin: bool) -> None:
        """Show or hide the administrators' sections (and take them out of the focus chain)."""
        self.set_class(admin, "-admin")
        for nav in self.query("#admin-nav").results(OptionList):  # none before it is composed
            nav.disabled = not admin

    def select(self, page: str) -> None:
        self._current = page
        for nav_id, pages in (("#nav", PAGES), ("#admin-nav", ADMIN_PAGES)):
            keys = [key for key, _ in pages]
            nav = self.query_one(nav_id, OptionList)
            nav.highlighted = keys.index(page) if page in keys else None

    @property
    def nav(self) -> OptionList:
        """The list holding the current section (where focus goes when the section takes no keys)."""
        if self._current in dict(ADMIN_PAGES):
            return self.query_one("#admin-nav", OptionList)
        return self.query_one("#nav", OptionList)

    @on(OptionList.OptionSelected)
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        if event.option.id:
            self.post_message(self.PageChosen(event.option.id))

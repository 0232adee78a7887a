"""The navigation sidebar: Account settings → Profile, API tokens (and how many tokens expire
within a week); for administrators also Administration → All tokens, Accounts, Audit log."""

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


def _index(pages: tuple[tuple[str, str], ...], page: str) -> int | None:
    keys = [key for key, _ in pages]
    return keys.index(page) if page in keys else None


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
    Sidebar > #expiring { padding: 0 0 0 2; color: $text-warning; display: none; }
    Sidebar > #expiring.-some { display: block; }
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
        yield Label("", id="expiring", markup=False)
        if self.admin:
            yield from self._admin_part()

    def _admin_part(self) -> list[Label | OptionList]:
        """The administrators' heading and sections: made only once the account is known to be
        one (most are not, and the first frame comes before the store says so)."""
        nav = OptionList(*(Option(title, id=key) for key, title in ADMIN_PAGES), id="admin-nav")
        nav.highlighted = _index(ADMIN_PAGES, self._current)
        return [Label("Administration", id="admin-heading"), nav]

    def on_mount(self) -> None:
        self.select(self._current)

    @property
    def admin(self) -> bool:
        return self.has_class("-admin")

    def show_expiring(self, count: int) -> None:
        """How many of the account's tokens stop within a week (hidden when none do), under
        "API tokens"; the list says which and when."""
        label = self.query_one("#expiring", Label)
        label.update(f"⚠ {count} expiring" if count else "")
        label.set_class(count > 0, "-some")

    def set_admin(self, admin: bool) -> None:
        """Show or hide the administrators' sections (and take them out of the focus chain)."""
        self.set_class(admin, "-admin")
        navs = list(self.query("#admin-nav").results(OptionList))
        if admin and not navs and self.query("#nav"):  # composed without them
            self.mount_all(self._admin_part())
        for nav in navs:
            nav.disabled = not admin

    def select(self, page: str) -> None:
        self._current = page
        for nav_id, pages in (("#nav", PAGES), ("#admin-nav", ADMIN_PAGES)):
            for nav in self.query(nav_id).results(OptionList):
                nav.highlighted = _index(pages, page)

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

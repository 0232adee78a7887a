"""The navigation sidebar: Account settings → Profile, API tokens (and how many tokens expire
within a week); for administrators also Administration → All tokens, Accounts, Audit log."""

from __future__ import annotations

from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
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


class NavList(OptionList):
    """One of the sidebar's lists of sections. An administrator's two lists move as one: ↓ (or j)
    on the last entry of one goes on to the first of the next, ↑ (k) the other way, round at the
    ends; g and G go to the sidebar's first and last entries, as in every list of the app."""

    BINDING_GROUP_TITLE = "In the sidebar"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("k", "cursor_up", "Previous section", id="cursor-up", show=False),
        Binding("up", "cursor_up", "Previous section", id="sidebar.up", show=False),
        Binding("j", "cursor_down", "Next section", id="cursor-down", show=False),
        Binding("down", "cursor_down", "Next section", id="sidebar.down", show=False),
        Binding("g", "first", "First section", id="cursor-first", show=False),
        Binding("home", "first", "First section", id="sidebar.first", show=False),
        Binding("G", "last", "Last section", id="cursor-last", show=False),
        Binding("end", "last", "Last section", id="sidebar.last", show=False),
        Binding("enter", "select", "Show the highlighted section", id="sidebar.show", show=False),
    ]

    def _sidebar(self) -> Sidebar | None:
        return self.parent if isinstance(self.parent, Sidebar) else None

    def action_cursor_down(self) -> None:
        sidebar = self._sidebar()
        if sidebar is None or not sidebar.step_from(self, 1):
            super().action_cursor_down()

    def action_cursor_up(self) -> None:
        sidebar = self._sidebar()
        if sidebar is None or not sidebar.step_from(self, -1):
            super().action_cursor_up()

    def action_first(self) -> None:
        sidebar = self._sidebar()
        if sidebar is None or not sidebar.go_to_end(last=False):
            super().action_first()

    def action_last(self) -> None:
        sidebar = self._sidebar()
        if sidebar is None or not sidebar.go_to_end(last=True):
            super().action_last()


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
        yield NavList(*(Option(title, id=key) for key, title in PAGES), id="nav")
        yield Label("", id="expiring", markup=False)
        if self.admin:
            yield from self._admin_part()

    def _admin_part(self) -> list[Label | NavList]:
        """The administrators' heading and sections: made only once the account is known to be
        one (most are not, and the first frame comes before the store says so)."""
        nav = NavList(*(Option(title, id=key) for key, title in ADMIN_PAGES), id="admin-nav")
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

    def _lists(self) -> list[NavList]:
        """The lists the keys move through, top to bottom: the administrators' only when shown."""
        return [nav for nav in self.query(NavList).results(NavList) if not nav.disabled and nav.display
                and (nav.id != "admin-nav" or self.admin)]

    def _enter(self, nav: NavList, last: bool) -> None:
        nav.highlighted = nav.option_count - 1 if last else 0
        nav.focus()

    def step_from(self, nav: NavList, direction: int) -> bool:
        """Move from the edge of ``nav`` into the next list (``direction`` 1) or the one before
        (-1); False when ``nav`` is not at that edge or is the only list."""
        lists = self._lists()
        if len(lists) < 2 or nav not in lists:
            return False
        edge = nav.option_count - 1 if direction > 0 else 0
        if nav.highlighted != edge:
            return False
        self._enter(lists[(lists.index(nav) + direction) % len(lists)], last=direction < 0)
        return True

    def go_to_end(self, *, last: bool) -> bool:
        """Highlight the sidebar's first or last entry, in whichever list holds it."""
        lists = self._lists()
        if not lists:
            return False
        self._enter(lists[-1] if last else lists[0], last=last)
        return True

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

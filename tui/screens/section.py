"""What every sidebar section shares: the header, the sidebar, the footer, and how it hears of
the store opening, of changes made anywhere, and of its workers failing.

Each section is a screen of its own (one of the app's modes), so its bindings exist only while
it is shown, and never under a dialog.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal
from textual.screen import Screen
from textual.timer import Timer
from textual.types import NoActiveAppError
from textual.widgets import Input
from textual.worker import Worker, WorkerState

from ..textual_private import NoDroppedFrames, mark_styles_current
from ..widgets.footer import KeyFooter
from ..widgets.header import TitleHeader
from ..widgets.sidebar import Sidebar

if TYPE_CHECKING:
    from textual.app import App

    from ..app import TokensApp


class SectionScreen(NoDroppedFrames, Screen[None]):
    """A sidebar section. Subclasses compose their page in :meth:`compose_page` and read the store
    in :meth:`load` (called once the store is open, when a change is seen while shown, and when
    shown again after a change)."""

    #: The mode (and sidebar entry) this screen is.
    SECTION: ClassVar[str] = ""
    #: What each worker of the screen was doing, for the error message.
    DOING: ClassVar[dict[str, str]] = {}
    #: Only administrators may see this section.
    ADMIN_ONLY: ClassVar[bool] = False
    #: The worker group of :meth:`load`'s reads.
    LOAD_GROUP: ClassVar[str] = "load"

    # q quits from any section, as in lazygit, less or htop (a text field takes it as a letter,
    # and dialogs do not have it); ctrl+q quits from anywhere.
    BINDINGS: ClassVar[list[BindingType]] = [Binding("q", "app.quit", "Quit", id="quit", show=False)]

    def __init__(self) -> None:
        super().__init__()
        #: Styled with the app's current stylesheet as its widgets are mounted (see _style_once).
        self._styled_when_made = False
        try:
            app = self.app
        except NoActiveAppError:
            pass  # made outside a running app: Textual styles it in full when it is shown
        else:
            self._style_once(app)
            self._styled_when_made = True
        self._stale = False
        self._again = False
        #: How often the section has asked the store for what it shows.
        self.reads = 0

    def _style_once(self, app: App[object]) -> None:
        """Let the screen's widgets be styled once, as they are mounted, with CSS parsed once.

        Its size classes (the app's breakpoints) are given now: set by Textual's first resize,
        after the widgets are mounted, they would style every widget again (and the first frame
        would show the layout of another size). And the stylesheet already holds the theme
        (``TokensApp`` puts it there before the first screen is made), so Textual's pass over all
        of the app's CSS when a mode is first shown is not needed: it parsed every source twice.
        """
        width, height = app.size
        horizontal = self.HORIZONTAL_BREAKPOINTS if self.HORIZONTAL_BREAKPOINTS is not None else app.HORIZONTAL_BREAKPOINTS
        vertical = self.VERTICAL_BREAKPOINTS if self.VERTICAL_BREAKPOINTS is not None else app.VERTICAL_BREAKPOINTS
        for size, breakpoints in ((width, horizontal or []), (height, vertical or [])):
            # As Textual picks them: the class of the largest breakpoint the size reaches.
            for at, name in sorted(breakpoints, reverse=True):
                if size >= at:
                    self.add_class(name, update=False)
                    break
        mark_styles_current(self, app)
        # Textual styles the app itself only after its first screen is composed; that pass styled
        # it before. Widgets take their text colour from the app's, and keep what they first saw.
        app.stylesheet.apply(app)

    @property
    def tokens_app(self) -> TokensApp:
        return self.app  # type: ignore[return-value]

    def compose(self) -> ComposeResult:
        yield TitleHeader()
        with Horizontal(id="body"):
            yield Sidebar(self.SECTION, admin=self.tokens_app.is_admin, id="sidebar")
            yield from self.compose_page()
        yield KeyFooter()

    def compose_page(self) -> ComposeResult:
        yield from ()

    def on_mount(self) -> None:
        self.tokens_app.sections[self.SECTION] = self
        if self.tokens_app.store is not None and self.may_show():
            self.read_again()

    # ------------------------------------------------------------------ hooks for the app

    def may_show(self) -> bool:
        return not self.ADMIN_ONLY or self.tokens_app.is_admin

    def sidebar(self) -> Sidebar | None:
        """The section's sidebar; ``None`` once the screen is being taken down (the app is
        quitting), when an answer from a worker or the change poll may still arrive."""
        found = self.query(Sidebar)
        return found.first() if found else None

    def store_opened(self) -> None:
        """The store is open: read what this section shows."""
        sidebar = self.sidebar()
        if sidebar is None:
            return
        sidebar.set_admin(self.tokens_app.is_admin)
        if self.may_show():
            self.read_again()

    def data_changed(self) -> None:
        """Something changed in the database: read again now if shown, else when next shown."""
        sidebar = self.sidebar()
        if sidebar is None:
            return
        sidebar.set_admin(self.tokens_app.is_admin)
        if not self.may_show():
            return
        if self.is_current_section:
            self.read_again()
        else:
            self._stale = True

    @property
    def is_current_section(self) -> bool:
        stack = self.app.screen_stack
        return bool(stack) and stack[0] is self

    def read_again(self) -> None:
        """Read what the section shows, counting it. While a read is still going (a slow
        database), it is left to finish and one more follows it, rather than each change seen
        meanwhile cancelling the read before it so that the list never catches up."""
        if self._reading():
            self._again = True
            return
        self.reads += 1
        self.load()

    def _reading(self) -> bool:
        return any(w.node is self and w.group == self.LOAD_GROUP and not w.is_finished for w in self.app.workers)

    def load(self) -> None:
        """Read what the section shows (in a worker)."""

    def on_screen_resume(self, event: events.ScreenResume) -> None:
        if self._styled_when_made:
            # Shown for the first time, just after its widgets were styled as they were mounted:
            # Textual (whose handler runs after this one) would style them all once more.
            self._styled_when_made = False
            event.refresh_styles = False
        sidebar = self.sidebar()
        if sidebar is None:
            return
        sidebar.set_admin(self.tokens_app.is_admin)
        sidebar.show_expiring(self.tokens_app.expiring_count)
        if self._stale and self.tokens_app.store is not None and self.may_show():
            self._stale = False
            self.read_again()

    @on(Sidebar.PageChosen)
    def _page_chosen(self, event: Sidebar.PageChosen) -> None:
        self.tokens_app.action_show_page(event.page)

    def focus_page(self) -> None:
        """Where focus goes when the section is shown."""
        self.query_one(Sidebar).nav.focus()

    # ------------------------------------------------------------------ failures

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        """A failed store call of this section becomes a message a person can read."""
        if event.worker.group == self.LOAD_GROUP and event.worker.is_finished and self._again:
            self._again = False
            self.call_later(self.read_again)
        if event.state is not WorkerState.ERROR:
            return
        doing = self.DOING.get(event.worker.name, "Something went wrong")
        self.tokens_app.report_failure(doing, event.worker.error, self)

    def store_failed(self, doing: str, reason: str) -> None:
        """A store call of this section failed (the app has notified already)."""


class FilteredSection(SectionScreen):
    """A section with a row of filters (inputs in a ``.filter-row``): typing applies them once it
    pauses, not at every key; enter applies them at once and goes back to the page."""

    #: How long typing must pause before the filters are applied (each applying reads the store).
    FILTER_PAUSE: ClassVar[float] = 0.25

    def __init__(self) -> None:
        super().__init__()
        self._apply_timer: Timer | None = None

    def apply_filters(self) -> None:
        """Read the filters and show what they select (subclasses); starts with :meth:`_settle_filters`."""
        raise NotImplementedError

    def _settle_filters(self) -> None:
        """Drop a pending delayed apply: the filters are being applied now."""
        if self._apply_timer is not None:
            self._apply_timer.stop()
            self._apply_timer = None

    @on(Input.Changed, ".filter-row Input")
    def filters_changed(self) -> None:
        self._settle_filters()
        self._apply_timer = self.set_timer(self.FILTER_PAUSE, self.apply_filters)

    @on(Input.Submitted, ".filter-row Input")
    def _filter_submitted(self) -> None:
        self.apply_filters()
        self.focus_page()

"""A bare app that shows one modal screen over a stand-in main screen, and fake data for it.

Used by the Pilot tests and, as files, by the snapshot tests. Every value here is fake and fixed,
so that snapshots do not change from run to run.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import UTC, datetime

from textual.app import App, ComposeResult, SystemCommand
from textual.screen import Screen
from textual.widgets import Footer, Header, Static

from store import Scope, TokenInfo
from tui.screens.reveal_secret import allows_screenshot

# Noon UTC, so that the dates read the same in every time zone the tests may run in.
CREATED = datetime(2025, 1, 15, 12, 0, tzinfo=UTC)
EXPIRES = datetime(2025, 4, 15, 12, 0, tzinfo=UTC)

# The shape of a real token (prefix, 12-character id, 32-character secret, 6-character checksum),
# but plainly fake.
FAKE_ID = "FAKEID000001"
FAKE_SECRET = "tkn_" + FAKE_ID + "FAKE" * 8 + "FAKE00"

FAKE_INFO = TokenInfo(
    id=FAKE_ID,
    account="alice",
    label="Power BI – office laptop",
    scope=Scope.READ_WRITE,
    created_at=CREATED,
    expires_at=EXPIRES,
    last_used_at=None,
    revoked_at=None,
    revoked_by=None,
)

EXISTING_LABELS = ("Power BI – office laptop", "Excel – home")


def fake_info(label: str = FAKE_INFO.label, scope: Scope = FAKE_INFO.scope) -> TokenInfo:
    return TokenInfo(
        id=FAKE_ID,
        account="alice",
        label=label,
        scope=scope,
        created_at=CREATED,
        expires_at=EXPIRES,
        last_used_at=None,
        revoked_at=None,
        revoked_by=None,
    )


class ModalHost(App[None]):
    """Pushes the screen that ``make_screen`` builds and records what it dismisses with."""

    TITLE = "tokens"

    def __init__(self, make_screen: Callable[[], Screen[object]]) -> None:
        super().__init__()
        self._make_screen = make_screen
        self.results: list[object] = []
        self.modal: Screen[object] | None = None

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("API tokens", id="main")
        yield Footer()

    def on_mount(self) -> None:
        self.modal = self._make_screen()
        self.push_screen(self.modal, callback=self.results.append)

    def get_system_commands(self, screen: Screen[object]) -> Iterable[SystemCommand]:
        # As the real app does: no Screenshot command while a secret is on show.
        for command in super().get_system_commands(screen):
            if command.title == "Screenshot" and not allows_screenshot(screen):
                continue
            yield command


def screen_text(app: App[object]) -> str:
    """The plain text the terminal would show right now, modal and what is behind it."""
    return "\n".join(strip.text for strip in app.screen._compositor.render_strips())

"""The yardstick for start-up: a bare Textual app with the main screen's layout.

Header, a navigation sidebar, a token list pane and a detail pane, and a footer, all with static
placeholder content. It imports only Textual, so launching it costs what any Textual app of this
shape costs; ``bench/startup.py`` compares the real ``tokens`` app against it.

Run it on its own with ``python bench/bare_app.py``; quit with ctrl+q.
"""

from __future__ import annotations

from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import Footer, Header, Input, Label, OptionList, Static
from textual.widgets.option_list import Option

ROWS = "\n".join(
    [" Label              Scope         Status"]
    + [f" Placeholder {i:<6} Read-only     active" for i in range(1, 6)]
)
DETAIL = "Placeholder\nID        abcdefgh\nScope     Read-only\nStatus    Active"


class BareApp(App[None]):
    TITLE = "tokens"
    SUB_TITLE = "bare"

    CSS = """
    #body { height: 1fr; }
    #sidebar { width: 19; border-right: solid $panel-lighten-1; padding-top: 1; }
    #sidebar > Label { padding: 0 1; color: $text-muted; text-style: bold; }
    #sidebar > OptionList { border: none; padding: 0 0 0 1; background: transparent; height: auto; }
    #list-pane { width: 1fr; padding: 0 1; }
    #page-title { padding-top: 1; text-style: bold; }
    #page-intro { color: $text-muted; margin-bottom: 1; }
    #filter { margin-bottom: 1; }
    #list { height: 1fr; }
    #detail { width: 32; border-left: solid $panel-lighten-1; padding: 1 1 0 1; }
    """

    BINDINGS = [
        Binding("a", "nothing", "Add"),
        Binding("r", "nothing", "Revoke"),
        Binding("slash", "nothing", "Filter"),
        Binding("v", "nothing", "Revoked"),
        Binding("question_mark", "nothing", "Help"),
    ]

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal(id="body"):
            with Vertical(id="sidebar"):
                yield Label("Account settings")
                yield OptionList(Option("Profile", id="profile"), Option("API tokens", id="tokens"), id="nav")
            with Vertical(id="list-pane"):
                yield Static("API tokens", id="page-title")
                yield Static("Tokens let programs use your account.", id="page-intro")
                yield Input(placeholder="/ filter by label", id="filter", compact=True)
                yield Static(ROWS, id="list")
            yield Static(DETAIL, id="detail")
        yield Footer()

    def action_nothing(self) -> None:
        pass


if __name__ == "__main__":
    BareApp().run()

"""Command palette (ctrl+p): the app's actions, and a jump to any token by its label."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.command import DiscoveryHit, Hit, Hits, Provider
from textual.content import Content

from . import format as fmt

if TYPE_CHECKING:
    from .app import TokensApp

#: (title, help, action name on the app)
ACTIONS = (
    ("Add token", "Create a new API token", "add_token"),
    ("Revoke token", "Revoke the highlighted token (asks first)", "revoke_token"),
    ("Filter by label", "Show only tokens whose label contains some text", "filter"),
    ("Show or hide revoked tokens", "Toggle revoked tokens in the list", "toggle_revoked"),
    ("Reload", "Read the tokens from the database again", "reload"),
    ("Go to API tokens", "The token list", "show_page('tokens')"),
    ("Go to Profile", "Your account and its permissions", "show_page('profile')"),
    ("Help", "Keys and how tokens work", "help"),
)


class TokenCommands(Provider):
    @property
    def tokens_app(self) -> TokensApp:
        return self.app  # type: ignore[return-value]

    def _commands(self) -> list[tuple[str, str, object]]:
        app = self.tokens_app
        found: list[tuple[str, str, object]] = []
        for title, help_text, action in ACTIONS:
            found.append((title, help_text, _runner(app, action)))
        for token in app.tokens:
            label = fmt.safe(token.label)
            found.append(
                (f"Show token: {label}", f"{token.scope.title}, {token.status(app.now()).value}", _selector(app, token.id))
            )
        return found

    async def discover(self) -> Hits:
        for title, help_text, command in self._commands():
            yield DiscoveryHit(Content(title), command, text=title, help=help_text)  # type: ignore[arg-type]

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for title, help_text, command in self._commands():
            score = matcher.match(title)
            if score > 0:
                yield Hit(score, _highlight(matcher, query, title), command, text=title, help=help_text)  # type: ignore[arg-type]


def _highlight(matcher, query: str, title: str) -> Content:  # type: ignore[no-untyped-def]
    """The matched letters underlined. Textual's own highlighter reads the title as markup, and a
    label is user text: ``[/foo]`` would break it."""
    content = Content(title)
    _, offsets = matcher.fuzzy_search.match(query, title)
    for offset in offsets:
        content = content.stylize("bold underline", offset, offset + 1)
    return content


def _runner(app: TokensApp, action: str):  # type: ignore[no-untyped-def]
    async def run() -> None:
        await app.run_action(action)

    return run


def _selector(app: TokensApp, token_id: str):  # type: ignore[no-untyped-def]
    def run() -> None:
        app.select_token(token_id)

    return run

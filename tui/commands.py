"""Command palette (ctrl+p): the app's actions, and a jump to any token by its label."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.command import DiscoveryHit, Hit, Hits, Provider
from textual.content import Content

from . import format as fmt
from .read_only import CHANGING_ACTIONS

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


#: At most this many "Show token" hits: an administrator may have thousands of tokens.
TOKEN_HITS = 50


class TokenCommands(Provider):
    @property
    def tokens_app(self) -> TokensApp:
        return self.app  # type: ignore[return-value]

    async def discover(self) -> Hits:
        app = self.tokens_app
        for title, help_text, action in _offered(app):
            yield DiscoveryHit(Content(title), _runner(app, action), text=title, help=help_text)  # type: ignore[arg-type]

    async def search(self, query: str) -> Hits:
        app = self.tokens_app
        matcher = self.matcher(query)
        for title, help_text, action in _offered(app):
            score = matcher.match(title)
            if score > 0:
                yield Hit(score, _highlight(matcher, query, title), _runner(app, action), text=title, help=help_text)  # type: ignore[arg-type]
        # Tokens by label: a plain substring test, from two characters on and a bounded number
        # of hits, so the palette stays instant with 10,000 tokens.
        needle = query.strip().casefold()
        if needle.startswith("show token:"):
            needle = needle[len("show token:"):].strip()
        if len(needle) < 2:
            return
        now = app.now()
        found = 0
        for token in app.tokens:
            label = fmt.safe(token.label)
            at = label.casefold().find(needle)
            if at < 0:
                continue
            title = f"Show token: {label}"
            start = len("Show token: ") + at
            shown = Content(title).stylize("bold underline", start, start + len(needle))
            help_text = f"{token.scope.title}, {token.status(now).value}"
            yield Hit(0.5, shown, _selector(app, token.id), text=title, help=help_text)  # type: ignore[arg-type]
            found += 1
            if found >= TOKEN_HITS:
                return


def _offered(app: TokensApp) -> tuple[tuple[str, str, str], ...]:
    """The actions this session may run: a read-only one is not offered any change."""
    if not getattr(app, "read_only", False):
        return ACTIONS
    return tuple(item for item in ACTIONS if item[2] not in CHANGING_ACTIONS)


def _runner(app: TokensApp, action: str):  # type: ignore[no-untyped-def]
    async def run() -> None:
        await app.run_action(action)

    return run


def _selector(app: TokensApp, token_id: str):  # type: ignore[no-untyped-def]
    def run() -> None:
        app.select_token(token_id)

    return run


def _highlight(matcher, query: str, title: str) -> Content:  # type: ignore[no-untyped-def]
    """The matched letters underlined. Textual's own highlighter reads the title as markup."""
    content = Content(title)
    _, offsets = matcher.fuzzy_search.match(query, title)
    for offset in offsets:
        content = content.stylize("bold underline", offset, offset + 1)
    return content

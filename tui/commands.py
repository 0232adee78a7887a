"""Command palette (ctrl+p): every action of the screen it was opened over, and a jump to any
token by part of its label or id ("show token backup", "show token 7fGk", or just "backup")."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING

from textual.command import DiscoveryHit, Hit, Hits, Provider
from textual.content import Content

from . import format as fmt

if TYPE_CHECKING:
    from textual.binding import Binding
    from textual.dom import DOMNode

    from .app import TokensApp

#: (title, help, action name on the app): how the palette and help word the app's actions.
ACTIONS = (
    ("Add token", "Create a new API token", "add_token"),
    ("Revoke token", "Revoke the highlighted token (asks first)", "revoke_token"),
    ("Rotate token", "Replace the highlighted token with a new secret; the old one works for an overlap (asks first)",
     "rotate_token"),
    ("Edit token", "Rename the highlighted token or change its note", "edit_token"),
    ("Filter by label", "Show only tokens whose label contains some text", "filter"),
    ("Clear filter", "Show every token again", "clear_filter"),
    ("Show or hide revoked tokens", "Toggle revoked tokens in the list", "toggle_revoked"),
    ("Sort by least used", "Tokens used on the fewest of the last 30 days first; again for newest first",
     "sort_by_use"),
    ("Reload", "Read the section again (changes made elsewhere show within a second or two anyway)", "reload"),
    ("Go to API tokens", "The token list", "show_page('tokens')"),
    ("Go to Profile", "Your account and its permissions", "show_page('profile')"),
    ("Help", "Keys and how tokens work", "help"),
    ("Command palette", "Every action by name, and any token by label or id", "command_palette"),
    ("Quit", "Quit the app", "quit"),
)
#: (title, help, action) offered to administrators only.
ADMIN_ACTIONS = (
    ("Go to All tokens", "Every account's tokens, filtered by the database", "show_page('all')"),
    ("Go to Accounts", "Add, disable and enable accounts; administrators and grants", "show_page('accounts')"),
    ("Go to Audit log", "Who did what, newest first", "show_page('audit')"),
    ("Check a token", "Paste a token found in a log: whose is it? (offers to revoke it)", "check_token"),
)
_WORDS = {action: (title, help_text) for title, help_text, action in ACTIONS + ADMIN_ACTIONS}

#: Actions the palette does not offer again: Textual lists Quit itself, and the palette is open.
_NOT_OFFERED = frozenset({"command_palette", "quit", "help_quit"})

#: At most this many "Show token" hits: an administrator may have thousands of tokens.
TOKEN_HITS = 50

#: "show token: x", "show token x", "show tokens x": what follows is the part of a label or id.
_SHOW_TOKEN = re.compile(r"^\s*show\s+tokens?\b\s*:?\s*", re.IGNORECASE)


def action_words(action: str) -> tuple[str, str] | None:
    """The palette's title and help text for an action of the app, if it has them."""
    return _WORDS.get(action.removeprefix("app."))


def token_needle(query: str) -> tuple[str, bool]:
    """What to look for in labels and ids, and whether the person asked for tokens by name."""
    match = _SHOW_TOKEN.match(query)
    if match:
        return query[match.end():].strip().casefold(), True
    return query.strip().casefold(), False


class TokenCommands(Provider):
    @property
    def tokens_app(self) -> TokensApp:
        return self.app  # type: ignore[return-value]

    def _actions(self) -> Iterator[tuple[str, str, Callable[[], object]]]:
        """(title, help, run) for every action that works on the screen beneath the palette."""
        app = self.tokens_app
        screen = self.screen
        seen: set[str] = set()
        for active in screen.active_bindings.values():
            binding = active.binding
            name = binding.action.removeprefix("app.")
            if not active.enabled or name in _NOT_OFFERED or name in seen or not binding.description:
                continue
            seen.add(name)
            title, help_text = action_words(name) or (_binding_title(binding), binding.tooltip or "")
            yield title, help_text, _runner(app, binding.action, active.node)
        if screen is app.screen_stack[0]:
            # The main screen's actions that no key is bound to (going to a page).
            # Administrators' ones only for administrators (the app's check_action says so).
            for title, help_text, action in ACTIONS + ADMIN_ACTIONS:
                if action not in seen and action not in _NOT_OFFERED and app.check_action(action, ()):
                    seen.add(action)
                    yield title, help_text, _runner(app, action, app)

    async def discover(self) -> Hits:
        for title, help_text, run in self._actions():
            yield DiscoveryHit(Content(title), run, text=title, help=help_text)

    async def search(self, query: str) -> Hits:
        app = self.tokens_app
        matcher = self.matcher(query)
        for title, help_text, run in self._actions():
            score = matcher.match(title)
            if score > 0:
                yield Hit(score, _highlight(matcher, query, title), run, text=title, help=help_text)
        if self.screen is not app.screen_stack[0]:
            return  # a dialog is open: jumping to a token would act behind it
        needle, asked = token_needle(query)
        if not asked and len(needle) < 2:
            return
        now = app.now()
        found = 0
        for token in app.tokens:
            label = fmt.safe(token.label)
            at = label.casefold().find(needle)
            in_id = needle in token.id.casefold()
            if at < 0 and not in_id:
                continue
            title = f"Show token: {label}"
            shown = Content(title)
            # Only where case folding kept the label's length (ß → ss does not) does ``at`` count
            # in the label's own characters.
            if needle and at >= 0 and len(label.casefold()) == len(label):
                start = len("Show token: ") + at
                shown = shown.stylize("bold underline", start, start + len(needle))
            help_text = f"{token.id} · {token.scope.title}, {token.status(now).value}"
            # A token asked for by name ranks above actions whose titles merely share letters.
            score = 1.0 if asked else (0.9 if at == 0 else 0.6)
            yield Hit(score, shown, _selector(app, token.id), text=title, help=help_text)
            found += 1
            if found >= TOKEN_HITS:
                return


def _binding_title(binding: Binding) -> str:
    return binding.description[:1].upper() + binding.description[1:]


def _runner(app: TokensApp, action: str, node: DOMNode):  # type: ignore[no-untyped-def]
    async def run() -> None:
        await app.run_action(action, node)

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

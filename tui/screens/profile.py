"""Profile: who you are here, where the tokens are kept, and your permissions (no keys of its own)."""

from __future__ import annotations

from typing import ClassVar

from textual import work
from textual.app import ComposeResult

from ..messages import TokensLoaded
from ..widgets.profile import ProfilePage
from .section import SectionScreen


class ProfileScreen(SectionScreen):
    SECTION = "profile"
    DOING: ClassVar[dict[str, str]] = {"read_profile": "Cannot read your profile"}

    def compose_page(self) -> ComposeResult:
        yield ProfilePage(id="profile-page")

    def load(self) -> None:
        self.read_profile()

    @work(thread=True, exclusive=True, group="load", exit_on_error=False)
    def read_profile(self) -> None:
        app = self.tokens_app
        assert app.store is not None and app.actor is not None
        tokens = app.store.list_tokens(app.actor, include_revoked=True)
        access = app.store.account_access(app.actor)
        self.post_message(TokensLoaded(tokens, access))

    def on_tokens_loaded(self, message: TokensLoaded) -> None:
        app = self.tokens_app
        self.query_one(ProfilePage).show(app.account, app.location, message.tokens, message.access)

"""Messages that workers send back to the app. Workers never touch widgets themselves."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from textual.message import Message

from store import Actor, FormAccess, NewToken, Scope, TokenInfo


@dataclass(frozen=True, slots=True)
class AddTokenRequest:
    """What the person asked for in the add form. ``label`` is already trimmed and validated."""

    label: str
    scope: Scope
    expires_at: datetime | None
    #: ``30d``, ``90d``, ``1y``, ``never`` or ``YYYY-MM-DD``: passed back to re-open the form.
    expiry_choice: str


@dataclass
class StoreOpened(Message):
    """The database is open and who is acting is known."""

    location: str
    actor: Actor
    is_admin: bool

    @property
    def account(self) -> str:
        return self.actor.account


@dataclass
class DataChanged(Message):
    """Someone (this app, another one, the command line, another host) committed a change."""

    is_admin: bool


@dataclass
class TokensLoaded(Message):
    """A fresh read of the account's tokens and of what the account may do on each form."""

    tokens: list[TokenInfo]
    access: list[FormAccess]
    select_id: str | None = None


@dataclass
class TokenCreated(Message):
    """A token was created. The only message that carries a secret; it is shown once and dropped."""

    new: NewToken

    def __repr__(self) -> str:
        return f"TokenCreated(id={self.new.info.id!r})"


@dataclass
class AddRefused(Message):
    """The store refused the new token's input; the add form opens again with the reason."""

    request: AddTokenRequest
    reason: str


@dataclass
class TokenRevoked(Message):
    info: TokenInfo


@dataclass
class StoreFailed(Message):
    """A store call failed: what the user was doing, and why, in one line."""

    doing: str
    reason: str

"""Messages that workers send back to the app. Workers never touch widgets themselves.

The messages are plain classes rather than dataclasses: this module is imported before the first
frame, where making each dataclass (it writes and compiles its methods) costs more than the rest of
the module.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, ClassVar

from textual.message import Message

if TYPE_CHECKING:  # the store's types are loaded after the first frame, by the store itself
    from store import Actor, FormAccess, LifetimePolicy, NewToken, TokenInfo

    from .screens.add_token import AddTokenRequest


class _Message(Message):
    """A message whose repr names its fields."""

    _FIELDS: ClassVar[tuple[str, ...]] = ()

    def __repr__(self) -> str:
        shown = ", ".join(f"{name}={getattr(self, name)!r}" for name in self._FIELDS)
        return f"{type(self).__name__}({shown})"


class StoreOpened(_Message):
    """The database is open and who is acting is known."""

    _FIELDS = ("location", "actor", "is_admin")

    def __init__(self, location: str, actor: Actor, is_admin: bool) -> None:
        super().__init__()
        self.location = location
        self.actor = actor
        self.is_admin = is_admin

    @property
    def account(self) -> str:
        return self.actor.account


class DataChanged(_Message):
    """Someone (this app, another one, the command line, another host) committed a change."""

    _FIELDS = ("is_admin",)

    def __init__(self, is_admin: bool) -> None:
        super().__init__()
        self.is_admin = is_admin


class TokensLoaded(_Message):
    """A fresh read of the account's tokens and of what the account may do on each form."""

    _FIELDS = ("tokens", "access", "policy")

    def __init__(self, tokens: list[TokenInfo], access: list[FormAccess], policy: LifetimePolicy | None = None) -> None:
        super().__init__()
        self.tokens = tokens
        self.access = access
        #: The administrators' lifetime policy, which the add dialog keeps to.
        self.policy = policy


class TokenCreated(Message):
    """A token was created. The only message that carries a secret; it is shown once and dropped."""

    def __init__(self, new: NewToken) -> None:
        super().__init__()
        self.new = new

    def __repr__(self) -> str:
        return f"TokenCreated(id={self.new.info.id!r})"


class AddRefused(_Message):
    """The store refused the new token's input; the add form opens again with the reason."""

    _FIELDS = ("request", "reason")

    def __init__(self, request: AddTokenRequest, reason: str) -> None:
        super().__init__()
        self.request = request
        self.reason = reason


class TokenRevoked(_Message):
    _FIELDS = ("info",)

    def __init__(self, info: TokenInfo) -> None:
        super().__init__()
        self.info = info


class StoreFailed(_Message):
    """A store call failed: what the user was doing, and why, in one line."""

    _FIELDS = ("doing", "reason")

    def __init__(self, doing: str, reason: str) -> None:
        super().__init__()
        self.doing = doing
        self.reason = reason


class TokenRotated(Message):
    """A token was rotated: carries the new token's secret, shown once and dropped."""

    def __init__(self, new: NewToken, old_id: str) -> None:
        super().__init__()
        self.new = new
        self.old_id = old_id

    def __repr__(self) -> str:
        return f"TokenRotated(id={self.new.info.id!r}, old_id={self.old_id!r})"


class TokenEdited(_Message):
    _FIELDS = ("info",)

    def __init__(self, info: TokenInfo) -> None:
        super().__init__()
        self.info = info

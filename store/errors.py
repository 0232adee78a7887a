"""Errors the store raises. Each message is one clear line meant for the person at the keyboard.

No message ever contains a token's secret or its hash.
"""


class StoreError(Exception):
    """Base class: something the user can read and act on."""


class InvalidInput(StoreError):
    pass


class InvalidLabel(InvalidInput):
    pass


class DuplicateLabel(InvalidLabel):
    pass


class InvalidScope(InvalidInput):
    pass


class InvalidExpiry(InvalidInput):
    pass


class InvalidAccount(InvalidInput):
    pass


class TokenNotFound(StoreError):
    pass


class AlreadyRevoked(StoreError):
    pass


class UnknownForm(StoreError):
    pass


class UnknownAccount(StoreError):
    pass


class NotAllowed(StoreError):
    """The actor may not do this (not an administrator, or the account is disabled)."""


class AccountDisabled(NotAllowed):
    pass


class InvalidToken(StoreError):
    """A presented token string is not accepted. Never says which part was wrong."""

    def __init__(self) -> None:
        super().__init__("invalid token")


class DatabaseError(StoreError):
    """The database could not be opened, read or written."""


class DatabaseLocked(DatabaseError):
    pass


class ReadOnlyDatabase(DatabaseError):
    pass


class SchemaMismatch(DatabaseError):
    """The database's schema is older (and is not upgraded automatically) or newer than this release."""

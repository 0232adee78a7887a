"""The token store: accounts, forms and grants, personal API tokens, and their audit trail.

Importing this package is cheap: the database layer (SQLAlchemy, SQLModel, Argon2) is imported
only when :class:`TokenStore` is first used, so a user interface can paint before that cost.
Nothing here imports a user-interface library.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .actor import login_name
from .errors import (
    AccountDisabled,
    AlreadyRevoked,
    DatabaseError,
    DatabaseLocked,
    DuplicateLabel,
    InvalidAccount,
    InvalidExpiry,
    InvalidInput,
    InvalidLabel,
    InvalidScope,
    InvalidToken,
    NotAllowed,
    ReadOnlyDatabase,
    SchemaMismatch,
    StoreError,
    TokenNotFound,
    UnknownAccount,
    UnknownForm,
)
from .paths import ENV_DB, default_db_path, describe, resolve_target
from .types import (
    ALL_ACTIONS,
    DEFAULT_OVERLAP,
    EXPIRES_SOON,
    MAX_OVERLAP,
    SCHEMA_HEAD,
    LifetimePolicy,
    describe_duration,
    limit_to_databases,
    AccountInfo,
    Action,
    Actor,
    ActorVia,
    AuditEvent,
    FormAccess,
    NewToken,
    Principal,
    SchemaState,
    SchemaStatus,
    Scope,
    TokenInfo,
    TokenPage,
    TokenSeed,
    TokenStatus,
    effective_actions,
    utcnow,
)
from .usage import USAGE_DAYS
from .validation import (
    EXPIRY_CHOICES,
    LABEL_MAX,
    NOTE_MAX,
    parse_duration,
    label_key,
    parse_expiry,
    strip_controls,
    validate_account_name,
    validate_label,
    validate_note,
)

if TYPE_CHECKING:
    from .pubkey import InvalidKey, SshKeyInfo, check_fingerprint, parse_public_key
    from .store import TokenStore

#: Loaded when first asked for: SSH keys need hashing and base64, a plain listing does not.
_PUBKEY = ("InvalidKey", "SshKeyInfo", "check_fingerprint", "parse_public_key")

__all__ = [
    "PUBLIC_KEY_MAX",
    "quick_list_tokens",
    "InvalidKey",
    "SshKeyInfo",
    "check_fingerprint",
    "parse_public_key",
    "ALL_ACTIONS",
    "AccountDisabled",
    "AccountInfo",
    "Actor",
    "ActorVia",
    "NotAllowed",
    "TokenPage",
    "label_key",
    "DEFAULT_OVERLAP",
    "LifetimePolicy",
    "MAX_OVERLAP",
    "NOTE_MAX",
    "describe_duration",
    "limit_to_databases",
    "parse_duration",
    "validate_note",
    "ENV_DB",
    "SCHEMA_HEAD",
    "EXPIRES_SOON",
    "EXPIRY_CHOICES",
    "LABEL_MAX",
    "Action",
    "AlreadyRevoked",
    "AuditEvent",
    "DatabaseError",
    "DatabaseLocked",
    "DuplicateLabel",
    "FormAccess",
    "InvalidAccount",
    "InvalidExpiry",
    "InvalidInput",
    "InvalidLabel",
    "InvalidScope",
    "InvalidToken",
    "NewToken",
    "Principal",
    "ReadOnlyDatabase",
    "SchemaMismatch",
    "SchemaState",
    "SchemaStatus",
    "Scope",
    "StoreError",
    "TokenInfo",
    "TokenNotFound",
    "TokenSeed",
    "TokenStatus",
    "TokenStore",
    "USAGE_DAYS",
    "UnknownAccount",
    "UnknownForm",
    "default_db_path",
    "describe",
    "effective_actions",
    "label_key",
    "login_name",
    "parse_expiry",
    "resolve_target",
    "strip_controls",
    "utcnow",
    "validate_account_name",
    "validate_label",
]


def __getattr__(name: str) -> Any:
    if name == "TokenStore":
        from .store import TokenStore

        return TokenStore
    if name in _PUBKEY:
        from . import pubkey

        return getattr(pubkey, name)
    if name == "PUBLIC_KEY_MAX":
        from .pubkey import LINE_MAX

        return LINE_MAX
    if name == "quick_list_tokens":
        # A listing that reads a current SQLite file without importing the database layer.
        from . import quick

        return quick.list_tokens
    raise AttributeError(f"module 'store' has no attribute {name!r}")

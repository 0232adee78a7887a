"""The token store: accounts, forms and grants, personal API tokens, and their audit trail.

Importing this package is cheap: each name is loaded from its module when it is first asked for
(PEP 562), and the database layer (SQLAlchemy, SQLModel, Argon2) only when :class:`TokenStore` is
first used, so a user interface can paint before that cost, and a short command pays only for
what it uses. Nothing here imports a user-interface library.
"""

from __future__ import annotations

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

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
    from .pubkey import LINE_MAX as PUBLIC_KEY_MAX
    from .pubkey import InvalidKey, SshKeyInfo, check_fingerprint, parse_public_key
    from .quick import list_tokens as quick_list_tokens
    from .store import TokenStore
    from .constants import EXPIRES_SOON, SCHEMA_HEAD
    from .types import (
        ALL_ACTIONS,
        DEFAULT_OVERLAP,
        MAX_OVERLAP,
        AccountInfo,
        Action,
        Actor,
        ActorVia,
        AuditEvent,
        FormAccess,
        LifetimePolicy,
        NewToken,
        Principal,
        SchemaState,
        SchemaStatus,
        Scope,
        TokenInfo,
        TokenPage,
        TokenSeed,
        TokenStatus,
        describe_duration,
        effective_actions,
        limit_to_databases,
        utcnow,
    )
    from .usage import USAGE_DAYS
    from .validation import (
        EXPIRY_CHOICES,
        LABEL_MAX,
        NOTE_MAX,
        label_key,
        parse_duration,
        parse_expiry,
        strip_controls,
        validate_account_name,
        validate_label,
        validate_note,
    )

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


#: Where each name lives, and under which name there when it differs. ``quick_list_tokens`` is a
#: listing that reads a current SQLite file without importing the database layer; SSH keys need
#: hashing and base64, a plain listing does not.
_HOMES: dict[str, tuple[str, str]] = {
    "PUBLIC_KEY_MAX": ("pubkey", "LINE_MAX"),
    "quick_list_tokens": ("quick", "list_tokens"),
    **{name: ("pubkey", name) for name in ("InvalidKey", "SshKeyInfo", "check_fingerprint", "parse_public_key")},
    "TokenStore": ("store", "TokenStore"),
    "login_name": ("actor", "login_name"),
    **{name: ("errors", name) for name in (
        "AccountDisabled", "AlreadyRevoked", "DatabaseError", "DatabaseLocked", "DuplicateLabel", "InvalidAccount",
        "InvalidExpiry", "InvalidInput", "InvalidLabel", "InvalidScope", "InvalidToken", "NotAllowed",
        "ReadOnlyDatabase", "SchemaMismatch", "StoreError", "TokenNotFound", "UnknownAccount", "UnknownForm",
    )},
    **{name: ("paths", name) for name in ("ENV_DB", "default_db_path", "describe", "resolve_target")},
    # Constants a short command needs without the types' dataclasses.
    **{name: ("constants", name) for name in ("EXPIRES_SOON", "SCHEMA_HEAD")},
    **{name: ("types", name) for name in (
        "ALL_ACTIONS", "DEFAULT_OVERLAP", "MAX_OVERLAP", "AccountInfo", "Action",
        "Actor", "ActorVia", "AuditEvent", "FormAccess", "LifetimePolicy", "NewToken", "Principal", "SchemaState",
        "SchemaStatus", "Scope", "TokenInfo", "TokenPage", "TokenSeed", "TokenStatus", "describe_duration",
        "effective_actions", "limit_to_databases", "utcnow",
    )},
    "USAGE_DAYS": ("usage", "USAGE_DAYS"),
    **{name: ("validation", name) for name in (
        "EXPIRY_CHOICES", "LABEL_MAX", "NOTE_MAX", "label_key", "parse_duration", "parse_expiry", "strip_controls",
        "validate_account_name", "validate_label", "validate_note",
    )},
}


def __getattr__(name: str) -> Any:
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module 'store' has no attribute {name!r}")
    from importlib import import_module

    value = getattr(import_module(f"{__name__}.{home[0]}"), home[1])
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))

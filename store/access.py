"""The one place that decides who may see, create and revoke what.

Rules: an actor must be an existing, enabled account (no account is never "trusted"). An account
sees and changes its own tokens; an administrator sees and changes everyone's, and alone manages
accounts, grants and the catalogue of forms. Another account's token reads as no token at all.
The first account of a database is its administrator; ``--account`` (acting as someone else, with
their rights) is for administrators, or for whoever opens a database that has no account yet.

The decisions are pure functions over plain values (``check_enabled``, ``check_admin``,
``may_see``, ``may_manage``, ``may_act_as``), so that every read path — the store's transactions
and the command line's quick listing (:mod:`store.quick`) — asks the same questions here. The
helpers below them read the account rows those decisions need; SQLAlchemy is imported only when
they run, so the decisions themselves cost no database layer.
"""

from __future__ import annotations

from .errors import AccountDisabled, NotAllowed, UnknownAccount

TYPE_CHECKING = False  # typing itself is not loaded: a short command has no use for it
if TYPE_CHECKING:
    from typing import Any

    from sqlalchemy.engine import Connection, Row

    from .types import Actor


# ----------------------------------------------------------------------------- the decisions

#: What only an administrator may do, in the words of the refusal.
SEE_EVERY_TOKEN = "see every account's tokens"


def unknown_account(name: str | None) -> UnknownAccount:
    return UnknownAccount(f"no account named {name!r}")


def check_actor(actor: object) -> None:
    from .types import Actor  # loaded once a store call has an actor to check; the quick listing has none

    if not isinstance(actor, Actor):
        raise TypeError("store methods take an Actor: resolve who is acting first (TokenStore.resolve_actor)")


def check_enabled(name: str, disabled_at: object | None) -> None:
    """A disabled account can do nothing."""
    if disabled_at is not None:
        raise AccountDisabled(f"the account {name!r} is disabled; an administrator can enable it again")


def check_admin(name: str, is_admin: bool, doing: str) -> None:
    if not is_admin:
        raise NotAllowed(f"only an administrator may {doing}; {name!r} is not one")


def may_see(me_id: int, me_is_admin: bool, owner_id: int) -> bool:
    """Whether this (enabled) account may see, and revoke, a token of account ``owner_id``."""
    return me_id == owner_id or bool(me_is_admin)


def may_manage(me_id: int, me_is_admin: bool, account_id: int) -> bool:
    """Whether this account may read another account's grants, tokens and events: its own, or any
    as administrator."""
    return me_id == account_id or bool(me_is_admin)


def may_act_as(login_is_admin: bool | None, login_disabled: bool, database_has_accounts: bool) -> bool:
    """``--account`` is ``sudo -u``: for an enabled administrator, or to start an empty database.
    ``login_is_admin`` is ``None`` when the login has no account."""
    if not database_has_accounts:
        return True
    return login_is_admin is not None and not login_disabled and bool(login_is_admin)


def act_as_refused(login: str, wanted: str) -> NotAllowed:
    return NotAllowed(f"only an administrator may act as another account; {login!r} may not act as {wanted!r}")


# ----------------------------------------------------------------------------- reading the rows they need


def _accounts() -> Any:
    from .models import Account

    return Account.__table__  # type: ignore[attr-defined]


def find_account(connection: Connection, name: str, *, lock: bool = False) -> Row[Any] | None:
    from sqlalchemy import select

    table = _accounts()
    query = select(table).where(table.c.name == name)
    if lock:
        query = query.with_for_update()
    return connection.execute(query).first()


def account_row(connection: Connection, name: str, *, lock: bool = False) -> Row[Any]:
    row = find_account(connection, name, lock=lock)
    if row is None:
        raise unknown_account(name)
    return row


def actor_row(connection: Connection, actor: Actor) -> Row[Any]:
    """The actor's own account, which must exist and be enabled: a disabled account can do nothing."""
    check_actor(actor)
    row = account_row(connection, actor.account)
    check_enabled(actor.account, row.disabled_at)
    return row


def require_admin(connection: Connection, actor: Actor, doing: str) -> Row[Any]:
    row = actor_row(connection, actor)
    check_admin(actor.account, row.is_admin, doing)
    return row


def any_accounts(connection: Connection) -> bool:
    from sqlalchemy import select

    return connection.execute(select(_accounts().c.id).limit(1)).first() is not None


def other_enabled_admins(connection: Connection, account_id: int) -> int:
    from sqlalchemy import func, select

    table = _accounts()
    return connection.execute(  # type: ignore[no-any-return]
        select(func.count()).select_from(table).where(
            table.c.is_admin.is_(True), table.c.disabled_at.is_(None), table.c.id != account_id
        )
    ).scalar_one()


def keep_an_administrator(connection: Connection, target: Row[Any], doing: str) -> None:
    """Refuse a change that would leave the database without an enabled administrator."""
    if target.is_admin and target.disabled_at is None and other_enabled_admins(connection, target.id) == 0:
        raise NotAllowed(f"cannot {doing}: {target.name!r} is the last administrator; make another account administrator first")

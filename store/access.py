"""The one place that decides who may see, create and revoke what.

Rules: an actor must be an existing, enabled account (no account is never "trusted"). An account
sees and changes its own tokens; an administrator sees and changes everyone's, and alone manages
accounts, grants and the catalogue of forms. Another account's token reads as no token at all.
The first account of a database is its administrator; ``--account`` (acting as someone else, with
their rights) is for administrators, or for whoever opens a database that has no account yet.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select
from sqlalchemy.engine import Connection, Row

from .errors import AccountDisabled, NotAllowed, UnknownAccount
from .models import Account
from .types import Actor

A = Account.__table__  # type: ignore[attr-defined]


def find_account(connection: Connection, name: str, *, lock: bool = False) -> Row[Any] | None:
    query = select(A).where(A.c.name == name)
    if lock:
        query = query.with_for_update()
    return connection.execute(query).first()


def account_row(connection: Connection, name: str, *, lock: bool = False) -> Row[Any]:
    row = find_account(connection, name, lock=lock)
    if row is None:
        raise UnknownAccount(f"no account named {name!r}")
    return row


def actor_row(connection: Connection, actor: Actor) -> Row[Any]:
    """The actor's own account, which must exist and be enabled: a disabled account can do nothing."""
    if not isinstance(actor, Actor):
        raise TypeError("store methods take an Actor: resolve who is acting first (TokenStore.resolve_actor)")
    row = account_row(connection, actor.account)
    if row.disabled_at is not None:
        raise AccountDisabled(f"the account {actor.account!r} is disabled; an administrator can enable it again")
    return row


def require_admin(connection: Connection, actor: Actor, doing: str) -> Row[Any]:
    row = actor_row(connection, actor)
    if not row.is_admin:
        raise NotAllowed(f"only an administrator may {doing}; {actor.account!r} is not one")
    return row


def may_see(me: Row[Any], owner_id: int) -> bool:
    """Whether this (enabled) account may see, and revoke, a token of account ``owner_id``."""
    return me.id == owner_id or bool(me.is_admin)


def may_manage(me: Row[Any], account_id: int) -> bool:
    """Whether this account may read another account's grants and events: its own, or any as administrator."""
    return me.id == account_id or bool(me.is_admin)


def any_accounts(connection: Connection) -> bool:
    return connection.execute(select(A.c.id).limit(1)).first() is not None


def may_act_as(login: Row[Any] | None, database_has_accounts: bool) -> bool:
    """``--account`` is ``sudo -u``: for an enabled administrator, or to start an empty database."""
    if not database_has_accounts:
        return True
    return login is not None and login.disabled_at is None and bool(login.is_admin)


def other_enabled_admins(connection: Connection, account_id: int) -> int:
    return connection.execute(
        select(func.count()).select_from(A).where(A.c.is_admin.is_(True), A.c.disabled_at.is_(None), A.c.id != account_id)
    ).scalar_one()


def keep_an_administrator(connection: Connection, target: Row[Any], doing: str) -> None:
    """Refuse a change that would leave the database without an enabled administrator."""
    if target.is_admin and target.disabled_at is None and other_enabled_admins(connection, target.id) == 0:
        raise NotAllowed(f"cannot {doing}: {target.name!r} is the last administrator; make another account administrator first")

"""SSH keys: which public key opens which account over SSH. Core statements, run inside a
transaction the facade opened, after :mod:`store.access` decided the actor may.

Only an administrator adds keys (a key is a way in); an account sees its own keys, and may remove
them (a lost laptop); an administrator sees and removes any. sshd asks, on every connection, for
the keys there are at that moment, so a removed key or a disabled account is refused on the very
next connection.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import delete, insert, select
from sqlalchemy.engine import Connection, Row

from . import access, audit
from .errors import InvalidInput, NotAllowed, UnknownAccount
from .models import Account, SshKey
from .pubkey import PublicKey, SshKeyInfo, decode_blob, fingerprint_of
from .types import Actor, ActorVia

K = SshKey.__table__  # type: ignore[attr-defined]
A = Account.__table__  # type: ignore[attr-defined]
OWNER = A.alias("owner")
ADDER = A.alias("adder")

INFO = select(
    K.c.fingerprint, OWNER.c.name, K.c.key_type, K.c.blob, K.c.comment, K.c.created_at, ADDER.c.name, K.c.read_only
).select_from(K.join(OWNER, OWNER.c.id == K.c.account_id).outerjoin(ADDER, ADDER.c.id == K.c.created_by_id))


class KeyRefused(NotAllowed):
    """This key opens nothing (any more): it was removed, or its account is disabled."""

    def __init__(self) -> None:
        super().__init__("this SSH key is not allowed here (any more); ask an administrator")


def _info(row: Row[Any]) -> SshKeyInfo:
    fingerprint, account, key_type, blob, comment, created_at, created_by, read_only = row
    return SshKeyInfo(fingerprint, account, key_type, blob, comment, created_at, created_by, bool(read_only))


def add(connection: Connection, actor: Actor, now: datetime, account: str, key: PublicKey, *, read_only: bool) -> SshKeyInfo:
    me = access.require_admin(connection, actor, "add SSH keys")
    owner = access.find_account(connection, account)
    if owner is None:
        raise UnknownAccount(f"no account named {account!r}: add it first with 'tokens account add {account}'")
    taken = connection.execute(
        select(OWNER.c.name).select_from(K.join(OWNER, OWNER.c.id == K.c.account_id))
        .where(K.c.fingerprint == key.fingerprint)
    ).first()
    if taken is not None:
        raise InvalidInput(f"the key {key.fingerprint} already opens the account {taken[0]!r}; a key opens one account")
    connection.execute(
        insert(K).values(
            fingerprint=key.fingerprint, account_id=owner.id, key_type=key.type, blob=key.blob,
            comment=key.comment, read_only=read_only, created_at=now, created_by_id=me.id,
        )
    )
    audit.record(connection, now, actor, me.id, "ssh_key.add", account_id=owner.id, fingerprint=key.fingerprint,
                 type=key.type, comment=key.comment, read_only=read_only)
    return get(connection, key.fingerprint)  # type: ignore[return-value]


def get(connection: Connection, fingerprint: str) -> SshKeyInfo | None:
    row = connection.execute(INFO.where(K.c.fingerprint == fingerprint)).first()
    return _info(row) if row is not None else None


def listing(connection: Connection, actor: Actor, account: str | None) -> list[SshKeyInfo]:
    me = access.actor_row(connection, actor)
    query = INFO.order_by(OWNER.c.name, K.c.created_at, K.c.id)
    if account is not None:
        row = access.find_account(connection, account)
        if row is None or not access.may_manage(me.id, me.is_admin, row.id):
            raise UnknownAccount(f"no account named {account!r}")
        query = query.where(K.c.account_id == row.id)
    elif not me.is_admin:
        query = query.where(K.c.account_id == me.id)
    return [_info(row) for row in connection.execute(query)]


def remove(connection: Connection, actor: Actor, now: datetime, fingerprint: str) -> SshKeyInfo:
    me = access.actor_row(connection, actor)
    row = connection.execute(select(K.c.id, K.c.account_id).where(K.c.fingerprint == fingerprint)).first()
    # Another account's key reads as no key at all, as another account's token does.
    if row is None or not access.may_see(me.id, me.is_admin, row.account_id):
        raise InvalidInput(f"no SSH key {fingerprint} (see 'tokens ssh keys')")
    info = get(connection, fingerprint)
    connection.execute(delete(K).where(K.c.id == row.id))
    audit.record(connection, now, actor, me.id, "ssh_key.remove", account_id=row.account_id, fingerprint=fingerprint,
                 type=info.type, comment=info.comment)  # type: ignore[union-attr]
    return info  # type: ignore[return-value]


def for_session(connection: Connection, fingerprint: str) -> tuple[Actor, SshKeyInfo]:
    """The account a key opens, now: refused if the key is gone or the account disabled."""
    row = connection.execute(
        INFO.add_columns(OWNER.c.disabled_at).where(K.c.fingerprint == fingerprint)
    ).first()
    if row is None or row.disabled_at is not None:
        raise KeyRefused()
    return Actor(row[1], ActorVia.SSH_KEY), _info(row[:8])


def authorized(connection: Connection, key_type: str | None, blob: str | None) -> list[SshKeyInfo]:
    """The keys sshd may accept now (those of enabled accounts): all, or only the one offered."""
    query = INFO.where(OWNER.c.disabled_at.is_(None)).order_by(K.c.id)
    if blob is not None:
        try:
            raw = decode_blob(key_type or "", blob)
        except InvalidInput:
            return []  # sshd offers what the client sent: garbage matches nothing
        query = query.where(K.c.fingerprint == fingerprint_of(raw), K.c.key_type == key_type)
    return [_info(row) for row in connection.execute(query)]

"""Tokens: create, list, page through, look up, revoke. Core statements, run inside a transaction
the facade opened, after :mod:`store.access` decided the actor may.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import and_, func, insert, or_, select, tuple_, update
from sqlalchemy import exc as sa_exc
from sqlalchemy.engine import Connection, Row
from sqlalchemy.sql import Select

from . import labelsearch, tokenstring
from .errors import AlreadyRevoked, DuplicateLabel, InvalidInput, TokenNotFound
from .models import Account, Token
from .types import EXPIRES_SOON, Scope, TokenInfo, TokenStatus
from .validation import label_key

T = Token.__table__  # type: ignore[attr-defined]
A = Account.__table__  # type: ignore[attr-defined]
OWNER = A.alias("owner")
REVOKER = A.alias("revoker")

#: The columns of a TokenInfo; filter on ``OWNER`` for the account.
INFO = select(
    T.c.id,
    OWNER.c.name,
    T.c.label,
    T.c.scope,
    T.c.created_at,
    T.c.expires_at,
    T.c.last_used_at,
    T.c.revoked_at,
    REVOKER.c.name,
    T.c.usage_days,
).select_from(T.join(OWNER, OWNER.c.id == T.c.account_id).outerjoin(REVOKER, REVOKER.c.id == T.c.revoked_by_id))

_SCOPES = {scope.value: scope for scope in Scope}


def utc(moment: datetime) -> datetime:
    """A caller's moment in UTC; a time without a zone would be read differently by each reader."""
    if moment.utcoffset() is None:
        raise InvalidInput("times must carry a time zone")
    return moment.astimezone(UTC)


def not_found(token_id: object, account: str | None = None) -> TokenNotFound:
    where = f" in account {account!r}" if account else ""
    if isinstance(token_id, str) and tokenstring.looks_like_token_id(token_id):
        return TokenNotFound(f"no token with id {token_id!r}{where}")
    # People paste the whole token where its id belongs. Repeating what they passed would carry the
    # secret on into terminals, logs and bug reports, so only a string shaped like an id is echoed.
    return TokenNotFound(
        f"no token with that id{where}: a token id is the {tokenstring.ID_LENGTH} letters and digits "
        "shown in the list, not the token itself"
    )


def to_info(row: Row[Any] | tuple) -> TokenInfo:  # type: ignore[type-arg]
    token_id, account, label, scope, created, expires, used, revoked, revoked_by, usage = row
    return TokenInfo(token_id, account, label, _SCOPES[scope], created, expires, used, revoked, revoked_by,
                     usage_days=usage or 0)


def get(connection: Connection, token_id: str) -> TokenInfo | None:
    row = connection.execute(INFO.where(T.c.id == token_id)).first()
    return to_info(row) if row is not None else None


def owner_of(connection: Connection, token_id: str, *, lock: bool = False) -> Row[Any] | None:
    query = select(T.c.id, T.c.account_id, T.c.label, T.c.revoked_at).where(T.c.id == token_id)
    if lock:
        query = query.with_for_update()
    return connection.execute(query).first()


def insert_token(
    connection: Connection,
    *,
    token_id: str,
    account_id: int,
    label: str,
    scope: Scope,
    secret_hash: str,
    created_at: datetime,
    expires_at: datetime | None = None,
    last_used_at: datetime | None = None,
    revoked_at: datetime | None = None,
    now: datetime,
    usage_days: int = 0,
    **lifecycle: object,
) -> None:
    """Insert a token; an unrevoked one must have a label no other unrevoked token of the account has.

    ``lifecycle`` holds the columns a token's life adds (note, databases, replaces_id).

    Uniqueness is the partial unique index on (account, label key) where not revoked: no scan of
    the account's labels inside the write lock. An expired token still holds its key in that
    index, so it first gives the key up (one indexed update): expired labels may be reused.
    """
    key = label_key(label)
    if revoked_at is None:
        connection.execute(
            update(T)
            .where(
                T.c.account_id == account_id,
                T.c.label_key == key,
                T.c.revoked_at.is_(None),
                T.c.expires_at.is_not(None),
                T.c.expires_at <= now,
            )
            .values(label_key=None)
        )
    try:
        connection.execute(
            insert(T).values(
                id=token_id,
                account_id=account_id,
                label=label,
                label_key=key,
                scope=scope.value,
                secret_hash=secret_hash,
                created_at=created_at,
                expires_at=expires_at,
                last_used_at=last_used_at,
                usage_days=usage_days,
                revoked_at=revoked_at,
                revoked_by_id=account_id if revoked_at is not None else None,
                **lifecycle,
            )
        )
    except sa_exc.IntegrityError as exc:
        if "label" in str(exc.orig).lower():
            raise DuplicateLabel(
                f"an active token is already labelled {label!r}: use one label per application and device"
            ) from None
        raise


def list_for(connection: Connection, account_id: int, *, include_revoked: bool) -> list[TokenInfo]:
    query = INFO.where(T.c.account_id == account_id)
    if not include_revoked:
        query = query.where(T.c.revoked_at.is_(None))
    query = query.order_by(T.c.created_at.desc(), T.c.id)
    return [to_info(row) for row in connection.execute(query)]


def mark_revoked(connection: Connection, row: Row[Any], actor_id: int, now: datetime) -> None:
    if row.revoked_at is not None:
        when = row.revoked_at.strftime("%Y-%m-%d %H:%M UTC")
        raise AlreadyRevoked(f"token {row.id} was already revoked on {when}")
    connection.execute(update(T).where(T.c.id == row.id).values(revoked_at=now, revoked_by_id=actor_id))


# ------------------------------------------------------------------------ every account's tokens


@dataclass(frozen=True, slots=True)
class Filters:
    """What the administrators' list of every token is narrowed to; every part is optional."""

    account: str | None = None
    label_contains: str | None = None
    status: TokenStatus | None = None
    unused_days: int | None = None
    expires_within_days: int | None = None


def filtered(connection: Connection, query: Select[Any], filters: Filters, now: datetime) -> Select[Any]:
    if filters.account is not None:
        query = query.where(OWNER.c.name == filters.account)
    if filters.label_contains:
        needle = filters.label_contains.strip()
        key = label_key(needle)
        query = query.where(
            or_(
                T.c.label_key.contains(key, autoescape=True),
                T.c.label.contains(needle, autoescape=True),
            )
        )
        # A rare needle would otherwise read every token: the label index names the few to read.
        narrowed = labelsearch.narrowing(connection, T.c.id, needle, key)
        if narrowed is not None:
            query = query.where(narrowed)
    usable = and_(T.c.revoked_at.is_(None), or_(T.c.expires_at.is_(None), T.c.expires_at > now))
    status = filters.status
    if status is TokenStatus.REVOKED:
        query = query.where(T.c.revoked_at.is_not(None))
    elif status is TokenStatus.EXPIRED:
        query = query.where(T.c.revoked_at.is_(None), T.c.expires_at <= now)
    elif status is TokenStatus.EXPIRES_SOON:
        query = query.where(usable, T.c.expires_at <= now + EXPIRES_SOON)
    elif status is TokenStatus.ACTIVE:
        query = query.where(usable)  # usable now, whether or not it expires soon
    if filters.unused_days is not None:
        if filters.unused_days < 0:
            raise InvalidInput("the number of days must be 0 or more")
        query = query.where(func.coalesce(T.c.last_used_at, T.c.created_at) <= now - timedelta(days=filters.unused_days))
    if filters.expires_within_days is not None:
        if filters.expires_within_days < 0:
            raise InvalidInput("the number of days must be 0 or more")
        query = query.where(usable, T.c.expires_at <= now + timedelta(days=filters.expires_within_days))
    return query


def encode_cursor(info: TokenInfo) -> str:
    return f"{info.created_at.isoformat()}|{info.id}"


def decode_cursor(cursor: str) -> tuple[datetime, str]:
    created, sep, token_id = cursor.rpartition("|")
    try:
        moment = datetime.fromisoformat(created)
    except ValueError:
        moment = None
    if not sep or moment is None or moment.utcoffset() is None or not tokenstring.looks_like_token_id(token_id):
        raise InvalidInput("that page cursor is not one this store gave out")
    return moment.astimezone(UTC), token_id


def page(connection: Connection, filters: Filters, now: datetime, *, after: str | None, limit: int) -> tuple[list[TokenInfo], str | None]:
    """Newest first along the (created_at, id) index; ``after`` continues from a cursor."""
    if not 1 <= limit <= 10_000:
        raise InvalidInput("a page holds 1 to 10,000 tokens")
    query = filtered(connection, INFO, filters, now)
    if after is not None:
        created, token_id = decode_cursor(after)
        query = query.where(tuple_(T.c.created_at, T.c.id) < tuple_(created, token_id))
    query = query.order_by(T.c.created_at.desc(), T.c.id.desc()).limit(limit + 1)
    found = [to_info(row) for row in connection.execute(query)]
    more = len(found) > limit
    found = found[:limit]
    return found, (encode_cursor(found[-1]) if more else None)


def count(connection: Connection, filters: Filters, now: datetime) -> int:
    query = filtered(connection, select(func.count()).select_from(T.join(OWNER, OWNER.c.id == T.c.account_id)), filters, now)
    return connection.execute(query).scalar_one()  # type: ignore[no-any-return]


def stale(connection: Connection, account_id: int | None, unused_days: int, now: datetime) -> list[TokenInfo]:
    """Usable tokens not used for ``unused_days`` (never-used ones count from creation)."""
    query = filtered(connection, INFO, Filters(status=TokenStatus.ACTIVE, unused_days=unused_days), now)
    if account_id is not None:
        query = query.where(T.c.account_id == account_id)
    query = query.order_by(OWNER.c.name, T.c.created_at.desc(), T.c.id)
    return [to_info(row) for row in connection.execute(query)]

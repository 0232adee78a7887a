"""Tokens: create, list, look up, revoke. Functions here run inside a transaction the facade opened."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import or_
from sqlalchemy.orm import aliased
from sqlmodel import Session, select

from . import tokenstring
from .errors import AlreadyRevoked, DuplicateLabel, InvalidInput, TokenNotFound
from .models import Account, Token
from .types import Scope, TokenInfo
from .validation import label_key


def utc(moment: datetime) -> datetime:
    """A caller's moment in UTC; a time without a zone would be read differently by each reader."""
    if moment.utcoffset() is None:
        raise InvalidInput("times must carry a time zone")
    return moment.astimezone(UTC)


def not_found(token_id: object, account: str | None) -> TokenNotFound:
    where = f" in account {account!r}" if account else ""
    if isinstance(token_id, str) and tokenstring.looks_like_token_id(token_id):
        return TokenNotFound(f"no token with id {token_id!r}{where}")
    # People paste the whole token where its id belongs. Repeating what they passed would carry the
    # secret on into terminals, logs and bug reports, so only a string shaped like an id is echoed.
    return TokenNotFound(
        f"no token with that id{where}: a token id is the {tokenstring.ID_LENGTH} letters and digits "
        "shown in the list, not the token itself"
    )


def info_select():  # type: ignore[no-untyped-def]
    """The columns of a :class:`TokenInfo`, and the aliased owner account to filter on."""
    owner = aliased(Account)
    revoker = aliased(Account)
    return (
        select(
            Token.id,
            owner.name,
            Token.label,
            Token.scope,
            Token.created_at,
            Token.expires_at,
            Token.last_used_at,
            Token.revoked_at,
            revoker.name,
        )
        .join(owner, owner.id == Token.account_id)
        .outerjoin(revoker, revoker.id == Token.revoked_by_id)
    ), owner


def to_info(row: tuple) -> TokenInfo:  # type: ignore[type-arg]
    token_id, account, label, scope, created, expires, used, revoked, revoked_by = row
    return TokenInfo(
        id=token_id,
        account=account,
        label=label,
        scope=Scope(scope),
        created_at=created,
        expires_at=expires,
        last_used_at=used,
        revoked_at=revoked,
        revoked_by=revoked_by,
    )


def check_label_free(session: Session, owner_id: int, label: str, now: datetime) -> None:
    labels = session.exec(
        select(Token.label).where(
            Token.account_id == owner_id,
            Token.revoked_at.is_(None),  # type: ignore[union-attr]
            or_(Token.expires_at.is_(None), Token.expires_at > now),  # type: ignore[union-attr,operator]
        )
    ).all()
    key = label_key(label)
    if any(label_key(existing) == key for existing in labels):
        raise DuplicateLabel(f"an active token is already labelled {label!r}: use one label per application and device")


def list_for(session: Session, account: str, *, include_revoked: bool) -> list[TokenInfo]:
    query, owner = info_select()
    query = query.where(owner.name == account)
    if not include_revoked:
        query = query.where(Token.revoked_at.is_(None))  # type: ignore[union-attr]
    query = query.order_by(Token.created_at.desc(), Token.id)  # type: ignore[attr-defined]
    return [to_info(row) for row in session.execute(query).all()]


def get_row(session: Session, token_id: str) -> tuple | None:  # type: ignore[type-arg]
    query, _ = info_select()
    return session.execute(query.where(Token.id == token_id)).first()  # type: ignore[return-value]


def mark_revoked(session: Session, token: Token, actor_id: int, now: datetime) -> None:
    if token.revoked_at is not None:
        when = token.revoked_at.strftime("%Y-%m-%d %H:%M UTC")
        raise AlreadyRevoked(f"token {token.id} was already revoked on {when}")
    token.revoked_at = now
    token.revoked_by_id = actor_id
    session.add(token)

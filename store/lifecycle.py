"""A token's life after creation: the databases it is limited to, its note, renaming, rotation
with an overlap, and what the lists show about all of these.

Every rule here can only narrow what a token does: rotation shortens the old token's life (the
database trigger refuses anything else), a database limit is set at creation and never widened,
notes and labels decide nothing. Core statements, inside a transaction the facade opened.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Sequence
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import exc as sa_exc
from sqlalchemy import select, update
from sqlalchemy.engine import Connection, Row

from .errors import AlreadyRevoked, DuplicateLabel, InvalidExpiry, InvalidInput
from .models import Database, Form, Grant, Token
from .types import MAX_OVERLAP, TokenInfo, describe_duration
from .validation import label_key

T = Token.__table__  # type: ignore[attr-defined]
D = Database.__table__  # type: ignore[attr-defined]
F = Form.__table__  # type: ignore[attr-defined]
G = Grant.__table__  # type: ignore[attr-defined]

_EXTRA = (
    T.c.id,
    T.c.note,
    T.c.databases,
    T.c.replaces_id,
    T.c.replaced_by_id,
    T.c.last_used_address,
    T.c.last_used_agent,
)


# ------------------------------------------------------------------------------ databases


def encode_databases(ids: Iterable[int] | None) -> str | None:
    if ids is None:
        return None
    return "," + ",".join(str(i) for i in sorted(set(ids))) + ","


def decode_databases(text: str | None) -> list[int] | None:
    if text is None:
        return None
    return [int(part) for part in text.strip(",").split(",") if part]


def allows_database(databases: str | None, database_id: int | None) -> bool:
    """Whether a token whose ``databases`` column holds this may act on a form of that database."""
    return databases is None or (database_id is not None and f",{database_id}," in databases)


def reachable_databases(connection: Connection, account_id: int) -> dict[str, int]:
    """Database name → id, for each database in which the account may do anything at all."""
    granted = (G.c.can_view | G.c.can_add | G.c.can_edit | G.c.can_delete)
    rows = connection.execute(
        select(D.c.name, D.c.id)
        .select_from(D.join(F, F.c.database_id == D.c.id).join(G, G.c.form_id == F.c.id))
        .where(G.c.account_id == account_id, granted)
        .distinct()
    ).all()
    return {name: database_id for name, database_id in rows}


def resolve_databases(connection: Connection, account_id: int, names: Sequence[str] | None) -> str | None:
    """The ``databases`` column for a new token limited to ``names`` (``None``: no limit).

    A database the account cannot reach is refused: the token could never use it.
    """
    if names is None:
        return None
    wanted = list(dict.fromkeys(name.strip() for name in names))
    if not wanted or any(not name for name in wanted):
        raise InvalidInput("name at least one database to limit the token to, or none to let it reach them all")
    reachable = reachable_databases(connection, account_id)
    missing = [name for name in wanted if name not in reachable]
    if missing:
        known = ", ".join(sorted(reachable)) or "none"
        raise InvalidInput(
            f"the account cannot reach database {missing[0]!r}, so a token cannot be limited to it "
            f"(databases it can reach: {known})"
        )
    return encode_databases(reachable[name] for name in wanted)


def database_names(connection: Connection, ids: Iterable[int]) -> dict[int, str]:
    wanted = set(ids)
    if not wanted:
        return {}
    return dict(connection.execute(select(D.c.id, D.c.name).where(D.c.id.in_(wanted))).all())  # type: ignore[arg-type]


# ------------------------------------------------------------------------------ what lists show


def enrich(connection: Connection, infos: list[TokenInfo], *, account_id: int | None = None) -> list[TokenInfo]:
    """The tokens with their note, databases, rotation links and last caller filled in.

    One more read: by account when the list is one account's, else by id.
    """
    if not infos:
        return infos
    query = select(*_EXTRA)
    if account_id is not None:
        query = query.where(T.c.account_id == account_id)
    else:
        query = query.where(T.c.id.in_([info.id for info in infos]))
    extra = {row[0]: row for row in connection.execute(query)}
    ids: set[int] = set()
    for row in extra.values():
        ids.update(decode_databases(row[2]) or ())
    names = database_names(connection, ids)
    result = []
    for info in infos:
        row = extra.get(info.id)
        if row is None:
            result.append(info)
            continue
        _, note, databases, replaces, replaced_by, address, agent = row
        decoded = decode_databases(databases)
        result.append(
            dataclasses.replace(
                info,
                note=note,
                databases=tuple(sorted(names.get(i, f"#{i}") for i in decoded)) if decoded is not None else None,
                replaces=replaces,
                replaced_by=replaced_by,
                last_used_address=address,
                last_used_agent=agent,
            )
        )
    return result


# ------------------------------------------------------------------------------ rotation


def lifecycle_row(connection: Connection, token_id: str, *, lock: bool = False) -> Row[Any] | None:
    query = select(T).where(T.c.id == token_id)
    if lock:
        query = query.with_for_update()
    return connection.execute(query).first()


def check_rotatable(connection: Connection, old: Row[Any], now: datetime) -> None:
    """Refuse to rotate a token that no longer works, or one in the middle of a rotation."""
    if old.revoked_at is not None:
        raise AlreadyRevoked(f"token {old.id} is revoked: a revoked token cannot be rotated; create a new one")
    if old.replaced_by_id is not None:
        raise InvalidInput(
            f"token {old.id} was already rotated: its replacement is {old.replaced_by_id}"
            + (f", and it stops working at {_moment(old.expires_at)}" if old.expires_at and old.expires_at > now else "")
            + "; rotate the replacement instead"
        )
    if old.expires_at is not None and old.expires_at <= now:
        raise InvalidExpiry(f"token {old.id} has expired: an expired token cannot be rotated; create a new one")
    if old.replaces_id is not None:
        previous = lifecycle_row(connection, old.replaces_id)
        if previous is not None and previous.revoked_at is None and (previous.expires_at is None or previous.expires_at > now):
            raise InvalidInput(
                f"token {old.id} is still in the overlap of its own rotation: the token it replaced, "
                f"{previous.id}, works until {_moment(previous.expires_at)}; rotate again after that "
                f"(or revoke {previous.id} first)"
            )


def check_overlap(overlap: timedelta) -> None:
    if overlap < timedelta(0) or overlap > MAX_OVERLAP:
        raise InvalidInput(
            f"the overlap is {describe_duration(abs(overlap))}{' before now' if overlap < timedelta(0) else ''}; "
            f"it may be from 0 (at once) to {describe_duration(MAX_OVERLAP)}"
        )


def successor_expiry(old: Row[Any], now: datetime) -> datetime | None:
    """The replacement lives as long as the old token was made to: the same lifetime from now."""
    if old.expires_at is None:
        return None
    return now + (old.expires_at - old.created_at)


def retire(connection: Connection, old: Row[Any], new_id: str, stops_at: datetime) -> datetime:
    """Point the old token at its replacement and make it stop at ``stops_at`` (never later than
    it would have: the trigger allows only a shorter life). It gives its label up to the
    replacement at once; returns when it stops."""
    if old.expires_at is not None and old.expires_at < stops_at:
        stops_at = old.expires_at
    connection.execute(
        update(T).where(T.c.id == old.id).values(replaced_by_id=new_id, expires_at=stops_at, label_key=None)
    )
    return stops_at


# ------------------------------------------------------------------------------ notes and labels


def set_note(connection: Connection, token_id: str, note: str | None) -> None:
    connection.execute(update(T).where(T.c.id == token_id).values(note=note))


def set_label(connection: Connection, row: Row[Any], label: str, now: datetime) -> None:
    """Rename; a token that holds its label's key (an active one) takes the new label's key, which
    the partial unique index keeps unique. An expired holder of that key gives it up first."""
    values: dict[str, object] = {"label": label}
    if row.label_key is not None:
        key = label_key(label)
        connection.execute(
            update(T)
            .where(T.c.account_id == row.account_id, T.c.label_key == key, T.c.id != row.id,
                   T.c.revoked_at.is_(None), T.c.expires_at.is_not(None), T.c.expires_at <= now)
            .values(label_key=None)
        )
        values["label_key"] = key
    try:
        connection.execute(update(T).where(T.c.id == row.id).values(**values))
    except sa_exc.IntegrityError:
        raise DuplicateLabel(
            f"an active token is already labelled {label!r}: use one label per application and device"
        ) from None


def _moment(moment: datetime | None) -> str:
    return moment.strftime("%Y-%m-%d %H:%M UTC") if moment is not None else "—"

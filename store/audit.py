"""The audit trail: each event is written in the same transaction as the change it records."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from sqlalchemy import insert, or_, select
from sqlalchemy.engine import Connection, Row

from .models import Account, AuditEvent
from .types import Actor
from .types import AuditEvent as AuditEventInfo

E = AuditEvent.__table__  # type: ignore[attr-defined]
A = Account.__table__  # type: ignore[attr-defined]


def record(
    connection: Connection,
    at: datetime,
    actor: Actor,
    actor_id: int,
    action: str,
    *,
    account_id: int | None,
    token_id: str | None = None,
    **detail: object,
) -> None:
    """One event: ``actor_id`` is the account whose rights were used, ``account_id`` the account the
    change is about. Callers pass labels and names, never secrets or hashes."""
    connection.execute(
        insert(E).values(
            at=at,
            actor_id=actor_id,
            person=actor.person,
            via=actor.via.value,
            action=action,
            account_id=account_id,
            token_id=token_id,
            detail=json.dumps(detail, ensure_ascii=False, sort_keys=True),
        )
    )


def events(
    connection: Connection,
    *,
    restrict_to: int | None,
    account_id: int | None,
    token_id: str | None,
    since: datetime | None,
    limit: int | None,
    oldest_first: bool = False,
) -> list[AuditEventInfo]:
    """Events newest first. ``restrict_to``: only events about that account or made with its rights."""
    actor = A.alias("actor")
    subject = A.alias("subject")
    query = select(
        E.c.id, E.c.at, actor.c.name, E.c.person, E.c.via, E.c.action, subject.c.name, E.c.token_id, E.c.detail
    ).select_from(E.join(actor, actor.c.id == E.c.actor_id).outerjoin(subject, subject.c.id == E.c.account_id))
    for who in (restrict_to, account_id):
        if who is not None:
            query = query.where(or_(E.c.account_id == who, E.c.actor_id == who))
    if token_id is not None:
        query = query.where(E.c.token_id == token_id)
    if since is not None:
        query = query.where(E.c.at >= since)
    order = (E.c.at, E.c.id) if oldest_first else (E.c.at.desc(), E.c.id.desc())
    query = query.order_by(*order)
    if limit is not None:
        query = query.limit(limit)
    return [_event(row) for row in connection.execute(query)]


def _event(row: Row[Any]) -> AuditEventInfo:
    event_id, at, acting, person, via, action, about, token_id, detail = row
    return AuditEventInfo(
        at=at,
        actor=person or acting,
        action=action,
        token_id=token_id,
        detail=json.loads(detail),
        account=about,
        as_account=acting if person else None,
        via=via,
        id=event_id,
    )

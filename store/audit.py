"""The audit trail: events are written in the same transaction as the change they record."""

from __future__ import annotations

import json
from datetime import datetime

from sqlalchemy.orm import aliased
from sqlmodel import Session, select

from .models import Account, AuditEvent, Token
from .types import AuditEvent as AuditEventInfo


def record(session: Session, at: datetime, actor_id: int | None, action: str, token_id: str, **detail: object) -> None:
    session.add(
        AuditEvent(
            at=at,
            actor_id=actor_id,  # type: ignore[arg-type]
            action=action,
            token_id=token_id,
            detail=json.dumps(detail, ensure_ascii=False, sort_keys=True),
        )
    )


def events(session: Session, *, token_id: str | None, account_id: int | None) -> list[AuditEventInfo]:
    """Audit events, oldest first, for one token and/or the tokens of one account."""
    actor = aliased(Account)
    query = (
        select(AuditEvent.at, actor.name, AuditEvent.action, AuditEvent.token_id, AuditEvent.detail)
        .join(actor, actor.id == AuditEvent.actor_id)
        .join(Token, Token.id == AuditEvent.token_id)
        .order_by(AuditEvent.at, AuditEvent.id)
    )
    if token_id is not None:
        query = query.where(AuditEvent.token_id == token_id)
    if account_id is not None:
        query = query.where(Token.account_id == account_id)
    rows = session.execute(query).all()
    return [AuditEventInfo(at, who, what, tid, json.loads(detail)) for at, who, what, tid, detail in rows]  # type: ignore[arg-type]

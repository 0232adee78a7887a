"""The administrators' lifetime policy: a cap on how long a token may live, and whether it must
expire at all. Creation and rotation outside it are refused with the policy in the message;
tokens made before it are listed (``violations``), never changed behind their owners' backs.

Core statements, run inside a transaction the facade opened.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import and_, insert, or_, select, update
from sqlalchemy.engine import Connection

from .errors import InvalidExpiry
from .models import Account, LifetimePolicy as PolicyRow, Token
from .types import LifetimePolicy

P = PolicyRow.__table__  # type: ignore[attr-defined]
A = Account.__table__  # type: ignore[attr-defined]
T = Token.__table__  # type: ignore[attr-defined]

#: The longest lifetime a policy may set (as far as an expiry may be chosen at all).
MAX_POLICY_LIFETIME = timedelta(days=3650)


def load(connection: Connection) -> LifetimePolicy:
    row = connection.execute(
        select(P.c.max_lifetime_seconds, P.c.require_expiry, P.c.updated_at, A.c.name)
        .select_from(P.outerjoin(A, A.c.id == P.c.updated_by_id))
        .where(P.c.id == 1)
    ).first()
    if row is None:
        return LifetimePolicy()
    seconds, required, at, by = row
    return LifetimePolicy(
        timedelta(seconds=seconds) if seconds is not None else None, bool(required), at, by
    )


def save(connection: Connection, max_lifetime: timedelta | None, require_expiry: bool, now: datetime, by_id: int) -> None:
    values = {
        "max_lifetime_seconds": int(max_lifetime.total_seconds()) if max_lifetime is not None else None,
        "require_expiry": require_expiry,
        "updated_at": now,
        "updated_by_id": by_id,
    }
    if connection.execute(update(P).where(P.c.id == 1).values(**values)).rowcount == 0:
        connection.execute(insert(P).values(id=1, **values))


def check(connection: Connection, expires_at: datetime | None, now: datetime) -> None:
    """Refuse an expiry the policy does not allow, saying what the policy is."""
    reason = load(connection).refusal(expires_at, now)
    if reason is not None:
        raise InvalidExpiry(reason)


def validate_lifetime(max_lifetime: timedelta | None) -> None:
    if max_lifetime is not None and not timedelta(hours=1) <= max_lifetime <= MAX_POLICY_LIFETIME:
        raise InvalidExpiry("a maximum lifetime is from 1 hour to 10 years")


def violations(policy: LifetimePolicy, now: datetime):  # type: ignore[no-untyped-def]
    """The condition, on ``token``, of a usable token that outlives what the policy allows a
    token created now (no expiry when one is required, or an expiry beyond the cap)."""
    usable = and_(T.c.revoked_at.is_(None), or_(T.c.expires_at.is_(None), T.c.expires_at > now))
    beyond = []
    if policy.expiry_required:
        beyond.append(T.c.expires_at.is_(None))
    latest = policy.latest_expiry(now)
    if latest is not None:
        beyond.append(T.c.expires_at > latest)
    if not beyond:
        return None
    return and_(usable, or_(*beyond))


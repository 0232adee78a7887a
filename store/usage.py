"""Days of use: on which of the last :data:`USAGE_DAYS` days a token was used.

Kept as one integer per token, a bitmap anchored at the UTC day of its ``last_used_at``: bit 0 is
that day, bit n the n-th day before. authenticate updates it in the statement that already writes
``last_used_at`` (at most once a minute per token), so usage costs no extra write. Days are UTC
days, the same for every process and server. Nothing here touches the database.
"""

from __future__ import annotations

from datetime import UTC, datetime

#: How many days of use are kept.
USAGE_DAYS = 30
_MASK = (1 << USAGE_DAYS) - 1


def _day(moment: datetime) -> int:
    return moment.astimezone(UTC).toordinal()


def after_use(bits: int, last_used: datetime | None, now: datetime) -> int:
    """The bitmap once the token is used at ``now`` (anchored at ``now``'s day from then on)."""
    if last_used is None:
        return 1
    shift = _day(now) - _day(last_used)
    if shift <= 0:
        return (bits | 1) & _MASK  # the same day (or a clock that went back): that day is used
    if shift >= USAGE_DAYS:
        return 1
    return ((((bits | 1) << shift) | 1)) & _MASK


def count_used(bits: int, age: int) -> int:
    """On how many of the last :data:`USAGE_DAYS` days the token was used, for a bitmap whose bit 0
    is ``age`` days before today: ``sum(days_used(...))`` counted on the bits themselves."""
    low, high = max(0, -age), min(USAGE_DAYS, USAGE_DAYS - age)
    if high <= low:
        return 0
    return ((((bits | 1) & _MASK) >> low) & ((1 << (high - low)) - 1)).bit_count()


def use_count(bits: int, last_used: datetime | None, now: datetime) -> int:
    """On how many of the last :data:`USAGE_DAYS` days the token was used."""
    if last_used is None:
        return 0
    return count_used(bits, _day(now) - _day(last_used))


def days_used(bits: int, last_used: datetime | None, now: datetime) -> tuple[bool, ...]:
    """For each of the last :data:`USAGE_DAYS` days, oldest first and today last: was it used?

    The day of ``last_used_at`` always counts, so tokens used before usage was recorded, or set up
    with a last-used time only, show that day too.
    """
    used = [False] * USAGE_DAYS
    if last_used is None:
        return tuple(used)
    age = _day(now) - _day(last_used)  # how many days ago bit 0 was
    bits = (bits | 1) & _MASK
    for n in range(USAGE_DAYS):
        days_ago = age + n
        if 0 <= days_ago < USAGE_DAYS and bits >> n & 1:
            used[USAGE_DAYS - 1 - days_ago] = True
    return tuple(used)

"""Usage at a glance: the days of use of each token over the last 30 days, recorded by the
throttled last-used write of authenticate (no extra write per request), on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from hypothesis import given
from hypothesis import strategies as st

from store import Actor, TokenStore
from store.usage import USAGE_DAYS, after_use, days_used, use_count


def info(store: TokenStore, token_id: str):  # type: ignore[no-untyped-def]
    [found] = [t for t in store.list_tokens(Actor("alice"), include_revoked=True) if t.id == token_id]
    return found


def test_a_new_token_has_no_days_of_use(store, clock) -> None:  # type: ignore[no-untyped-def]
    new = store.create_token(Actor("alice"), "Laptop", "read")
    token = info(store, new.info.id)
    assert token.days_used(clock.now) == (False,) * USAGE_DAYS
    assert token.use_count(clock.now) == 0


def test_days_of_use_over_a_month_oldest_first(store, clock) -> None:  # type: ignore[no-untyped-def]
    new = store.create_token(Actor("alice"), "Sync script", "read_write")
    start = clock.now
    used_on = {0, 1, 5, 12, 29, 33}  # days after start
    for day in sorted(used_on):
        clock.now = start + timedelta(days=day, hours=1)
        for _ in range(3):  # several requests a day record that day once
            store.authenticate(new.secret)
            clock.advance(minutes=2)
    today = start + timedelta(days=33, hours=5)
    shown = info(store, new.info.id).days_used(today)
    assert len(shown) == USAGE_DAYS and shown[-1] is True  # today (day 33) is last
    expected = tuple((33 - days_ago) in used_on for days_ago in range(USAGE_DAYS - 1, -1, -1))
    assert shown == expected
    assert info(store, new.info.id).use_count(today) == sum(1 for d in used_on if 33 - d < USAGE_DAYS)
    # Days fall off the end: 40 days on, nothing of that month is left but day 33.
    later = start + timedelta(days=33 + USAGE_DAYS)
    assert info(store, new.info.id).use_count(later) == 0


def test_usage_is_kept_in_the_throttled_last_used_write_only(store, clock, record_sql, rows_statements) -> None:  # type: ignore[no-untyped-def]
    new = store.create_token(Actor("alice"), "Laptop", "read")
    store.authenticate(new.secret)
    statements = record_sql(store)
    clock.advance(seconds=30)
    store.authenticate(new.secret)  # within the minute: no write at all
    assert rows_statements(statements) == []
    clock.advance(days=1)
    store.authenticate(new.secret)  # the once-a-minute write, and nothing more
    writes = [s for s in rows_statements(statements) if s.lstrip().upper().startswith(("UPDATE", "INSERT"))]
    assert len(writes) == 1 and "usage_days" in writes[0] and "last_used_at" in writes[0]
    assert info(store, new.info.id).use_count(clock.now) == 2


def test_another_process_sees_the_days_of_use(make_store, store, clock) -> None:  # type: ignore[no-untyped-def]
    new = store.create_token(Actor("alice"), "Laptop", "read")
    other = make_store(clock=clock)
    store.authenticate(new.secret)
    clock.advance(days=2)
    other.authenticate(new.secret)
    assert info(store, new.info.id).use_count(clock.now) == 2


def test_json_of_a_token_says_how_many_days_it_was_used(store, clock) -> None:  # type: ignore[no-untyped-def]
    new = store.create_token(Actor("alice"), "Laptop", "read")
    store.authenticate(new.secret)
    assert info(store, new.info.id).as_dict(clock.now)["days_used_last_30"] == 1


NOW = datetime(2026, 11, 29, 12, 0, tzinfo=UTC)


@given(st.lists(st.integers(min_value=0, max_value=80), max_size=40))
def test_the_bitmap_keeps_exactly_the_days_of_use_within_the_window(uses) -> None:  # type: ignore[no-untyped-def]
    """Whatever the pattern of use, the days shown are the days used in the last 30 days."""
    days = sorted(set(uses))
    bits, last = 0, None
    for day in days:
        moment = NOW - timedelta(days=80 - day)
        bits, last = after_use(bits, last, moment), moment
    shown = days_used(bits, last, NOW)
    expected = tuple((80 - days_ago) in days for days_ago in range(USAGE_DAYS - 1, -1, -1))
    assert shown == expected


@given(
    bits=st.integers(min_value=0, max_value=(1 << 40) - 1),
    last_used=st.datetimes(min_value=datetime(2000, 1, 2), max_value=datetime(2099, 12, 30), timezones=st.just(UTC)),
    ahead=st.integers(min_value=-40 * 86400, max_value=60 * 86400),
)
def test_the_count_of_days_used_is_the_days_shown(bits: int, last_used: datetime, ahead: int) -> None:
    # Listings count the days from the bitmap directly; the count must be what the days show.
    now = last_used + timedelta(seconds=ahead)
    assert use_count(bits, last_used, now) == sum(days_used(bits, last_used, now))
    assert use_count(bits, None, now) == 0

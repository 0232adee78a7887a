"""Rules for what people type: labels, account names, scopes and expiry choices."""

from __future__ import annotations

import unicodedata
from datetime import UTC, datetime, timedelta, timezone

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from store import (
    EXPIRY_CHOICES,
    LABEL_MAX,
    InvalidExpiry,
    InvalidLabel,
    InvalidScope,
    Scope,
    parse_expiry,
    strip_controls,
    validate_label,
)

# Property tests judge answers, never speed: a busy machine must not fail them.
no_deadline = settings(deadline=None, suppress_health_check=[HealthCheck.too_slow])

BIDI_CONTROLS = "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f\u061c"


def forbidden(ch: str) -> bool:
    return unicodedata.category(ch) in ("Cc", "Zl", "Zp") or ch in BIDI_CONTROLS


controls = st.one_of(
    st.characters(categories=["Cc", "Zl", "Zp"]),
    st.sampled_from(BIDI_CONTROLS),
)
# Characters that draw something: letters, digits, punctuation, symbols, spaces (not the fillers).
FILLERS = "\u115f\u1160\u3164\uffa0"
plain = st.characters(codec="utf-8", categories=["L", "N", "P", "S", "Zs"], exclude_characters=FILLERS)

# ----------------------------------------------------------------------------- labels


@no_deadline
@given(st.text(plain, min_size=1, max_size=LABEL_MAX).filter(str.strip))
def test_any_plain_label_up_to_the_limit_is_kept_trimmed(label: str) -> None:
    assert validate_label(label) == label.strip()


@no_deadline
@given(st.text(plain, max_size=20), controls, st.text(plain, max_size=20))
def test_a_control_character_anywhere_inside_is_refused(before: str, control: str, after: str) -> None:
    label = "x" + before + control + after + "x"
    with pytest.raises(InvalidLabel, match=f"U\\+{ord(control):04X}"):
        validate_label(label)


@no_deadline
@given(st.text())
def test_a_label_that_passes_never_holds_a_control_character(label: str) -> None:
    try:
        kept = validate_label(label)
    except InvalidLabel as exc:
        assert "\n" not in str(exc)
        assert not any(forbidden(ch) for ch in str(exc))
    else:
        assert kept == label.strip()
        assert 1 <= len(kept) <= LABEL_MAX
        assert not any(forbidden(ch) for ch in kept)


@no_deadline
@given(st.text(plain, max_size=10), st.integers(LABEL_MAX + 1, 3 * LABEL_MAX), st.text(plain, max_size=10))
def test_a_label_longer_than_the_limit_is_refused_with_its_length(before: str, length: int, after: str) -> None:
    label = before + "é" * length + after
    with pytest.raises(InvalidLabel, match=f"{len(label.strip())} characters long; the limit is {LABEL_MAX}"):
        validate_label(label)


@pytest.mark.parametrize("label", ["", " ", "\t\n", "\u3000\u00a0"])
def test_an_empty_label_is_refused_with_a_hint(label: str) -> None:
    with pytest.raises(InvalidLabel, match="empty"):
        validate_label(label)


@pytest.mark.parametrize("label", [None, 42, b"Laptop", ["Laptop"]])
def test_a_label_must_be_text(label: object) -> None:
    with pytest.raises(InvalidLabel, match="text"):
        validate_label(label)


@pytest.mark.parametrize("ch", ["\x00", "\x1b", "\x7f", "\x80", "\x9b", "\x9f", "\u202e", "\u2066", "\u2028"])
def test_the_error_names_the_character_but_does_not_contain_it(ch: str) -> None:
    with pytest.raises(InvalidLabel) as caught:
        validate_label(f"a{ch}b")
    assert ch not in str(caught.value)
    assert f"U+{ord(ch):04X}" in str(caught.value)


@no_deadline
@given(st.text())
def test_strip_controls_leaves_nothing_forbidden_and_keeps_the_rest(text: str) -> None:
    cleaned = strip_controls(text)
    assert not any(forbidden(ch) for ch in cleaned)
    assert cleaned == "".join(ch for ch in text if not forbidden(ch))


# ----------------------------------------------------------------------------- scopes


@pytest.mark.parametrize(
    ("text", "scope"),
    [("read", Scope.READ), ("read_write", Scope.READ_WRITE), (" READ ", Scope.READ), ("read-write", Scope.READ_WRITE)],
)
def test_scopes_are_read_as_people_type_them(text: str, scope: Scope) -> None:
    assert Scope.parse(text) is scope


@no_deadline
@given(st.text().filter(lambda t: t.strip().lower().replace("-", "_") not in ("read", "read_write")))
def test_anything_else_is_not_a_scope(text: str) -> None:
    with pytest.raises(InvalidScope):
        Scope.parse(text)


# ----------------------------------------------------------------------------- expiry

NOW = datetime(2026, 3, 15, 12, 30, tzinfo=UTC)


@pytest.mark.parametrize(
    ("text", "delta"),
    [("30d", timedelta(days=30)), ("90d", timedelta(days=90)), ("1y", timedelta(days=365)), ("2w", timedelta(days=14))],
)
def test_relative_expiry_counts_from_now(text: str, delta: timedelta) -> None:
    assert parse_expiry(text, NOW) == NOW + delta


@pytest.mark.parametrize("text", [None, "", "never", "NEVER", " none "])
def test_never_means_no_expiry(text: str | None) -> None:
    assert parse_expiry(text, NOW) is None


def test_a_date_means_through_the_end_of_that_day() -> None:
    assert parse_expiry("2026-03-15", NOW, UTC) == datetime(2026, 3, 16, tzinfo=UTC)
    assert parse_expiry("2027-01-31", NOW, UTC) == datetime(2027, 2, 1, tzinfo=UTC)


def test_a_date_ends_at_midnight_in_the_choosers_time_zone() -> None:
    auckland = timezone(timedelta(hours=13))
    assert parse_expiry("2027-01-31", NOW, auckland) == datetime(2027, 2, 1, tzinfo=auckland)
    # In UTC that is 11:00 on the 31st: the token does not live on into the 1st over there.
    assert parse_expiry("2027-01-31", NOW, auckland).astimezone(UTC).day == 31


def test_every_offered_choice_is_understood() -> None:
    for value, _title in EXPIRY_CHOICES:
        moment = parse_expiry(value, NOW)
        assert moment is None or moment > NOW


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("2026-03-14", "in the past"),
        ("1999-01-01", "in the past"),
        ("0d", "future"),
        ("11y", "10 years"),
        ("2040-01-01", "10 years"),
        ("tomorrow", "YYYY-MM-DD"),
        ("30", "YYYY-MM-DD"),
        ("-5d", "YYYY-MM-DD"),
        ("2026-02-30", "YYYY-MM-DD"),
        ("30 d", "YYYY-MM-DD"),
    ],
)
def test_unusable_expiries_are_refused_with_a_reason(text: str, reason: str) -> None:
    with pytest.raises(InvalidExpiry, match=reason):
        parse_expiry(text, NOW)


@no_deadline
@given(st.text(max_size=12))
def test_any_expiry_text_is_either_understood_or_refused_clearly(text: str) -> None:
    try:
        moment = parse_expiry(text, NOW)
    except InvalidExpiry as exc:
        assert "\n" not in str(exc)
    else:
        assert moment is None or NOW < moment <= NOW + timedelta(days=3651)

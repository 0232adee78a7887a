"""The token string: prefix, public id, secret and checksum.

Scanners and our own parser must tell a real token from garbage offline, so every malformed
string is refused by the parser, and by ``authenticate`` before any database read or Argon2 work.
"""

from __future__ import annotations

from store import Actor

import math
import string

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from store import InvalidToken
from store import tokenstring as ts
from store.tokenstring import BASE62, CHECKSUM_LENGTH, ID_LENGTH, PREFIX, SECRET_LENGTH, TOKEN_LENGTH

# Property tests judge answers, never speed: a busy machine must not fail them.
no_deadline = settings(deadline=None, suppress_health_check=[HealthCheck.too_slow])

base62 = st.sampled_from(BASE62)
token_ids = st.text(BASE62, min_size=ID_LENGTH, max_size=ID_LENGTH)
secrets_ = st.text(BASE62, min_size=SECRET_LENGTH, max_size=SECRET_LENGTH)


def build(token_id: str, secret: str, prefix: str = PREFIX) -> str:
    body = prefix + token_id + secret
    return body + ts.checksum(body)


@st.composite
def well_formed(draw: st.DrawFn) -> str:
    return build(draw(token_ids), draw(secrets_))


# ----------------------------------------------------------------------------- what a token is


def test_a_generated_token_has_the_documented_shape() -> None:
    token_id, secret, token = ts.generate()
    assert token.startswith("tkn_")
    assert len(token) == TOKEN_LENGTH == len(PREFIX) + ID_LENGTH + SECRET_LENGTH + CHECKSUM_LENGTH
    assert token[len(PREFIX) : len(PREFIX) + ID_LENGTH] == token_id
    assert secret in token
    # One word for a double click: letters and digits only after the prefix.
    assert set(token[len(PREFIX) :]) <= set(string.ascii_letters + string.digits)


def test_the_secret_carries_at_least_160_bits() -> None:
    assert SECRET_LENGTH * math.log2(len(BASE62)) >= 160
    secrets_seen = {ts.generate()[1] for _ in range(2000)}
    assert len(secrets_seen) == 2000
    # Every base62 character turns up: the secret draws from the whole alphabet.
    assert set("".join(secrets_seen)) == set(BASE62)


def test_generate_keeps_a_given_id_and_draws_a_new_secret() -> None:
    first = ts.generate("abcdefABCDEF")
    second = ts.generate("abcdefABCDEF")
    assert first[0] == second[0] == "abcdefABCDEF"
    assert first[1] != second[1]
    assert ts.parse(first[2]) == ("abcdefABCDEF", first[1])


def test_generate_then_parse_round_trips() -> None:
    for _ in range(500):
        token_id, secret, token = ts.generate()
        assert ts.parse(token) == (token_id, secret)


@no_deadline
@given(token_ids, secrets_)
def test_any_id_and_secret_round_trip(token_id: str, secret: str) -> None:
    assert ts.parse(build(token_id, secret)) == (token_id, secret)


@no_deadline
@given(well_formed(), st.text(" \t\r\n", min_size=1), st.text(" \t\r\n"))
def test_surrounding_white_space_from_a_paste_is_forgiven(token: str, before: str, after: str) -> None:
    assert ts.parse(before + token + after) == ts.parse(token)


@no_deadline
@given(well_formed())
def test_the_public_id_is_recognised_as_an_id(token: str) -> None:
    token_id, secret = ts.parse(token)
    assert ts.looks_like_token_id(token_id)
    assert not ts.looks_like_token_id(token)
    assert not ts.looks_like_token_id(secret)


# ----------------------------------------------------------------------------- what is refused


@no_deadline
@given(well_formed(), st.data())
def test_any_single_character_change_is_refused(token: str, data: st.DataObject) -> None:
    at = data.draw(st.integers(0, len(token) - 1), label="position")
    new = data.draw(st.characters().filter(lambda ch: ch != token[at]), label="replacement")
    with pytest.raises(InvalidToken):
        ts.parse(token[:at] + new + token[at + 1 :])


@no_deadline
@given(well_formed(), st.data())
def test_any_single_base62_typo_is_caught_by_the_checksum(token: str, data: st.DataObject) -> None:
    # The characters a typo most likely produces: still letters and digits, so only the CRC can tell.
    at = data.draw(st.integers(len(PREFIX), len(token) - 1), label="position")
    new = data.draw(base62.filter(lambda ch: ch != token[at]), label="replacement")
    with pytest.raises(InvalidToken):
        ts.parse(token[:at] + new + token[at + 1 :])


@no_deadline
@given(well_formed(), st.data())
def test_swapping_two_neighbouring_characters_is_refused(token: str, data: st.DataObject) -> None:
    at = data.draw(st.integers(len(PREFIX), len(token) - 2), label="position")
    if token[at] == token[at + 1]:
        return
    with pytest.raises(InvalidToken):
        ts.parse(token[:at] + token[at + 1] + token[at] + token[at + 2 :])


@no_deadline
@given(token_ids, secrets_, st.text(min_size=1, max_size=8).filter(lambda p: p != PREFIX))
def test_a_wrong_prefix_is_refused_even_with_a_matching_checksum(token_id: str, secret: str, prefix: str) -> None:
    try:
        token = build(token_id, secret, prefix)
    except UnicodeEncodeError:
        token = prefix + token_id + secret + "000000"
    with pytest.raises(InvalidToken):
        ts.parse(token)


@no_deadline
@given(well_formed(), st.integers(1, TOKEN_LENGTH - 1))
def test_a_truncated_token_is_refused(token: str, keep: int) -> None:
    with pytest.raises(InvalidToken):
        ts.parse(token[:keep])
    with pytest.raises(InvalidToken):
        ts.parse(token[-keep:])


@no_deadline
@given(well_formed(), st.text(min_size=1).filter(lambda extra: extra.strip()))
def test_a_token_with_anything_appended_is_refused(token: str, extra: str) -> None:
    with pytest.raises(InvalidToken):
        ts.parse(token + extra)
    with pytest.raises(InvalidToken):
        ts.parse(extra + token)


@no_deadline
@given(well_formed(), st.data())
def test_white_space_inside_a_token_is_refused(token: str, data: st.DataObject) -> None:
    at = data.draw(st.integers(1, len(token) - 1), label="position")
    space = data.draw(st.sampled_from([" ", "\t", "\n", "\r\n", "\u00a0", "\u2003", "\u3000"]), label="space")
    with pytest.raises(InvalidToken):
        ts.parse(token[:at] + space + token[at:])


@no_deadline
@given(well_formed(), st.data())
def test_non_ascii_anywhere_is_refused(token: str, data: st.DataObject) -> None:
    at = data.draw(st.integers(0, len(token) - 1), label="position")
    # (Non-ASCII white space at either end is a paste's and forgiven, like any white space there.)
    junk = data.draw(st.characters(min_codepoint=128).filter(lambda ch: not ch.isspace()), label="non-ASCII")
    replaced = token[:at] + junk + token[at + 1 :]
    inserted = token[:at] + junk + token[at:]
    for candidate in (replaced, inserted):
        with pytest.raises(InvalidToken):
            ts.parse(candidate)


@no_deadline
@given(st.text())
def test_arbitrary_text_is_refused_unless_it_is_a_well_formed_token(text: str) -> None:
    try:
        token_id, secret = ts.parse(text)
    except InvalidToken as exc:
        assert str(exc) == "invalid token"
    else:
        assert text.strip() == build(token_id, secret)


@pytest.mark.parametrize("value", [None, 42, b"tkn_", ["tkn_"], "bytes of a valid token"])
def test_something_that_is_not_text_is_refused(value: object) -> None:
    if value == "bytes of a valid token":
        value = ts.generate()[2].encode()
    with pytest.raises(InvalidToken):
        ts.parse(value)


def test_a_zero_width_character_inside_is_refused() -> None:
    token = ts.generate()[2]
    with pytest.raises(InvalidToken):
        ts.parse(token[:20] + "\u200b" + token[20:])


# ----------------------------------------------------------------------------- refused offline by the store


@st.composite
def malformed_from(draw: st.DrawFn, token: str) -> str:
    """A malformed variant of a real, stored token."""
    kind = draw(st.sampled_from(["change", "truncate", "append", "prefix", "space", "non-ascii", "text"]))
    at = draw(st.integers(0, len(token) - 1))
    if kind == "change":
        return token[:at] + draw(st.characters().filter(lambda ch: ch != token[at])) + token[at + 1 :]
    if kind == "truncate":
        return token[: draw(st.integers(0, len(token) - 1))]
    if kind == "append":
        return token + draw(st.text(min_size=1).filter(str.strip))
    if kind == "prefix":
        return "ghp_" + token[len(PREFIX) :]
    if kind == "space":
        return token[: max(at, 1)] + " " + token[max(at, 1) :]
    if kind == "non-ascii":
        return token[:at] + draw(st.characters(min_codepoint=128)) + token[at + 1 :]
    return draw(st.text())


def test_store_refuses_malformed_tokens_without_database_or_argon2(store, hasher, record_sql, record_checkouts) -> None:  # type: ignore[no-untyped-def]
    token = store.create_token(Actor("alice"), "Power BI – laptop", "read").secret
    statements = record_sql(store)
    reads = record_checkouts(store)
    verifies = hasher.verifies

    @settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(st.data())
    def check(data: st.DataObject) -> None:
        presented = data.draw(malformed_from(token))
        with pytest.raises(InvalidToken) as caught:
            store.authenticate(presented)
        assert str(caught.value) == "invalid token"
        assert statements == [] and reads == [], f"{presented!r} reached the database"
        assert hasher.verifies == verifies, f"{presented!r} reached Argon2"

    check()
    # The real token is still accepted: the refusals above were not a broken store.
    assert store.authenticate(token).token_id == ts.parse(token)[0]
    assert statements

"""Whatever is presented, only the genuine token authenticates; garbage never costs a database
read or an Argon2 run. Bytes as they arrive from a pipe or a socket are included: bit flips, and
bytes that are not UTF-8 (decoded with ``surrogateescape``, as Python decodes such input)."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from store import Actor, InvalidToken
from store import tokenstring as ts

few = settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])


def decoded(raw: bytes) -> str:
    return raw.decode("utf-8", errors="surrogateescape")


@st.composite
def bit_flipped(draw: st.DrawFn, token: str) -> str:
    raw = bytearray(token.encode())
    for _ in range(draw(st.integers(1, 3))):
        at = draw(st.integers(0, len(raw) - 1))
        raw[at] ^= 1 << draw(st.integers(0, 7))
    return decoded(bytes(raw))


@st.composite
def spliced_bytes(draw: st.DrawFn, token: str) -> str:
    """The token with arbitrary bytes put in, cut out or appended (which may break UTF-8)."""
    raw = token.encode()
    at = draw(st.integers(0, len(raw)))
    cut = draw(st.integers(0, 4))
    return decoded(raw[:at] + draw(st.binary(min_size=1, max_size=6)) + raw[at + cut :])


@pytest.fixture
def genuine(store):  # type: ignore[no-untyped-def]
    return store.create_token(Actor("alice"), "Power BI – laptop", "read").secret


def test_bit_flips_and_foreign_bytes_never_authenticate_nor_reach_the_database(store, hasher, genuine, record_checkouts) -> None:  # type: ignore[no-untyped-def]
    reads = record_checkouts(store)

    @few
    @given(st.data())
    def check(data: st.DataObject) -> None:
        presented = data.draw(st.one_of(bit_flipped(genuine), spliced_bytes(genuine), st.binary(max_size=80).map(decoded)))
        if presented.strip() == genuine:
            return  # the splice put back exactly what it cut
        read_before, verified_before = len(reads), hasher.verifies
        with pytest.raises(InvalidToken):
            store.authenticate(presented)
        if len(reads) != read_before or hasher.verifies != verified_before:
            # Only a string that passes the offline checks may cost a read: one with a valid checksum.
            ts.parse(presented)

    check()
    assert store.authenticate(genuine).token_id == ts.parse(genuine)[0]


def test_a_well_formed_token_with_another_secret_is_refused(store, genuine) -> None:  # type: ignore[no-untyped-def]
    token_id = ts.parse(genuine)[0]

    @settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(st.text(ts.BASE62, min_size=ts.SECRET_LENGTH, max_size=ts.SECRET_LENGTH))
    def check(secret: str) -> None:
        body = ts.PREFIX + token_id + secret
        forged = body + ts.checksum(body)
        if forged == genuine:
            return
        with pytest.raises(InvalidToken):
            store.authenticate(forged)

    check()
    # Refusing the forgeries did not poison the cache for the genuine token, nor the other way round.
    assert store.authenticate(genuine).account == "alice"
    body = ts.PREFIX + token_id + "0" * ts.SECRET_LENGTH
    with pytest.raises(InvalidToken):
        store.authenticate(body + ts.checksum(body))


def test_a_well_formed_token_for_an_unknown_id_is_refused_after_one_read_and_no_argon2(store, hasher, record_checkouts) -> None:  # type: ignore[no-untyped-def]
    reads = record_checkouts(store)
    verifies = hasher.verifies

    @settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(st.text(ts.BASE62, min_size=ts.ID_LENGTH, max_size=ts.ID_LENGTH))
    def check(token_id: str) -> None:
        before = len(reads)
        with pytest.raises(InvalidToken):
            store.authenticate(ts.generate(token_id)[2])
        assert len(reads) - before == 1

    check()
    assert hasher.verifies == verifies

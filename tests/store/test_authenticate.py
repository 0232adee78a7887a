"""Authenticate: a presented token string → who is calling, or "invalid token".

Argon2 runs once per token and store; afterwards a known token costs one row read. That row is
read on every call, so revocation and expiry act on the very next request, in every process.
"""

from __future__ import annotations

from store import Actor

import subprocess
import sys
import textwrap
from datetime import timedelta

import pytest

from store import InvalidToken, Principal, Scope
from store import tokenstring as ts


def refused(s, token: str) -> str:  # type: ignore[no-untyped-def]
    with pytest.raises(InvalidToken) as caught:
        s.authenticate(token)
    return str(caught.value)


# ----------------------------------------------------------------------------- who is calling


def test_a_valid_token_gives_its_principal(store, clock) -> None:  # type: ignore[no-untyped-def]
    expires = clock.now + timedelta(days=30)
    new = store.create_token(Actor("alice"), "Sync script – field server", "read_write", expires_at=expires)
    principal = store.authenticate(new.secret)
    assert isinstance(principal, Principal)
    assert principal.account == "alice"
    assert principal.token_id == new.info.id
    assert principal.scope is Scope.READ_WRITE
    assert principal.expires_at == expires
    assert new.secret not in repr(principal)


def test_a_token_pasted_with_a_newline_is_accepted(store) -> None:  # type: ignore[no-untyped-def]
    new = store.create_token(Actor("alice"), "Power BI – laptop", "read")
    assert store.authenticate(f"  {new.secret}\n").token_id == new.info.id


def test_each_token_identifies_its_own_account(store) -> None:  # type: ignore[no-untyped-def]
    store.ensure_account("bob")
    alices = store.create_token(Actor("alice"), "Laptop", "read")
    bobs = store.create_token(Actor("bob"), "Laptop", "read_write")
    assert store.authenticate(alices.secret).account == "alice"
    assert store.authenticate(bobs.secret).account == "bob"
    assert store.authenticate(alices.secret).account_id != store.authenticate(bobs.secret).account_id


def test_the_right_id_with_a_wrong_secret_is_refused(store, hasher) -> None:  # type: ignore[no-untyped-def]
    new = store.create_token(Actor("alice"), "Laptop", "read")
    forged = ts.generate(new.info.id)[2]  # same public id, well-formed, another secret
    assert refused(store, forged) == "invalid token"
    assert hasher.verifies == 1  # it was Argon2 that said no


def test_a_wrong_secret_is_refused_while_the_right_one_is_remembered(store) -> None:  # type: ignore[no-untyped-def]
    new = store.create_token(Actor("alice"), "Laptop", "read")
    store.authenticate(new.secret)  # now in the cache
    forged = ts.generate(new.info.id)[2]
    assert refused(store, forged) == "invalid token"
    assert store.authenticate(new.secret).token_id == new.info.id


def test_an_unknown_well_formed_token_is_refused_after_one_read_and_no_argon2(store, hasher, record_sql, record_checkouts, rows_statements) -> None:  # type: ignore[no-untyped-def]
    statements = record_sql(store)
    reads = record_checkouts(store)
    assert refused(store, ts.generate()[2]) == "invalid token"
    assert len(reads) == 1
    assert rows_statements(statements) == []  # and no write
    assert hasher.verifies == 0


# ----------------------------------------------------------------------------- Argon2 once, then the cache


def test_argon2_verifies_once_per_token_then_the_cache_answers(store, hasher) -> None:  # type: ignore[no-untyped-def]
    first = store.create_token(Actor("alice"), "Laptop", "read")
    second = store.create_token(Actor("alice"), "Server", "read_write")
    for _ in range(5):
        store.authenticate(first.secret)
    assert hasher.verifies == 1
    for _ in range(5):
        store.authenticate(second.secret)
    assert hasher.verifies == 2


def test_a_cached_token_costs_one_row_read_and_nothing_else(store, hasher, clock, record_sql, record_checkouts, rows_statements) -> None:  # type: ignore[no-untyped-def]
    new = store.create_token(Actor("alice"), "Laptop", "read")
    store.authenticate(new.secret)  # verify, remember, write last-used
    statements = record_sql(store)
    reads = record_checkouts(store)
    clock.advance(seconds=10)
    store.authenticate(new.secret)
    assert len(reads) == 1  # one connection, for the row read
    assert rows_statements(statements) == []  # no other statement: no write, no account lookup
    assert hasher.verifies == 1


def test_each_store_instance_verifies_for_itself(make_store, store, new_hasher) -> None:  # type: ignore[no-untyped-def]
    new = store.create_token(Actor("alice"), "Laptop", "read")
    store.authenticate(new.secret)
    other_hasher = new_hasher()
    other = make_store(hasher=other_hasher)
    other.authenticate(new.secret)
    other.authenticate(new.secret)
    assert other_hasher.verifies == 1


def test_the_cache_is_bounded_and_forgets_the_least_recently_used(make_store, new_hasher) -> None:  # type: ignore[no-untyped-def]
    hasher = new_hasher()
    s = make_store(hasher=hasher, cache_size=2)
    s.ensure_account("alice")
    a, b, c = (s.create_token(Actor("alice"), label, "read").secret for label in ("A", "B", "C"))
    for token in (a, b, c):
        s.authenticate(token)
    assert hasher.verifies == 3
    s.authenticate(c)  # still remembered
    s.authenticate(b)  # still remembered
    assert hasher.verifies == 3
    s.authenticate(a)  # pushed out by c: verified again, and now pushes out c
    assert hasher.verifies == 4
    s.authenticate(c)
    assert hasher.verifies == 5


def test_a_cache_of_size_zero_verifies_every_time(make_store, new_hasher) -> None:  # type: ignore[no-untyped-def]
    hasher = new_hasher()
    s = make_store(hasher=hasher, cache_size=0)
    s.ensure_account("alice")
    token = s.create_token(Actor("alice"), "Laptop", "read").secret
    for _ in range(3):
        s.authenticate(token)
    assert hasher.verifies == 3


# ----------------------------------------------------------------------------- revocation and expiry act at once


def test_a_revoked_token_fails_on_the_very_next_call(store) -> None:  # type: ignore[no-untyped-def]
    new = store.create_token(Actor("alice"), "Laptop", "read")
    store.authenticate(new.secret)
    store.revoke(Actor("alice"), new.info.id)
    assert refused(store, new.secret) == "invalid token"


def test_revocation_in_one_store_stops_a_token_another_store_had_cached(make_store, store, new_hasher) -> None:  # type: ignore[no-untyped-def]
    new = store.create_token(Actor("alice"), "Laptop", "read")
    other_hasher = new_hasher()
    other = make_store(hasher=other_hasher)
    other.authenticate(new.secret)
    other.authenticate(new.secret)
    assert other_hasher.verifies == 1  # the second call came from the cache

    store.revoke(Actor("alice"), new.info.id)
    assert refused(other, new.secret) == "invalid token"


_OTHER_PROCESS = textwrap.dedent(
    """
    import sys
    from argon2 import PasswordHasher, profiles
    from store import InvalidToken, TokenStore

    class Counting(PasswordHasher):
        verifies = 0

        def verify(self, hash, password):
            Counting.verifies += 1
            return super().verify(hash, password)

    s = TokenStore(sys.argv[1], hasher=Counting.from_parameters(profiles.CHEAPEST))
    for line in sys.stdin:
        try:
            principal = s.authenticate(line)
            print("accepted", principal.token_id, Counting.verifies, flush=True)
        except InvalidToken as exc:
            print("refused", exc, flush=True)
    """
)


def test_revocation_stops_a_token_that_another_process_had_cached(db_url, store) -> None:  # type: ignore[no-untyped-def]
    new = store.create_token(Actor("alice"), "Sync script – field server", "read_write")
    with subprocess.Popen(
        [sys.executable, "-c", _OTHER_PROCESS, db_url],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    ) as process:
        assert process.stdin is not None and process.stdout is not None and process.stderr is not None

        def ask() -> str:
            process.stdin.write(new.secret + "\n")
            process.stdin.flush()
            return process.stdout.readline().strip()

        answers = []
        try:
            answers += [ask(), ask()]  # the second is answered from that process's cache
            store.revoke(Actor("alice"), new.info.id)
            answers.append(ask())
        finally:
            process.stdin.close()
            process.wait(timeout=30)
        errors = process.stderr.read()
    assert answers == [f"accepted {new.info.id} 1", f"accepted {new.info.id} 1", "refused invalid token"], errors
    assert process.returncode == 0, errors


def test_an_expired_token_fails_from_the_moment_it_expires(store, clock) -> None:  # type: ignore[no-untyped-def]
    expires = clock.now + timedelta(days=30)
    new = store.create_token(Actor("alice"), "Laptop", "read", expires_at=expires)
    store.authenticate(new.secret)
    clock.now = expires - timedelta(microseconds=1)
    assert store.authenticate(new.secret).token_id == new.info.id
    clock.now = expires
    assert refused(store, new.secret) == "invalid token"
    clock.advance(days=400)
    assert refused(store, new.secret) == "invalid token"


def test_expiry_acts_in_a_store_that_had_the_token_cached(make_store, store, clock, new_hasher) -> None:  # type: ignore[no-untyped-def]
    new = store.create_token(Actor("alice"), "Laptop", "read", expires_at=clock.now + timedelta(hours=1))
    other = make_store(hasher=new_hasher(), clock=clock)
    other.authenticate(new.secret)
    clock.advance(hours=1)
    assert refused(other, new.secret) == "invalid token"


# ----------------------------------------------------------------------------- last used


def test_last_used_is_recorded_and_written_at_most_once_a_minute(store, clock) -> None:  # type: ignore[no-untyped-def]
    new = store.create_token(Actor("alice"), "Laptop", "read")
    assert store.get_token(Actor("alice"), new.info.id).last_used_at is None

    first_use = clock.advance(minutes=5)
    store.authenticate(new.secret)
    assert store.get_token(Actor("alice"), new.info.id).last_used_at == first_use

    clock.advance(seconds=30)
    store.authenticate(new.secret)
    clock.advance(seconds=29)
    store.authenticate(new.secret)
    assert store.get_token(Actor("alice"), new.info.id).last_used_at == first_use

    later = clock.advance(seconds=2)  # 61 s after the first use
    store.authenticate(new.secret)
    assert store.get_token(Actor("alice"), new.info.id).last_used_at == later


def test_within_the_minute_no_last_used_write_is_sent(store, clock, record_sql, rows_statements) -> None:  # type: ignore[no-untyped-def]
    new = store.create_token(Actor("alice"), "Laptop", "read")
    store.authenticate(new.secret)
    statements = record_sql(store)
    for _ in range(5):
        clock.advance(seconds=5)
        store.authenticate(new.secret)
    assert not [s for s in rows_statements(statements) if not s.lstrip().upper().startswith("SELECT")]


def test_a_refused_token_is_not_marked_as_used(store, clock) -> None:  # type: ignore[no-untyped-def]
    new = store.create_token(Actor("alice"), "Laptop", "read")
    refused(store, ts.generate(new.info.id)[2])
    store.revoke(Actor("alice"), new.info.id)
    clock.advance(minutes=5)
    refused(store, new.secret)
    assert store.get_token(Actor("alice"), new.info.id).last_used_at is None


# ----------------------------------------------------------------------------- one answer for every refusal


def test_every_refusal_says_exactly_invalid_token(store, clock) -> None:  # type: ignore[no-untyped-def]
    revoked = store.create_token(Actor("alice"), "Revoked", "read")
    store.revoke(Actor("alice"), revoked.info.id)
    expiring = store.create_token(Actor("alice"), "Expiring", "read", expires_at=clock.now + timedelta(days=1))
    valid = store.create_token(Actor("alice"), "Valid", "read").secret
    presented: dict[str, object] = {
        "garbage": "hello, I am a token",
        "empty": "",
        "not text": valid.encode(),
        "bad checksum": valid[:-1] + ("A" if valid[-1] != "A" else "B"),
        "unknown id": ts.generate()[2],
        "wrong secret": ts.generate(ts.parse(valid)[0])[2],
        "revoked": revoked.secret,
    }
    clock.advance(days=2)
    presented["expired"] = expiring.secret
    for case, token in presented.items():
        with pytest.raises(InvalidToken) as caught:
            store.authenticate(token)
        assert str(caught.value) == "invalid token", case
        assert caught.value.args == ("invalid token",), case
    assert store.authenticate(valid).account == "alice"

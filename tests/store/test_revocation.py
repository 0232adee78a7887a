"""Revocation: by the owner or an administrator, recorded in the audit trail, and irreversible —
no method restores a token, and the database itself refuses to, even to raw SQL."""

from __future__ import annotations

from store import Actor

import inspect
from datetime import timedelta
import re

import pytest
from sqlalchemy import exc as sa_exc
from sqlalchemy import text

from store import AlreadyRevoked, DuplicateLabel, InvalidToken, TokenNotFound, TokenStatus, TokenStore, UnknownAccount
from store import tokenstring as ts


def test_the_owner_can_revoke(store, clock) -> None:  # type: ignore[no-untyped-def]
    new = store.create_token(Actor("alice"), "Laptop", "read")
    clock.advance(minutes=3)
    info = store.revoke(Actor("alice"), new.info.id)
    assert info.id == new.info.id
    assert info.revoked_at == clock.now
    assert info.revoked_by == "alice"
    assert info.status() is TokenStatus.REVOKED
    assert store.get_token(Actor("alice"), new.info.id) == info


def test_revoking_twice_is_a_clear_error_that_changes_nothing(store, clock) -> None:  # type: ignore[no-untyped-def]
    new = store.create_token(Actor("alice"), "Laptop", "read")
    first = store.revoke(Actor("alice"), new.info.id)
    clock.advance(days=1)
    with pytest.raises(AlreadyRevoked, match="already revoked"):
        store.revoke(Actor("alice"), new.info.id)
    assert store.get_token(Actor("alice"), new.info.id) == first
    assert [e.action for e in store.audit_events(Actor("alice"), token_id=new.info.id)] == ["token.revoke", "token.create"]


def test_another_account_cannot_revoke(store) -> None:  # type: ignore[no-untyped-def]
    store.ensure_account("bob")
    new = store.create_token(Actor("alice"), "Laptop", "read")
    with pytest.raises(TokenNotFound):
        store.revoke(Actor("bob"), new.info.id)
    assert store.get_token(Actor("alice"), new.info.id).revoked_at is None
    assert store.authenticate(new.secret).token_id == new.info.id


def test_an_administrator_can_revoke_anyones_token(store) -> None:  # type: ignore[no-untyped-def]
    store.ensure_account("root")
    new = store.create_token(Actor("alice"), "Laptop", "read")
    with pytest.raises(TokenNotFound):
        store.revoke(Actor("root"), new.info.id)
    store.set_admin(Actor("alice"), "root")
    info = store.revoke(Actor("root"), new.info.id)
    assert info.revoked_by == "root"
    events = store.audit_events(Actor("alice"), token_id=new.info.id)
    assert [(e.action, e.actor) for e in events] == [("token.revoke", "root"), ("token.create", "alice")]
    assert all(e.account == "alice" for e in events)


def test_an_administrator_who_is_demoted_can_no_longer_revoke(store) -> None:  # type: ignore[no-untyped-def]
    store.ensure_account("root")
    store.set_admin(Actor("alice"), "root")
    store.set_admin(Actor("alice"), "root", False)
    new = store.create_token(Actor("alice"), "Laptop", "read")
    with pytest.raises(TokenNotFound):
        store.revoke(Actor("root"), new.info.id)


def test_revoking_an_unknown_token_or_as_an_unknown_account_is_refused(store) -> None:  # type: ignore[no-untyped-def]
    new = store.create_token(Actor("alice"), "Laptop", "read")
    with pytest.raises(TokenNotFound):
        store.revoke(Actor("alice"), ts.new_token_id())
    with pytest.raises(UnknownAccount):
        store.revoke(Actor("mallory"), new.info.id)
    assert store.get_token(Actor("alice"), new.info.id).revoked_at is None


def test_create_and_revoke_are_audited_with_their_actor(store, clock) -> None:  # type: ignore[no-untyped-def]
    created_at = clock.now
    new = store.create_token(Actor("alice"), "Laptop", "read_write")
    revoked_at = clock.advance(hours=1)
    store.revoke(Actor("alice"), new.info.id)
    revoke, create = store.audit_events(Actor("alice"), token_id=new.info.id)  # newest first
    assert (create.action, create.actor, create.token_id, create.at) == ("token.create", "alice", new.info.id, created_at)
    assert create.detail["label"] == "Laptop" and create.detail["scope"] == "read_write"
    assert (revoke.action, revoke.actor, revoke.token_id, revoke.at) == ("token.revoke", "alice", new.info.id, revoked_at)
    assert [e for e in store.audit_events(Actor("alice"), account="alice") if e.token_id] == [revoke, create]


def test_refused_changes_leave_no_audit_event(store) -> None:  # type: ignore[no-untyped-def]
    store.ensure_account("bob")
    new = store.create_token(Actor("alice"), "Laptop", "read")
    for attempt, refusal in (
        (lambda: store.create_token(Actor("alice"), "laptop", "read"), DuplicateLabel),
        (lambda: store.revoke(Actor("bob"), new.info.id), TokenNotFound),
    ):
        with pytest.raises(refusal):
            attempt()
    assert [e.action for e in store.audit_events(Actor("alice"), account="alice") if e.token_id] == ["token.create"]


def test_no_public_method_can_restore_a_token() -> None:
    public = {name: member for name, member in inspect.getmembers(TokenStore) if not name.startswith("_")}
    restoring = re.compile(r"restore|un_?revoke|reactivate|reinstate|resurrect|undo|undelete|(^|_)(en|re)?activate|enable")
    assert not [name for name in public if restoring.search(name)]
    # Nor does any method take a revocation time or state it could clear (the read-only listings
    # filter by status; they change nothing).
    for name, member in public.items():
        if callable(member) and name not in ("list_all_tokens", "count_tokens"):
            parameters = set(inspect.signature(member).parameters)
            assert not parameters & {"revoked_at", "revoked", "revoked_by", "active", "status"}, name


# ----------------------------------------------------------------------------- the database refuses too


def _raw(s, sql: str, **params: object) -> None:  # type: ignore[no-untyped-def]
    with s._engine.begin() as connection:
        connection.execute(text(sql), params)


def _row(s, token_id: str) -> dict[str, object]:  # type: ignore[no-untyped-def]
    with s._engine.connect() as connection:
        return dict(connection.execute(text("SELECT * FROM token WHERE id = :id"), {"id": token_id}).mappings().one())


def test_the_database_refuses_to_clear_a_revocation(store, clock) -> None:  # type: ignore[no-untyped-def]
    new = store.create_token(Actor("alice"), "Laptop", "read")
    clock.advance(minutes=1)
    store.revoke(Actor("alice"), new.info.id)
    before = _row(store, new.info.id)
    for sql in (
        "UPDATE token SET revoked_at = NULL WHERE id = :id",
        "UPDATE token SET revoked_at = NULL, revoked_by_id = NULL WHERE id = :id",
        "UPDATE token SET revoked_at = created_at WHERE id = :id",
        "UPDATE token SET revoked_by_id = NULL WHERE id = :id",
    ):
        with pytest.raises(sa_exc.DatabaseError, match="irreversible"):
            _raw(store, sql, id=new.info.id)
    assert _row(store, new.info.id) == before
    with pytest.raises(InvalidToken):
        store.authenticate(new.secret)


def test_the_database_refuses_to_change_what_a_token_is(store) -> None:  # type: ignore[no-untyped-def]
    store.ensure_account("mallory")
    target = store.create_token(Actor("alice"), "Power BI – laptop", "read")
    mine = store.create_token(Actor("mallory"), "Known secret", "read_write")
    # Each change would hand a token more than it had: a secret someone knows, write access,
    # another account's grants, or another token's identity.
    changes = {
        "secret_hash": _row(store, mine.info.id)["secret_hash"],
        "scope": "read_write",
        "account_id": _row(store, mine.info.id)["account_id"],
        "id": ts.new_token_id(),
    }
    before = _row(store, target.info.id)
    for column, value in changes.items():
        with pytest.raises(sa_exc.DatabaseError, match="irreversible"):
            _raw(store, f"UPDATE token SET {column} = :value WHERE id = :id", value=value, id=target.info.id)
        assert _row(store, target.info.id) == before, column
    principal = store.authenticate(target.secret)
    assert (principal.account, principal.scope.value) == ("alice", "read")
    body = ts.PREFIX + target.info.id + ts.parse(mine.secret)[1]
    with pytest.raises(InvalidToken):
        store.authenticate(body + ts.checksum(body))


def test_the_database_refuses_to_lengthen_or_clear_an_expiry(store, clock) -> None:  # type: ignore[no-untyped-def]
    expiring = store.create_token(Actor("alice"), "Short-lived", "read", clock.now + timedelta(days=1))
    before = _row(store, expiring.info.id)
    for sql in (
        "UPDATE token SET expires_at = NULL WHERE id = :id",
        "UPDATE token SET expires_at = '2999-01-01 00:00:00' WHERE id = :id",
        "UPDATE token SET created_at = '2999-01-01 00:00:00' WHERE id = :id",
    ):
        with pytest.raises(sa_exc.DatabaseError, match="irreversible"):
            _raw(store, sql, id=expiring.info.id)
    assert _row(store, expiring.info.id) == before
    clock.advance(days=2)
    with pytest.raises(InvalidToken):
        store.authenticate(expiring.secret)


def test_the_trigger_leaves_harmless_columns_editable(store, clock) -> None:  # type: ignore[no-untyped-def]
    # Renaming and revoking stay possible; only the dangerous direction is refused.
    new = store.create_token(Actor("alice"), "Laptop", "read")
    clock.advance(minutes=1)
    _raw(store, "UPDATE token SET label = 'Renamed' WHERE id = :id", id=new.info.id)
    _raw(store, "UPDATE token SET revoked_at = created_at WHERE id = :id", id=new.info.id)
    info = store.get_token(Actor("alice"), new.info.id)
    assert info.label == "Renamed" and info.revoked_at == info.created_at

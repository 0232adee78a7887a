"""A token's whole life: rotation with an overlap, databases, notes and renaming, expiry warnings,
the lifetime policy, and where it was last used. Every rule can only narrow what a token does.

Store calls go through the small helpers at the top, which say who acts. ``alice``, the first
account of each database, is its administrator; ``bob`` is not.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import exc as sa_exc
from sqlalchemy import text

from store import (
    Actor,
    AlreadyRevoked,
    DuplicateLabel,
    InvalidExpiry,
    InvalidInput,
    InvalidToken,
    NotAllowed,
    TokenNotFound,
)
from store import tokenstring as ts

H = timedelta(hours=1)
DAY = timedelta(days=1)


# ----------------------------------------------------------------------------- who acts


def create(s, label="Power BI – laptop", scope="read", expires_at=None, *, account="alice", **kw):  # type: ignore[no-untyped-def]
    return s.create_token(Actor(account), label, scope, expires_at, **kw)


def rotate(s, token_id, *, account="alice", **kw):  # type: ignore[no-untyped-def]
    return s.rotate(Actor(account), token_id, **kw)


def edit(s, token_id, *, account="alice", **kw):  # type: ignore[no-untyped-def]
    return s.edit_token(Actor(account), token_id, **kw)


def get(s, token_id, account="alice"):  # type: ignore[no-untyped-def]
    return s.get_token(Actor(account), token_id)


def revoke(s, token_id, account="alice"):  # type: ignore[no-untyped-def]
    return s.revoke(Actor(account), token_id)


def set_policy(s, account="alice", **kw):  # type: ignore[no-untyped-def]
    return s.set_lifetime_policy(Actor(account), **kw)


def events(s, token_id):  # type: ignore[no-untyped-def]
    """The token's audit events, oldest first."""
    return [e for e in reversed(s.audit_events(Actor("alice"), token_id=token_id))]


def as_bob(s):  # type: ignore[no-untyped-def]
    s.ensure_account("bob")
    return "bob"


def _raw(s, sql: str, **params: object) -> None:  # type: ignore[no-untyped-def]
    with s._engine.begin() as connection:
        connection.execute(text(sql), params)


def _row(s, token_id: str) -> dict[str, object]:  # type: ignore[no-untyped-def]
    with s._engine.connect() as connection:
        return dict(connection.execute(text("SELECT * FROM token WHERE id = :id"), {"id": token_id}).mappings().one())


# ----------------------------------------------------------------------------- rotation


def test_rotation_makes_a_twin_and_the_old_token_works_until_the_overlap_ends(store, clock, grant) -> None:  # type: ignore[no-untyped-def]
    grant(store, ["view", "edit"], database="Field Operations")
    grant(store, ["view"], form="Stock", database="Warehouse")
    old = create(store, "Sync job", "read_write", clock.now + timedelta(days=90),
                 databases=["Field Operations"], note="runs nightly on host-7")
    clock.advance(days=10)
    new = rotate(store, old.info.id)
    assert new.secret != old.secret and new.info.id != old.info.id
    info = new.info
    assert (info.label, info.scope.value, info.databases, info.note) == (
        "Sync job", "read_write", ("Field Operations",), "runs nightly on host-7")
    # The same lifetime as the old token was given, counted from now.
    assert info.expires_at == clock.now + timedelta(days=90)
    assert info.replaces == old.info.id
    assert get(store, old.info.id).replaced_by == info.id
    assert new.replaced_stops_at == get(store, old.info.id).expires_at == clock.now + timedelta(hours=24)
    assert store.authenticate(new.secret).token_id == info.id
    # The default overlap: the old secret keeps working for 24 hours, then stops.
    clock.advance(hours=23, minutes=59)
    assert store.authenticate(old.secret).token_id == old.info.id
    clock.advance(minutes=1)
    with pytest.raises(InvalidToken):
        store.authenticate(old.secret)
    assert store.authenticate(new.secret).token_id == info.id


def test_rotation_is_one_audit_event_naming_both_tokens(store, clock) -> None:  # type: ignore[no-untyped-def]
    old = create(store)
    new = rotate(store, old.info.id, overlap=2 * H)
    everything = store.audit_events(Actor("alice"))
    rotations = [e for e in everything if e.action == "token.rotate"]
    assert len(rotations) == 1
    (event,) = rotations
    assert event.token_id == old.info.id and event.detail["replaced_by"] == new.info.id
    assert event.detail["overlap_seconds"] == 7200
    assert events(store, new.info.id) == []  # no second event for the new token's creation
    assert ts.parse(new.secret)[1] not in str(everything)


def test_an_overlap_of_zero_stops_the_old_token_at_once(store) -> None:  # type: ignore[no-untyped-def]
    old = create(store)
    new = rotate(store, old.info.id, overlap=timedelta(0))
    with pytest.raises(InvalidToken):
        store.authenticate(old.secret)
    store.authenticate(new.secret)


@pytest.mark.parametrize("overlap", [timedelta(days=7, seconds=1), timedelta(days=30), -H])
def test_an_overlap_beyond_seven_days_or_negative_is_refused_and_changes_nothing(store, overlap, dump_database) -> None:  # type: ignore[no-untyped-def]
    old = create(store)
    before = dump_database(store)
    with pytest.raises(InvalidInput, match="from 0 .* to 1 week"):
        rotate(store, old.info.id, overlap=overlap)
    assert dump_database(store) == before


def test_a_seven_day_overlap_is_allowed(store, clock) -> None:  # type: ignore[no-untyped-def]
    old = create(store)
    rotate(store, old.info.id, overlap=timedelta(days=7))
    assert get(store, old.info.id).expires_at == clock.now + timedelta(days=7)


def test_rotation_never_lengthens_the_old_tokens_life(store, clock) -> None:  # type: ignore[no-untyped-def]
    old = create(store, expires_at=clock.now + 2 * H)
    new = rotate(store, old.info.id, overlap=timedelta(days=3))
    assert get(store, old.info.id).expires_at == new.replaced_stops_at == clock.now + 2 * H


def test_a_revoked_or_expired_token_cannot_be_rotated(store, clock, dump_database) -> None:  # type: ignore[no-untyped-def]
    revoked = create(store, "Revoked")
    revoke(store, revoked.info.id)
    expired = create(store, "Expired", expires_at=clock.now + H)
    clock.advance(hours=2)
    before = dump_database(store)
    with pytest.raises(AlreadyRevoked, match="revoked token cannot be rotated"):
        rotate(store, revoked.info.id)
    with pytest.raises(InvalidExpiry, match="expired token cannot be rotated"):
        rotate(store, expired.info.id)
    assert dump_database(store) == before


def test_rotating_twice_during_an_overlap_is_refused_clearly(store, clock) -> None:  # type: ignore[no-untyped-def]
    old = create(store)
    new = rotate(store, old.info.id)
    with pytest.raises(InvalidInput, match=f"already rotated: its replacement is {new.info.id}"):
        rotate(store, old.info.id)
    with pytest.raises(InvalidInput, match=f"still in the overlap.*{old.info.id}"):
        rotate(store, new.info.id)
    # Once the overlap is over, the replacement can be rotated in its turn.
    clock.advance(days=1)
    newer = rotate(store, new.info.id)
    assert newer.info.replaces == new.info.id


def test_another_account_cannot_rotate_a_token(store) -> None:  # type: ignore[no-untyped-def]
    mine = create(store)
    with pytest.raises(TokenNotFound):
        rotate(store, mine.info.id, account=as_bob(store))
    assert get(store, mine.info.id).replaced_by is None


def test_the_replacement_takes_the_label_and_the_label_stays_taken(store) -> None:  # type: ignore[no-untyped-def]
    old = create(store, "Laptop")
    rotate(store, old.info.id)
    with pytest.raises(DuplicateLabel):
        create(store, "laptop")


def test_rotation_outside_the_policy_is_refused_with_the_policy(store, clock) -> None:  # type: ignore[no-untyped-def]
    forever = create(store, "Forever")
    long_lived = create(store, "Long", expires_at=clock.now + timedelta(days=365))
    set_policy(store, max_lifetime=timedelta(days=90))
    with pytest.raises(InvalidExpiry, match="within 90 days"):
        rotate(store, forever.info.id)
    with pytest.raises(InvalidExpiry, match="within 90 days"):
        rotate(store, long_lived.info.id)
    # An expiry inside the policy can be chosen for the replacement.
    new = rotate(store, forever.info.id, expires_at=clock.now + timedelta(days=30))
    assert new.info.expires_at == clock.now + timedelta(days=30)


# ----------------------------------------------------------------------------- only shorter, in the database


def test_the_database_lets_a_life_be_shortened_or_given_an_end(store, clock) -> None:  # type: ignore[no-untyped-def]
    endless = create(store, "Endless")
    ending = create(store, "Ending", expires_at=clock.now + timedelta(days=30))
    _raw(store, "UPDATE token SET expires_at = :at WHERE id = :id", at=clock.now + DAY, id=endless.info.id)
    _raw(store, "UPDATE token SET expires_at = :at WHERE id = :id", at=clock.now + H, id=ending.info.id)
    assert get(store, endless.info.id).expires_at == clock.now + DAY
    assert get(store, ending.info.id).expires_at == clock.now + H


def test_the_database_refuses_a_longer_life_or_none(store, clock) -> None:  # type: ignore[no-untyped-def]
    ending = create(store, expires_at=clock.now + DAY)
    before = _row(store, ending.info.id)
    for sql, params in (
        ("UPDATE token SET expires_at = NULL WHERE id = :id", {}),
        ("UPDATE token SET expires_at = :at WHERE id = :id", {"at": clock.now + DAY + timedelta(seconds=1)}),
        ("UPDATE token SET expires_at = '2999-01-01 00:00:00' WHERE id = :id", {}),
    ):
        with pytest.raises(sa_exc.DatabaseError, match="only be shortened"):
            _raw(store, sql, id=ending.info.id, **params)
        assert _row(store, ending.info.id) == before
    # SQLite keeps times as text: one it cannot read counts as a change, not as an earlier time.
    # (PostgreSQL refuses such text as a timestamp before any trigger runs.)
    with pytest.raises(sa_exc.DatabaseError):
        _raw(store, "UPDATE token SET expires_at = 'not a time' WHERE id = :id", id=ending.info.id)
    assert _row(store, ending.info.id) == before


def test_the_database_refuses_to_widen_or_relink_a_token(store, clock, grant) -> None:  # type: ignore[no-untyped-def]
    grant(store, ["view"], database="Field Operations")
    limited = create(store, "Limited", databases=["Field Operations"])
    other = create(store, "Other")
    new = rotate(store, other.info.id)
    for token_id, column, value in (
        (limited.info.id, "databases", None),
        (limited.info.id, "databases", ",1,2,3,"),
        (new.info.id, "replaces_id", limited.info.id),
        (other.info.id, "replaced_by_id", limited.info.id),
        (other.info.id, "replaced_by_id", None),
    ):
        before = _row(store, token_id)
        with pytest.raises(sa_exc.DatabaseError, match="only be shortened"):
            _raw(store, f"UPDATE token SET {column} = :value WHERE id = :id", value=value, id=token_id)
        assert _row(store, token_id) == before, column
    # A token with no limit cannot be given one behind the store's back either (databases never change).
    with pytest.raises(sa_exc.DatabaseError):
        _raw(store, "UPDATE token SET databases = ',1,' WHERE id = :id", id=other.info.id)


def test_notes_labels_and_the_last_caller_stay_editable_in_the_database(store) -> None:  # type: ignore[no-untyped-def]
    new = create(store)
    _raw(store, "UPDATE token SET note = 'n', label = 'L', last_used_address = '10.0.0.1', "
         "last_used_agent = 'curl' WHERE id = :id", id=new.info.id)
    assert get(store, new.info.id).note == "n"


# ----------------------------------------------------------------------------- databases


@pytest.fixture
def two_databases(store, grant):  # type: ignore[no-untyped-def]
    survey = grant(store, ["view", "add", "edit"], form="Household survey", database="Field Operations")
    stock = grant(store, ["view", "edit"], form="Stock", database="Warehouse")
    return {"survey": survey, "stock": stock}


def test_by_default_a_token_reaches_every_database_of_its_account(store, two_databases) -> None:  # type: ignore[no-untyped-def]
    new = create(store, scope="read_write")
    principal = store.authenticate(new.secret)
    assert store.authorize(principal, "edit", two_databases["survey"])
    assert store.authorize(principal, "edit", two_databases["stock"])
    assert new.info.databases is None


def test_every_call_that_returns_a_token_tells_its_limit_and_note(store, two_databases, clock) -> None:  # type: ignore[no-untyped-def]
    """A limited token described as unlimited would tell an administrator it reaches every database."""
    new = create(store, scope="read", databases=["Warehouse"], note="reporting host")
    other = create(store, "Other", scope="read", databases=["Warehouse"], note="spare")
    facts = lambda info: (info.databases, info.note)  # noqa: E731
    expected = (("Warehouse",), "reporting host")
    assert facts(store.get_token(Actor("alice"), new.info.id)) == expected
    assert facts(store.lookup(Actor("alice"), new.secret)) == expected
    clock.advance(days=40)
    assert {t.id: facts(t) for t in store.stale_tokens(Actor("alice"), 30)}[new.info.id] == expected
    assert facts(store.revoke(Actor("alice"), new.info.id)) == expected
    [revoked] = store.revoke_tokens(Actor("alice"), [other.info.id])
    assert facts(revoked) == (("Warehouse",), "spare")


def test_a_token_limited_to_a_database_can_do_nothing_on_the_others(store, two_databases) -> None:  # type: ignore[no-untyped-def]
    new = create(store, scope="read_write", databases=["Warehouse"])
    principal = store.authenticate(new.secret)
    assert store.authorize(principal, "edit", two_databases["stock"])
    for action in ("view", "add", "edit"):
        assert not store.authorize(principal, action, two_databases["survey"])
    access = {f.form: f.effective for f in store.token_access(Actor("alice"), new.info.id)}
    assert access["Stock"] == {"view", "edit"}
    assert access["Household survey"] == frozenset()
    assert get(store, new.info.id).databases == ("Warehouse",)


def test_the_limit_intersects_with_grant_and_scope(store, two_databases) -> None:  # type: ignore[no-untyped-def]
    new = create(store, scope="read", databases=["Warehouse", "Field Operations"])
    principal = store.authenticate(new.secret)
    assert store.authorize(principal, "view", two_databases["stock"])
    assert not store.authorize(principal, "edit", two_databases["stock"])  # scope
    assert not store.authorize(principal, "delete", two_databases["survey"])  # grant and scope


def test_a_database_the_account_cannot_reach_is_refused_at_creation(store, two_databases, grant, dump_database) -> None:  # type: ignore[no-untyped-def]
    store.add_form(Actor("alice"), "Finance", "Ledger")  # exists, but alice has no grant there
    before = dump_database(store)
    for names in (["Finance"], ["Warehouse", "Nowhere"], []):
        with pytest.raises(InvalidInput, match="cannot reach database|at least one database"):
            create(store, databases=names)
    assert dump_database(store) == before


# ----------------------------------------------------------------------------- notes and renaming


def test_a_note_is_set_at_creation_and_edited_later_and_both_are_audited(store) -> None:  # type: ignore[no-untyped-def]
    new = create(store, note="  Power BI dataset 'Sales' refresh  ")
    assert new.info.note == "Power BI dataset 'Sales' refresh"
    edited = edit(store, new.info.id, note="moved to the new gateway", label="Power BI – gateway")
    assert (edited.note, edited.label) == ("moved to the new gateway", "Power BI – gateway")
    assert get(store, new.info.id).note == "moved to the new gateway"
    cleared = edit(store, new.info.id, note="")
    assert cleared.note is None
    details = [e.detail for e in events(store, new.info.id) if e.action == "token.edit"]
    assert details[0]["renamed"] == ["Power BI – laptop", "Power BI – gateway"]
    assert details[0]["note"] == ["Power BI dataset 'Sales' refresh", "moved to the new gateway"]
    assert details[1]["note"] == ["moved to the new gateway", None]


def test_renaming_keeps_labels_unique_among_active_tokens(store, dump_database) -> None:  # type: ignore[no-untyped-def]
    create(store, "Laptop")
    other = create(store, "Desktop")
    before = dump_database(store)
    with pytest.raises(DuplicateLabel):
        edit(store, other.info.id, label="LAPTOP")
    assert dump_database(store) == before
    assert edit(store, other.info.id, label="desktop").label == "desktop"  # its own label, recased


@pytest.mark.parametrize("note", ["x" * 501, "line one\nline two", "bell\x07", "\x1b]52;c;AAAA\x07"])
def test_a_note_too_long_or_with_control_characters_is_refused(store, note, dump_database) -> None:  # type: ignore[no-untyped-def]
    new = create(store)
    before = dump_database(store)
    with pytest.raises(InvalidInput, match="note"):
        edit(store, new.info.id, note=note)
    with pytest.raises(InvalidInput, match="note"):
        create(store, "Other", note=note)
    assert dump_database(store) == before


def test_editing_changes_nothing_the_token_can_do(store, two_databases) -> None:  # type: ignore[no-untyped-def]
    new = create(store, scope="read", databases=["Warehouse"])
    before = store.token_access(Actor("alice"), new.info.id)
    edit(store, new.info.id, label="Renamed", note="a note")
    assert store.token_access(Actor("alice"), new.info.id) == before
    assert store.authenticate(new.secret).scope.value == "read"


def test_another_account_cannot_edit_a_token(store) -> None:  # type: ignore[no-untyped-def]
    mine = create(store)
    with pytest.raises(TokenNotFound):
        edit(store, mine.info.id, account=as_bob(store), label="Pwned")
    assert get(store, mine.info.id).label == "Power BI – laptop"


def test_an_edit_with_nothing_to_change_is_refused(store) -> None:  # type: ignore[no-untyped-def]
    new = create(store)
    with pytest.raises(InvalidInput, match="nothing to change"):
        edit(store, new.info.id)


# ----------------------------------------------------------------------------- expiry warnings


def test_expiring_tokens_are_those_usable_now_that_stop_within_the_window(store, clock) -> None:  # type: ignore[no-untyped-def]
    soon = create(store, "Soon", expires_at=clock.now + timedelta(days=3))
    sooner = create(store, "Sooner", expires_at=clock.now + timedelta(hours=5))
    create(store, "Later", expires_at=clock.now + timedelta(days=30))
    create(store, "Never")
    gone = create(store, "Gone", expires_at=clock.now + H)
    revoked = create(store, "Revoked", expires_at=clock.now + DAY)
    revoke(store, revoked.info.id)
    rotated = create(store, "Rotated", expires_at=clock.now + timedelta(days=60))
    replacement = rotate(store, rotated.info.id)
    clock.advance(hours=2)
    found = store.expiring_tokens(Actor("alice"), timedelta(days=7))
    # Soonest first; the rotated token's planned end is no surprise, so it is left out.
    assert [t.id for t in found] == [sooner.info.id, soon.info.id]
    assert gone.info.id not in {t.id for t in found} and replacement.info.id not in {t.id for t in found}
    assert [t.id for t in store.expiring_tokens(Actor("alice"), timedelta(days=1))] == [sooner.info.id]


# ----------------------------------------------------------------------------- lifetime policy


def test_there_is_no_policy_until_an_administrator_sets_one(store) -> None:  # type: ignore[no-untyped-def]
    policy = store.lifetime_policy()
    assert policy.max_lifetime is None and not policy.expiry_required
    create(store)  # no expiry is fine


def test_only_an_administrator_may_set_the_policy(store, dump_database) -> None:  # type: ignore[no-untyped-def]
    bob = as_bob(store)
    before = dump_database(store)
    with pytest.raises(NotAllowed, match="administrator"):
        set_policy(store, account=bob, max_lifetime=timedelta(days=90))
    assert dump_database(store) == before


def test_creation_outside_the_policy_is_refused_with_the_policy_in_the_message(store, clock, dump_database) -> None:  # type: ignore[no-untyped-def]
    policy = set_policy(store, max_lifetime=timedelta(days=90))
    assert policy.max_lifetime == timedelta(days=90) and policy.updated_by == "alice"
    assert [e.action for e in store.audit_events(Actor("alice"))][0] == "policy.set"
    before = dump_database(store)
    with pytest.raises(InvalidExpiry, match="requires an expiry: tokens must expire within 90 days"):
        create(store)
    with pytest.raises(InvalidExpiry, match="beyond the lifetime policy: tokens must expire within 90 days"):
        create(store, expires_at=clock.now + timedelta(days=91))
    assert dump_database(store) == before
    assert create(store, expires_at=clock.now + timedelta(days=90)).info.expires_at == clock.now + timedelta(days=90)


def test_require_expiry_alone_refuses_only_tokens_that_never_expire(store, clock) -> None:  # type: ignore[no-untyped-def]
    set_policy(store, require_expiry=True)
    with pytest.raises(InvalidExpiry, match="must have an expiry"):
        create(store)
    create(store, expires_at=clock.now + timedelta(days=3000))
    set_policy(store, require_expiry=False)
    create(store, "Free again")


def test_tokens_beyond_a_new_policy_are_listed_not_changed(store, clock) -> None:  # type: ignore[no-untyped-def]
    bob = as_bob(store)
    endless = create(store, "Endless", account=bob)
    long_lived = create(store, "Long", expires_at=clock.now + timedelta(days=365), account=bob)
    create(store, "Short", expires_at=clock.now + timedelta(days=10), account=bob)
    admins_own = create(store, "Alice's")
    revoked = create(store, "Revoked", account=bob)
    revoke(store, revoked.info.id, bob)
    assert store.policy_violations(Actor("alice")) == []
    set_policy(store, max_lifetime=timedelta(days=90))
    assert {t.id for t in store.policy_violations(Actor("alice"))} == {endless.info.id, long_lived.info.id, admins_own.info.id}
    # Everyone else sees only their own.
    assert {t.id for t in store.policy_violations(Actor(bob))} == {endless.info.id, long_lived.info.id}
    # Nothing was changed: the endless token still works and still never expires.
    assert store.authenticate(endless.secret).expires_at is None


def test_a_policy_lifetime_out_of_range_is_refused(store) -> None:  # type: ignore[no-untyped-def]
    for lifetime in (timedelta(minutes=5), timedelta(days=4000)):
        with pytest.raises(InvalidExpiry, match="from 1 hour to 10 years"):
            set_policy(store, max_lifetime=lifetime)
    assert store.lifetime_policy().max_lifetime is None


# ----------------------------------------------------------------------------- where it was last used


def test_the_last_caller_is_stored_with_the_last_used_time(store, clock) -> None:  # type: ignore[no-untyped-def]
    new = create(store)
    store.authenticate(new.secret, client_address="203.0.113.9", user_agent="PowerBI/2.1")
    info = get(store, new.info.id)
    assert (info.last_used_address, info.last_used_agent, info.last_used_at) == ("203.0.113.9", "PowerBI/2.1", clock.now)
    assert info.as_dict()["last_used_from"] == {"address": "203.0.113.9", "user_agent": "PowerBI/2.1"}
    # Within the minute nothing is written, the caller neither.
    clock.advance(seconds=30)
    store.authenticate(new.secret, client_address="198.51.100.1", user_agent="curl/8")
    assert get(store, new.info.id).last_used_address == "203.0.113.9"
    clock.advance(seconds=31)
    store.authenticate(new.secret, client_address="198.51.100.1", user_agent="curl/8")
    assert get(store, new.info.id).last_used_agent == "curl/8"


def test_the_last_caller_is_bounded_cleaned_and_never_holds_a_token(store) -> None:  # type: ignore[no-untyped-def]
    new = create(store)
    other = create(store, "Other")
    store.authenticate(
        new.secret,
        client_address="10.0.0.1\x1b[2J" + "9" * 500,
        user_agent=f"bot \x1b]52;c;AAAA\x07 token={other.secret} " + "x" * 100_000,
    )
    info = get(store, new.info.id)
    assert len(info.last_used_address) <= 64 and len(info.last_used_agent) <= 200  # type: ignore[arg-type]
    assert "\x1b" not in info.last_used_address + info.last_used_agent  # type: ignore[operator]
    assert ts.parse(other.secret)[1] not in info.last_used_agent  # type: ignore[operator]
    assert "tkn_…" in info.last_used_agent  # type: ignore[operator]


def test_without_a_description_the_caller_is_left_empty(store) -> None:  # type: ignore[no-untyped-def]
    new = create(store)
    store.authenticate(new.secret)
    info = get(store, new.info.id)
    assert info.last_used_at is not None and info.last_used_address is None and info.last_used_agent is None


# ----------------------------------------------------------------------------- upgrading to this schema


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_first_release_tokens_work_after_the_upgrade_and_the_new_rule_holds(request, backend, first_release) -> None:  # type: ignore[no-untyped-def]
    from datetime import UTC, datetime

    from argon2 import PasswordHasher, profiles

    from store import TokenStore
    from store import schema as schema_module

    if backend == "sqlite":
        path = request.getfixturevalue("sqlite_url")
        url, target = f"sqlite:///{path}", path
    else:
        url = target = request.getfixturevalue("postgres_url")
    made = first_release(url, versioned=True)
    with TokenStore(target, hasher=PasswordHasher.from_parameters(profiles.CHEAPEST), schema="upgrade") as s:
        assert s.schema_status().revision == schema_module.HEAD
        for token in made["active"]:
            principal = s.authenticate(token, client_address="192.0.2.1", user_agent="upgrade-test")
            info = s.get_token(Actor("root"), principal.token_id)
            assert info.databases is None and info.note is None and info.replaces is None
        for token in made["revoked"] + made["expired"]:
            with pytest.raises(InvalidToken):
                s.authenticate(token)
        # The trigger was made again with the new rule: shorter yes, longer or cleared no,
        # and revocation is still irreversible.
        active_id = ts.parse(made["active"][0])[0]
        far = datetime(2999, 1, 1, tzinfo=UTC)
        with pytest.raises(sa_exc.DatabaseError, match="only be shortened"):
            _raw(s, "UPDATE token SET expires_at = :at WHERE id = :id", at=far, id=active_id)
        with pytest.raises(sa_exc.DatabaseError, match="irreversible"):
            _raw(s, "UPDATE token SET revoked_at = NULL WHERE id = :id", id=ts.parse(made["revoked"][0])[0])
        soon = s.now() + timedelta(days=1)
        _raw(s, "UPDATE token SET expires_at = :at WHERE id = :id", at=soon, id=active_id)
        assert s.get_token(Actor("alice"), active_id).expires_at == soon
        # And a first-release token can be rotated like any other.
        new = s.rotate(Actor("alice"), active_id, overlap=timedelta(0))
        assert s.authenticate(new.secret).token_id == new.info.id
        with pytest.raises(InvalidToken):
            s.authenticate(made["active"][0])

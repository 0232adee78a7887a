"""SSH keys in the store: who may add, see and remove them, and what a key opens at this moment."""

from __future__ import annotations

import pytest



from store import AccountDisabled, Actor, ActorVia, InvalidInput, InvalidKey, NotAllowed, UnknownAccount

ALICE_KEY = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAINOM4mEb6LDTYCODZKFf0uJfYch1vfQMCK1uyE3QmW3i alice@laptop"
ALICE_FP = "SHA256:dLLv1wOt0lVTujVTy/ogCqaJ1Gq6FDzVf1kGBEHnNm8"
BOB_KEY = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIHYYn8/U1hqktjNEcxHI0JEewKHi5AJT97xeq7Q9Z1z3 bob@desk"

ADMIN = Actor("root")
ALICE = Actor("alice")
BOB = Actor("bob")


@pytest.fixture
def db(make_store):  # type: ignore[no-untyped-def]
    store = make_store()
    store.ensure_account("root")  # the first account: the administrator
    store.add_account(ADMIN, "alice")
    store.add_account(ADMIN, "bob")
    return store


def test_an_administrator_adds_a_key_and_it_opens_that_account(db) -> None:  # type: ignore[no-untyped-def]
    key = db.add_key(ADMIN, "alice", ALICE_KEY + "\n")
    assert (key.fingerprint, key.account, key.type, key.comment, key.created_by) == (
        ALICE_FP, "alice", "ssh-ed25519", "alice@laptop", "root")
    actor = db.key_for_session(ALICE_FP)
    assert (actor.account, actor.via) == ("alice", ActorVia.SSH_KEY)
    events = [e for e in db.audit_events(ADMIN, account="alice") if e.action.startswith("ssh_key")]
    assert [(e.action, e.account, e.detail["fingerprint"]) for e in events] == [("ssh_key.add", "alice", ALICE_FP)]


def test_only_administrators_add_keys(db) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(NotAllowed):
        db.add_key(ALICE, "alice", ALICE_KEY)
    assert db.keys(ADMIN) == []


def test_a_key_opens_one_account_and_a_bad_key_changes_nothing(db) -> None:  # type: ignore[no-untyped-def]
    db.add_key(ADMIN, "alice", ALICE_KEY)
    with pytest.raises(InvalidInput, match="already opens the account 'alice'"):
        db.add_key(ADMIN, "bob", ALICE_KEY)
    with pytest.raises(InvalidKey):
        db.add_key(ADMIN, "bob", 'command="/bin/sh" ' + BOB_KEY)
    with pytest.raises(UnknownAccount):
        db.add_key(ADMIN, "carol", BOB_KEY)
    assert [k.account for k in db.keys(ADMIN)] == ["alice"]


def test_people_see_their_own_keys_administrators_everyones(db) -> None:  # type: ignore[no-untyped-def]
    db.add_key(ADMIN, "alice", ALICE_KEY)
    db.add_key(ADMIN, "bob", BOB_KEY)
    assert [k.account for k in db.keys(ALICE)] == ["alice"]
    assert [k.account for k in db.keys(ADMIN)] == ["alice", "bob"]
    assert [k.account for k in db.keys(ADMIN, "bob")] == ["bob"]
    with pytest.raises(UnknownAccount):
        db.keys(ALICE, "bob")


def test_a_removed_key_opens_nothing_from_then_on(db) -> None:  # type: ignore[no-untyped-def]
    db.add_key(ADMIN, "alice", ALICE_KEY)
    db.add_key(ADMIN, "bob", BOB_KEY)
    with pytest.raises(InvalidInput, match="no SSH key"):
        db.remove_key(BOB, ALICE_FP)  # another account's key reads as no key
    db.remove_key(ALICE, ALICE_FP)  # one's own: a lost laptop
    with pytest.raises(NotAllowed, match="not allowed"):
        db.key_for_session(ALICE_FP)
    assert [k.account for k in db.authorized_keys()] == ["bob"]


def test_a_disabled_accounts_keys_are_refused_and_not_offered_to_sshd(db) -> None:  # type: ignore[no-untyped-def]
    db.add_key(ADMIN, "alice", ALICE_KEY)
    db.set_disabled(ADMIN, "alice")
    with pytest.raises(NotAllowed):
        db.key_for_session(ALICE_FP)
    assert db.authorized_keys() == []
    db.set_disabled(ADMIN, "alice", False)
    assert db.key_for_session(ALICE_FP).account == "alice"


def test_sshd_asks_for_the_offered_key_only(db) -> None:  # type: ignore[no-untyped-def]
    db.add_key(ADMIN, "alice", ALICE_KEY)
    db.add_key(ADMIN, "bob", BOB_KEY, read_only=True)
    key_type, blob, _ = BOB_KEY.split(" ", 2)
    [found] = db.authorized_keys(key_type, blob)
    assert (found.account, found.read_only) == ("bob", True)
    assert db.authorized_keys("ssh-rsa", blob) == []
    assert db.authorized_keys(key_type, "garbage") == []
    assert len(db.authorized_keys()) == 2


def test_a_malformed_fingerprint_is_refused_without_a_lookup(db) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(NotAllowed):
        db.key_for_session("'; DROP TABLE ssh_key; --")


def test_disabled_administrators_cannot_add_keys(db) -> None:  # type: ignore[no-untyped-def]
    db.add_account(ADMIN, "root2", admin=True)
    db.set_disabled(Actor("root2"), "root")
    with pytest.raises(AccountDisabled):
        db.add_key(ADMIN, "alice", ALICE_KEY)

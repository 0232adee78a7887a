"""Who is acting, administrators, disabled accounts, every account's tokens, the audit trail of
account and grant changes, lookup of a found token, bulk revoke, and the change marker."""

from __future__ import annotations

import pytest

from store import (
    AccountDisabled,
    Action,
    Actor,
    ActorVia,
    DuplicateLabel,
    InvalidToken,
    NotAllowed,
    TokenNotFound,
    TokenStatus,
    UnknownAccount,
    UnknownForm,
)

ALICE, BOB = Actor("alice"), Actor("bob")  # alice is the first account: the administrator


@pytest.fixture
def two(store):  # type: ignore[no-untyped-def]
    store.ensure_account("bob")
    return store


def test_the_first_account_is_the_administrator(two) -> None:  # type: ignore[no-untyped-def]
    assert two.get_account(ALICE).is_admin
    assert not two.get_account(BOB).is_admin


def test_a_store_method_refuses_a_bare_account_name(two) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(TypeError):
        two.create_token("alice", "Laptop", "read")  # type: ignore[arg-type]


def test_acting_as_another_account_is_for_administrators(two) -> None:  # type: ignore[no-untyped-def]
    as_bob = two.resolve_actor("alice", "bob")
    assert (as_bob.account, as_bob.via, as_bob.person) == ("bob", ActorVia.AS_ACCOUNT, "alice")
    with pytest.raises(NotAllowed, match="only an administrator"):
        two.resolve_actor("bob", "alice")
    with pytest.raises(NotAllowed):
        two.resolve_actor("mallory", "alice")
    assert not two.has_account("mallory")


def test_on_an_empty_database_anyone_may_name_the_first_account(make_store) -> None:  # type: ignore[no-untyped-def]
    s = make_store()
    actor = s.resolve_actor("root", "ops")
    assert actor.account == "ops" and actor.person == "root"
    assert s.get_account(actor).is_admin


def test_acting_as_uses_that_accounts_rights_and_the_audit_names_both(two) -> None:  # type: ignore[no-untyped-def]
    as_bob = two.resolve_actor("alice", "bob")
    new = two.create_token(as_bob, "Laptop", "read")
    assert new.info.account == "bob"
    with pytest.raises(NotAllowed):
        two.list_accounts(as_bob)  # bob's rights, not alice's
    (event,) = two.audit_events(ALICE, token_id=new.info.id)
    assert (event.actor, event.as_account, event.account, event.action) == ("alice", "bob", "bob", "token.create")


NON_ADMIN_CALLS = {
    "add_account": lambda s: s.add_account(BOB, "carol"),
    "list_accounts": lambda s: s.list_accounts(BOB),
    "set_admin": lambda s: s.set_admin(BOB, "bob"),
    "set_disabled": lambda s: s.set_disabled(BOB, "alice"),
    "add_form": lambda s: s.add_form(BOB, "Field Operations", "New form"),
    "set_grant": lambda s: s.set_grant(BOB, "bob", s.find_form("Field Operations/Household survey")[0], ["view", "edit"]),
    "set_grants": lambda s: s.set_grants(BOB, "bob", [("Field Operations/Household survey", ["view"])]),
    "grant": lambda s: s.grant(BOB, "bob", "Field Operations", ["delete"]),
    "ungrant": lambda s: s.ungrant(BOB, "alice", "Field Operations", ["view"]),
    "list_forms": lambda s: s.list_forms(BOB),
    "list_all_tokens": lambda s: s.list_all_tokens(BOB),
    "count_tokens": lambda s: s.count_tokens(BOB),
    "stale_tokens(all_accounts)": lambda s: s.stale_tokens(BOB, 0, all_accounts=True),
}


@pytest.mark.parametrize("call", list(NON_ADMIN_CALLS))
def test_every_administrator_action_is_refused_to_others_and_changes_nothing(two, grant, dump_database, call) -> None:  # type: ignore[no-untyped-def]
    grant(two, {Action.VIEW})
    two.create_token(ALICE, "Laptop", "read")
    before = dump_database(two)
    with pytest.raises(NotAllowed, match="only an administrator"):
        NON_ADMIN_CALLS[call](two)
    assert dump_database(two) == before


def test_an_administrator_lists_every_form_granted_or_not(two, grant) -> None:  # type: ignore[no-untyped-def]
    grant(two, {Action.VIEW})  # bob is granted nothing
    two.add_form(ALICE, "Zoo", "Counts")
    spare = two.add_form(ALICE, "Field Operations", "Annex")

    forms = two.list_forms(ALICE)

    assert [(db, form) for _, db, form in forms] == sorted((db, form) for _, db, form in forms)
    assert (spare, "Field Operations", "Annex") in forms
    assert [form for _, _, form in forms] == ["Annex", "Household survey", "Counts"]
    assert two.account_access(ALICE, account="bob") == []  # listed though nobody granted bob any
    for form_id, db, form in forms:
        assert two.find_form(str(form_id)) == (form_id, db, form)


def test_account_changes_are_audited_with_their_actor(two) -> None:  # type: ignore[no-untyped-def]
    two.add_account(ALICE, "carol", admin=False)
    two.set_admin(ALICE, "carol", True)
    two.set_disabled(ALICE, "bob", True)
    two.set_disabled(ALICE, "bob", False)
    two.add_form(ALICE, "Field Operations", "Household survey")
    two.grant(ALICE, "bob", "Field Operations/Household survey", ["view", "edit"])
    two.ungrant(ALICE, "bob", "Field Operations", ["edit"])
    events = two.audit_events(ALICE, limit=6)
    assert [(e.action, e.actor, e.account) for e in events] == [
        ("grant.change", "alice", "bob"),
        ("grant.change", "alice", "bob"),
        ("account.enable", "alice", "bob"),
        ("account.disable", "alice", "bob"),
        ("account.admin", "alice", "carol"),
        ("account.add", "alice", "carol"),
    ]
    assert events[0].detail["actions"] == ["view"] and events[1].detail["actions"] == ["view", "edit"]


def test_others_see_only_events_about_their_own_account(two) -> None:  # type: ignore[no-untyped-def]
    mine = two.create_token(BOB, "Phone", "read")
    two.create_token(ALICE, "Laptop", "read")
    seen = two.audit_events(BOB)
    assert seen and all(e.account == "bob" for e in seen)
    assert mine.info.id in {e.token_id for e in seen}
    with pytest.raises(UnknownAccount):
        two.audit_events(BOB, account="alice")


def test_the_last_administrator_cannot_step_down_or_be_disabled(two) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(NotAllowed, match="last administrator"):
        two.set_admin(ALICE, "alice", False)
    with pytest.raises(NotAllowed, match="last administrator"):
        two.set_disabled(ALICE, "alice", True)
    two.set_admin(ALICE, "bob", True)
    assert not two.set_admin(ALICE, "alice", False).is_admin


def test_a_disabled_account_can_do_nothing_and_its_tokens_stop_until_enabled(two, grant) -> None:  # type: ignore[no-untyped-def]
    form = grant(two, {Action.VIEW}, account="bob")
    new = two.create_token(BOB, "Phone", "read")
    principal = two.authenticate(new.secret)  # now cached
    two.set_disabled(ALICE, "bob", True)
    with pytest.raises(InvalidToken):
        two.authenticate(new.secret)
    assert not two.authorize(principal, "view", form)
    with pytest.raises(AccountDisabled):
        two.create_token(BOB, "Laptop", "read")
    with pytest.raises(AccountDisabled):
        two.list_tokens(BOB)
    with pytest.raises(NotAllowed):
        two.resolve_actor("bob", "alice")
    assert two.get_token(ALICE, new.info.id).revoked_at is None  # disabled, not revoked
    two.set_disabled(ALICE, "bob", False)
    assert two.authenticate(new.secret).account == "bob"
    assert two.authorize(principal, "view", form)


def test_a_changed_grant_counts_on_the_next_request(two, grant) -> None:  # type: ignore[no-untyped-def]
    form = grant(two, {Action.VIEW}, account="bob")
    principal = two.authenticate(two.create_token(BOB, "Phone", "read_write").secret)
    assert not two.authorize(principal, "edit", form)
    two.grant(ALICE, "bob", "Field Operations/Household survey", ["edit"])
    assert two.authorize(principal, "edit", form)
    two.ungrant(ALICE, "bob", "Field Operations", ["edit", "view"])
    assert not two.authorize(principal, "view", form)


def test_several_grants_are_set_together_or_not_at_all(two, grant, dump_database) -> None:  # type: ignore[no-untyped-def]
    survey = grant(two, {Action.VIEW}, account="bob")
    before = dump_database(two)
    with pytest.raises(UnknownForm):
        two.set_grants(ALICE, "bob", [(survey, ["view", "edit"]), ("Field Operations/No such form", ["view"])])
    assert dump_database(two) == before
    two.set_grants(ALICE, "bob", [(survey, ["view", "edit"]), (str(survey), ["view", "edit", "add"])])
    assert {a.form_id: a.granted for a in two.account_access(ALICE, account="bob")}[survey] == {
        Action.VIEW, Action.EDIT, Action.ADD}


def test_lookup_finds_any_token_for_an_administrator_and_only_ones_own_for_others(two) -> None:  # type: ignore[no-untyped-def]
    bobs = two.create_token(BOB, "Phone", "read")
    alices = two.create_token(ALICE, "Laptop", "read")
    assert two.lookup(ALICE, bobs.secret).account == "bob"
    assert two.lookup(BOB, bobs.secret).id == bobs.info.id
    with pytest.raises(TokenNotFound):
        two.lookup(BOB, alices.secret)
    two.revoke(ALICE, bobs.info.id)
    assert two.lookup(BOB, bobs.secret).revoked_at is not None  # a revoked token is still found
    with pytest.raises(InvalidToken):
        two.lookup(ALICE, bobs.secret[:-2])


def test_lookup_of_a_forged_string_with_a_known_id_is_not_found(two) -> None:  # type: ignore[no-untyped-def]
    from store import tokenstring

    real = two.create_token(BOB, "Phone", "read")
    _, _, forged = tokenstring.generate(real.info.id)  # same public id, another secret, valid checksum
    with pytest.raises(TokenNotFound):
        two.lookup(ALICE, forged)


def test_bulk_revoke_revokes_exactly_the_stale_list(two, clock) -> None:  # type: ignore[no-untyped-def]
    old_unused = two.create_token(BOB, "Old", "read")
    old_used = two.create_token(ALICE, "Used", "read")
    clock.advance(days=40)
    two.authenticate(old_used.secret)
    fresh = two.create_token(ALICE, "Fresh", "read")
    preview = two.stale_tokens(ALICE, 30, all_accounts=True)
    assert [t.id for t in preview] == [old_unused.info.id]
    assert two.stale_tokens(ALICE, 30) == []  # alice's own: none stale
    revoked = two.revoke_tokens(ALICE, [t.id for t in preview])
    assert [t.id for t in revoked] == [t.id for t in preview]
    assert two.get_token(ALICE, fresh.info.id).revoked_at is None
    events = two.audit_events(ALICE, token_id=old_unused.info.id)
    assert [(e.action, e.actor, e.detail.get("bulk")) for e in events][0] == ("token.revoke", "alice", True)


def test_bulk_revoke_of_another_accounts_token_is_refused_whole(two) -> None:  # type: ignore[no-untyped-def]
    mine = two.create_token(BOB, "Phone", "read")
    theirs = two.create_token(ALICE, "Laptop", "read")
    with pytest.raises(TokenNotFound):
        two.revoke_tokens(BOB, [mine.info.id, theirs.info.id])
    assert two.get_token(BOB, mine.info.id).revoked_at is None


def test_every_token_pages_newest_first_and_filters_in_the_database(two, clock) -> None:  # type: ignore[no-untyped-def]
    made = []
    for n in range(7):
        clock.advance(minutes=1)
        made.append(two.create_token(BOB if n % 2 else ALICE, f"Job {n}", "read").info)
    pages, cursor = [], None
    while True:
        page = two.list_all_tokens(ALICE, after=cursor, limit=3)
        pages.append([t.id for t in page.tokens])
        cursor = page.next
        if cursor is None:
            break
    assert [len(p) for p in pages] == [3, 3, 1]
    assert sum(pages, []) == [t.id for t in reversed(made)]
    assert [t.account for t in two.list_all_tokens(ALICE, account="bob").tokens] == ["bob"] * 3
    assert [t.label for t in two.list_all_tokens(ALICE, label_contains="JOB 4").tokens] == ["Job 4"]
    two.revoke(ALICE, made[0].id)
    assert [t.id for t in two.list_all_tokens(ALICE, status="revoked").tokens] == [made[0].id]
    assert two.count_tokens(ALICE, status=TokenStatus.ACTIVE) == 6
    assert two.count_tokens(ALICE, account="bob") == 3


def test_labels_compare_in_their_normalised_form(two, clock) -> None:  # type: ignore[no-untyped-def]
    two.create_token(ALICE, "Laptop", "read")
    with pytest.raises(DuplicateLabel):
        two.create_token(ALICE, "ＬＡＰＴＯＰ", "read")  # fullwidth letters read the same
    expiring = two.create_token(ALICE, "Phone", "read", expires_at=clock.now + __import__("datetime").timedelta(days=1))
    clock.advance(days=2)
    again = two.create_token(ALICE, "phone", "read")  # an expired token gives its label up
    assert again.info.label == "phone" and expiring.info.id != again.info.id


def test_the_change_marker_moves_on_a_change_from_another_store_only(two, make_store) -> None:  # type: ignore[no-untyped-def]
    other = make_store()
    marker = two.change_marker()
    assert two.changes_since(marker) is None
    secret = other.create_token(BOB, "Phone", "read").secret
    moved = two.changes_since(marker)
    assert moved is not None and moved != marker
    other.authenticate(secret)  # writes last-used: not a change a person made
    assert two.changes_since(moved) is None
    two.revoke(ALICE, __import__("store").tokenstring.parse(secret)[0])
    assert other.changes_since(moved) is not None

"""Authorize: a token can only limit. What it may do on a form is the account's grant ∩ its scope."""

from __future__ import annotations

from store import Actor

import dataclasses
from datetime import timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from store import ALL_ACTIONS, Action, InvalidInput, Scope, effective_actions

# Property tests judge answers, never speed: a busy machine must not fail them.
no_deadline = settings(deadline=None, suppress_health_check=[HealthCheck.too_slow])

V, A, E, D = Action.VIEW, Action.ADD, Action.EDIT, Action.DELETE

grants = st.frozensets(st.sampled_from(ALL_ACTIONS))
scopes = st.sampled_from(list(Scope))


def allowed(s, principal, form_id: int) -> set[Action]:  # type: ignore[no-untyped-def]
    return {action for action in ALL_ACTIONS if s.authorize(principal, action, form_id)}


@pytest.fixture
def principals(store):  # type: ignore[no-untyped-def]
    """Alice's two tokens, one of each scope, as the store authenticated them."""
    reader = store.create_token(Actor("alice"), "Power BI – laptop", "read")
    writer = store.create_token(Actor("alice"), "Sync script – server", "read_write")
    return {Scope.READ: store.authenticate(reader.secret), Scope.READ_WRITE: store.authenticate(writer.secret)}


def test_a_read_token_on_a_form_the_account_may_edit_can_only_view(store, grant, principals) -> None:  # type: ignore[no-untyped-def]
    form_id = grant(store, {V, A, E})
    assert allowed(store, principals[Scope.READ], form_id) == {V}


def test_a_read_write_token_where_the_account_may_only_view_can_only_view(store, grant, principals) -> None:  # type: ignore[no-untyped-def]
    form_id = grant(store, {V})
    assert allowed(store, principals[Scope.READ_WRITE], form_id) == {V}


def test_a_read_write_token_may_do_what_the_account_may(store, grant, principals) -> None:  # type: ignore[no-untyped-def]
    survey = grant(store, {V, A, E}, form="Household survey")
    visits = grant(store, {V, A, E, D}, form="Site visits")
    assert allowed(store, principals[Scope.READ_WRITE], survey) == {V, A, E}
    assert allowed(store, principals[Scope.READ_WRITE], visits) == {V, A, E, D}


def test_no_grant_means_nothing_whatever_the_scope(store, grant, principals) -> None:  # type: ignore[no-untyped-def]
    staff = grant(store, set(), form="Staff records")
    ungranted = store.add_form(Actor("alice"), "Field Operations", "Payroll")
    for principal in principals.values():
        assert allowed(store, principal, staff) == set()
        assert allowed(store, principal, ungranted) == set()


def test_another_accounts_grant_does_not_count(store, grant, principals) -> None:  # type: ignore[no-untyped-def]
    store.ensure_account("bob")
    form_id = grant(store, {V, A, E, D}, account="bob")
    assert allowed(store, principals[Scope.READ_WRITE], form_id) == set()


def test_an_unknown_form_is_refused(store, principals) -> None:  # type: ignore[no-untyped-def]
    for principal in principals.values():
        assert allowed(store, principal, 987654) == set()


def test_actions_may_be_given_by_name(store, grant, principals) -> None:  # type: ignore[no-untyped-def]
    form_id = grant(store, {V, E})
    assert store.authorize(principals[Scope.READ_WRITE], "edit", form_id) is True
    assert store.authorize(principals[Scope.READ_WRITE], "delete", form_id) is False


def test_an_unknown_action_is_an_error_not_a_yes(store, grant, principals) -> None:  # type: ignore[no-untyped-def]
    form_id = grant(store, {V, A, E, D})
    for action in ["write", "admin", "", "VIEW "]:
        with pytest.raises(InvalidInput, match="view, add, edit or delete"):
            store.authorize(principals[Scope.READ_WRITE], action, form_id)


def test_a_changed_grant_counts_at_once(store, grant, principals) -> None:  # type: ignore[no-untyped-def]
    form_id = grant(store, {V, A, E})
    writer = principals[Scope.READ_WRITE]
    assert store.authorize(writer, E, form_id)
    store.set_grant(Actor("alice"), "alice", form_id, {V})
    assert allowed(store, writer, form_id) == {V}
    store.set_grant(Actor("alice"), "alice", form_id, set())
    assert allowed(store, writer, form_id) == set()


def test_a_revoked_tokens_principal_is_refused_afterwards(store, grant, principals) -> None:  # type: ignore[no-untyped-def]
    form_id = grant(store, {V, A, E, D})
    writer = principals[Scope.READ_WRITE]
    assert allowed(store, writer, form_id) == {V, A, E, D}
    store.revoke(Actor("alice"), writer.token_id)
    assert allowed(store, writer, form_id) == set()
    # The other token of the same account is untouched.
    assert allowed(store, principals[Scope.READ], form_id) == {V}


def test_a_revocation_made_by_another_store_counts_at_once(make_store, store, grant, principals) -> None:  # type: ignore[no-untyped-def]
    form_id = grant(store, {V})
    other = make_store()
    other.revoke(Actor("alice"), principals[Scope.READ].token_id)
    assert store.authorize(principals[Scope.READ], V, form_id) is False


def test_an_expired_tokens_principal_is_refused_afterwards(store, clock, grant) -> None:  # type: ignore[no-untyped-def]
    form_id = grant(store, {V, A})
    new = store.create_token(Actor("alice"), "Laptop", "read_write", expires_at=clock.now + timedelta(days=1))
    principal = store.authenticate(new.secret)
    assert allowed(store, principal, form_id) == {V, A}
    clock.advance(days=1)
    assert allowed(store, principal, form_id) == set()


# ----------------------------------------------------------------------------- the rule, for every grant


@no_deadline
@given(grants, scopes)
def test_effective_actions_are_exactly_what_both_the_grant_and_the_scope_allow(grant_: frozenset[Action], scope: Scope) -> None:
    effective = effective_actions(grant_, scope)
    assert effective <= grant_
    assert effective <= scope.actions
    assert effective == {a for a in ALL_ACTIONS if a in grant_ and a in scope.actions}


def test_read_means_view_and_read_write_means_everything() -> None:
    assert Scope.READ.actions == {V}
    assert Scope.READ_WRITE.actions == {V, A, E, D}


def test_a_principal_claiming_a_wider_scope_gets_only_the_tokens_own(store, grant, principals) -> None:  # type: ignore[no-untyped-def]
    form = grant(store, {V, A, E, D})
    reader = principals[Scope.READ]
    forged = dataclasses.replace(reader, scope=Scope.READ_WRITE)
    assert allowed(store, forged, form) == {V}


def test_the_store_never_lets_a_token_exceed_its_account(store, grant, principals) -> None:  # type: ignore[no-untyped-def]
    form_id = grant(store, set())

    @settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(grants)
    def check(granted: frozenset[Action]) -> None:
        store.set_grant(Actor("alice"), "alice", form_id, granted)
        for scope, principal in principals.items():
            answered = allowed(store, principal, form_id)
            assert answered <= granted, f"{scope} exceeded the grant"
            assert answered <= scope.actions, f"{scope} exceeded its scope"
            assert answered == effective_actions(granted, scope)
            shown = [a for a in store.account_access(Actor("alice"), scope) if a.form_id == form_id]
            if granted:
                assert [(a.granted, a.effective) for a in shown] == [(granted, answered)]
            else:
                assert shown == []

    check()

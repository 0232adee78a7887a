"""Creating, listing and reading tokens; what an account can reach; the demo data set.

The secret exists only in the value ``create_token`` returns: not in the database, the audit
trail, a repr, or an error message.
"""

from __future__ import annotations

from store import Actor

import dataclasses
import threading
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from store import (
    Action,
    DuplicateLabel,
    FormAccess,
    InvalidExpiry,
    InvalidInput,
    InvalidLabel,
    InvalidScope,
    NewToken,
    Scope,
    StoreError,
    TokenInfo,
    TokenNotFound,
    UnknownAccount,
)
from store import tokenstring as ts

V, A, E, D = Action.VIEW, Action.ADD, Action.EDIT, Action.DELETE


def pieces(secret_part: str, size: int = 10) -> list[str]:
    """Every run of ``size`` characters of a secret: a leak of part of it is a leak too.

    (Ten base62 characters turn up in unrelated text by chance about once in 10^18.)"""
    return [secret_part[i : i + size] for i in range(len(secret_part) - size + 1)]


def leaked(secret_part: str, text: str) -> list[str]:
    return [piece for piece in pieces(secret_part) if piece in text]


# ----------------------------------------------------------------------------- create


def test_create_returns_the_token_and_its_secret(store, clock, hasher) -> None:  # type: ignore[no-untyped-def]
    new = store.create_token(Actor("alice"), "  Power BI – office laptop \n", "read")
    assert hasher.hashes == 1  # the secret went through Argon2 once, and only its hash was kept
    assert isinstance(new, NewToken)
    assert new.info.label == "Power BI – office laptop"
    assert new.info.account == "alice"
    assert new.info.scope is Scope.READ
    assert new.info.created_at == clock.now
    assert new.info.expires_at is None
    assert new.info.last_used_at is None and new.info.revoked_at is None
    assert ts.parse(new.secret)[0] == new.info.id
    assert store.get_token(Actor("alice"), new.info.id) == new.info
    assert store.list_tokens(Actor("alice")) == [new.info]


# Rules checked case by case in one test per backend: each case needs no database of its own.


def test_read_and_read_write_are_the_only_scopes(store) -> None:  # type: ignore[no-untyped-def]
    for n, scope in enumerate(["read", "read_write", Scope.READ, Scope.READ_WRITE]):
        new = store.create_token(Actor("alice"), f"Device {n}", scope)
        assert store.get_token(Actor("alice"), new.info.id).scope is Scope(scope)
    before = store.list_tokens(Actor("alice"), include_revoked=True)
    for scope in ["write", "admin", "", "readwrite", "read write", "all", None]:
        with pytest.raises(InvalidScope, match="read_write"):
            store.create_token(Actor("alice"), "Laptop", scope)
    assert store.list_tokens(Actor("alice"), include_revoked=True) == before


def test_every_new_token_gets_its_own_id_and_secret(store) -> None:  # type: ignore[no-untyped-def]
    made = [store.create_token(Actor("alice"), f"Device {n}", "read") for n in range(10)]
    assert len({m.info.id for m in made}) == 10
    assert len({m.secret for m in made}) == 10


def test_a_token_for_an_unknown_account_is_refused(store) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(UnknownAccount):
        store.create_token(Actor("mallory"), "Laptop", "read")


# ----------------------------------------------------------------------------- labels


def test_labels_of_1_to_100_characters_are_kept_exactly(store) -> None:  # type: ignore[no-untyped-def]
    # Including 100 characters outside ASCII: the column's limit counts characters, not bytes.
    for label in ["L", "x" * 100, "é" * 100, "🔑" * 100, "Power BI – laptop", "Excel (home PC) #2", "[b]not markup[/b]"]:
        new = store.create_token(Actor("alice"), label, "read")
        assert store.get_token(Actor("alice"), new.info.id).label == label


def test_empty_or_too_long_labels_are_refused(store) -> None:  # type: ignore[no-untyped-def]
    for label in ["", "   ", "\n\t ", "x" * 101, " " + "x" * 101 + " ", "🔑" * 101]:
        with pytest.raises(InvalidLabel):
            store.create_token(Actor("alice"), label, "read")
    assert store.list_tokens(Actor("alice"), include_revoked=True) == []


def test_the_length_limit_counts_after_trimming(store) -> None:  # type: ignore[no-untyped-def]
    new = store.create_token(Actor("alice"), "   " + "x" * 100 + "   ", "read")
    assert new.info.label == "x" * 100


CONTROL_LABELS = [
    "a\x00b",  # NUL
    "\x1b[2Jwiped",  # ESC: clears the viewer's screen
    "copy\x1b]52;c;aGk=\x07",  # OSC 52: writes the viewer's clipboard
    "tab\there",
    "two\nlines",
    "carriage\rreturn",
    "del\x7f",
    "c1\x85next line",
    "c1\x9bcsi",
    "\u202eevil.exe",  # right-to-left override
    "abc\u2066isolate\u2069",
    "line\u2028separator",
    "para\u2029separator",
]


def test_control_characters_are_refused(store) -> None:  # type: ignore[no-untyped-def]
    for label in CONTROL_LABELS:
        with pytest.raises(InvalidLabel, match="control"):
            store.create_token(Actor("alice"), label, "read")
    assert store.list_tokens(Actor("alice"), include_revoked=True) == []


def test_a_label_is_unique_among_the_accounts_active_tokens_ignoring_case(store) -> None:  # type: ignore[no-untyped-def]
    first = store.create_token(Actor("alice"), "Laptop", "read")
    for second in ["Laptop", "laptop", "LAPTOP", "  lApToP  "]:
        with pytest.raises(DuplicateLabel, match="(?i)already labelled .laptop."):
            store.create_token(Actor("alice"), second, "read_write")
    assert store.list_tokens(Actor("alice")) == [first.info]


@pytest.mark.parametrize(
    ("first", "lookalike"),
    [
        ("café", "cafe\u0301"),  # precomposed, and e + combining acute
        ("Dup Label", "Dup\u00a0Label"),  # a no-break space
        ("Dup Label", "\uff24up Label"),  # a fullwidth D
        ("Dup Label", "Dup  label"),
        ("Straße", "STRASSE"),
    ],
)
def test_a_label_that_reads_like_an_active_one_is_a_duplicate(store, first, lookalike) -> None:  # type: ignore[no-untyped-def]
    created = store.create_token(Actor("alice"), first, "read")
    with pytest.raises(DuplicateLabel, match="already labelled"):
        store.create_token(Actor("alice"), lookalike, "read_write")
    assert store.list_tokens(Actor("alice")) == [created.info]


def test_an_invisible_label_creates_nothing(store) -> None:  # type: ignore[no-untyped-def]
    for label in ["\u200b", "\ufeff", "\u3164", "\u00ad", "\U000e0041\U000e0042", "Dup\u200bLabel"]:
        with pytest.raises(InvalidLabel):
            store.create_token(Actor("alice"), label, "read")
    assert store.list_tokens(Actor("alice"), include_revoked=True) == []


def test_creating_the_same_label_at_once_lets_exactly_one_through(store) -> None:  # type: ignore[no-untyped-def]
    # The uniqueness check and the insert are one transaction, so a double-submitted form, or two
    # programs creating at the same moment, cannot leave two active tokens with one label.
    barrier = threading.Barrier(6)
    outcomes: list[str] = []

    def create() -> None:
        barrier.wait()
        try:
            store.create_token(Actor("alice"), "Laptop", "read")
            outcomes.append("created")
        except DuplicateLabel:
            outcomes.append("duplicate")
        except Exception as exc:  # reported by the assertion below, not lost in the thread
            outcomes.append(repr(exc))

    threads = [threading.Thread(target=create) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["created"] + ["duplicate"] * 5
    assert [t.label for t in store.list_tokens(Actor("alice"))] == ["Laptop"]


def test_the_same_label_in_another_account_is_fine(store) -> None:  # type: ignore[no-untyped-def]
    store.ensure_account("bob")
    store.create_token(Actor("alice"), "Laptop", "read")
    assert store.create_token(Actor("bob"), "laptop", "read").info.label == "laptop"


def test_a_revoked_tokens_label_may_be_reused(store) -> None:  # type: ignore[no-untyped-def]
    old = store.create_token(Actor("alice"), "Laptop", "read")
    store.revoke(Actor("alice"), old.info.id)
    new = store.create_token(Actor("alice"), "laptop", "read")
    assert new.info.id != old.info.id
    assert [t.id for t in store.list_tokens(Actor("alice"))] == [new.info.id]


def test_an_expired_tokens_label_may_be_reused(store, clock) -> None:  # type: ignore[no-untyped-def]
    old = store.create_token(Actor("alice"), "Laptop", "read", expires_at=clock.now + timedelta(days=1))
    clock.advance(hours=23)
    with pytest.raises(DuplicateLabel):
        store.create_token(Actor("alice"), "Laptop", "read")
    clock.advance(hours=1)  # now exactly at the expiry: expired
    new = store.create_token(Actor("alice"), "Laptop", "read")
    assert {t.id for t in store.list_tokens(Actor("alice"))} == {old.info.id, new.info.id}


# ----------------------------------------------------------------------------- expiry


def test_an_expiry_in_the_future_is_kept(store, clock) -> None:  # type: ignore[no-untyped-def]
    expires = clock.now + timedelta(days=90, microseconds=123)
    new = store.create_token(Actor("alice"), "Laptop", "read", expires_at=expires)
    assert new.info.expires_at == expires
    assert store.get_token(Actor("alice"), new.info.id).expires_at == expires


def test_an_expiry_in_another_time_zone_means_the_same_moment(store, clock) -> None:  # type: ignore[no-untyped-def]
    from datetime import timezone

    expires = (clock.now + timedelta(days=1)).astimezone(timezone(timedelta(hours=-5)))
    new = store.create_token(Actor("alice"), "Laptop", "read", expires_at=expires)
    stored = store.get_token(Actor("alice"), new.info.id).expires_at
    assert stored == expires and stored.utcoffset() == timedelta(0)


def test_an_expiry_now_or_in_the_past_is_refused(store, clock) -> None:  # type: ignore[no-untyped-def]
    for offset in [timedelta(0), timedelta(microseconds=-1), timedelta(days=-365)]:
        with pytest.raises(InvalidExpiry, match="future"):
            store.create_token(Actor("alice"), "Laptop", "read", expires_at=clock.now + offset)
    assert store.list_tokens(Actor("alice"), include_revoked=True) == []


def test_an_expiry_without_a_time_zone_is_refused(store, clock) -> None:  # type: ignore[no-untyped-def]
    naive = (clock.now + timedelta(days=1)).replace(tzinfo=None)
    with pytest.raises(InvalidInput):
        store.create_token(Actor("alice"), "Laptop", "read", expires_at=naive)
    assert store.list_tokens(Actor("alice"), include_revoked=True) == []


# ----------------------------------------------------------------------------- the secret stays secret


def test_the_secret_is_nowhere_but_in_the_returned_value(store, clock, db_url, dump_database) -> None:  # type: ignore[no-untyped-def]
    new = store.create_token(Actor("alice"), "Power BI – laptop", "read_write", expires_at=clock.now + timedelta(days=30))
    secret_part = ts.parse(new.secret)[1]
    store.authenticate(new.secret)
    clock.advance(minutes=2)
    store.authenticate(new.secret)  # last-used written again
    store.revoke(Actor("alice"), new.info.id)

    everything = dump_database(store)
    assert new.info.id in everything  # the dump does see the token's row
    assert "$argon2id$" in everything  # … and its hash, which is all that is kept
    assert new.secret not in everything
    assert leaked(secret_part, everything) == []

    if store.dialect == "sqlite":
        # The file itself, with its write-ahead log: free pages keep old bytes too.
        raw = b"".join(p.read_bytes() for p in Path(db_url).parent.glob(Path(db_url).name + "*"))
        assert new.info.id.encode() in raw
        assert [p for p in pieces(secret_part) if p.encode() in raw] == []

    shown = " ".join(
        repr(x)
        for x in (
            new,
            new.info,
            store.get_token(Actor("alice"), new.info.id),
            store.list_tokens(Actor("alice"), include_revoked=True),
            store.audit_events(Actor("alice"), token_id=new.info.id),
            new.info.as_dict(),
        )
    )
    assert new.info.id in shown
    assert leaked(secret_part, shown) == []
    assert leaked(secret_part, str(new)) == []


def test_the_audit_trail_never_holds_the_secret(store) -> None:  # type: ignore[no-untyped-def]
    new = store.create_token(Actor("alice"), "Laptop", "read")
    store.revoke(Actor("alice"), new.info.id)
    events = store.audit_events(Actor("alice"), token_id=new.info.id)
    assert [e.action for e in events] == ["token.revoke", "token.create"]
    secret_part = ts.parse(new.secret)[1]
    for event in events:
        assert leaked(secret_part, repr(event)) == []


def test_no_error_message_repeats_a_secret_pasted_where_an_id_belongs(store) -> None:  # type: ignore[no-untyped-def]
    new = store.create_token(Actor("alice"), "Laptop", "read")
    secret_part = ts.parse(new.secret)[1]
    forged = ts.generate(new.info.id)[2]
    attempts = [
        lambda: store.get_token(Actor("alice"), new.secret),
        lambda: store.get_token(Actor("alice"), new.secret),
        lambda: store.get_token(Actor("alice"), secret_part),
        lambda: store.revoke(Actor("alice"), new.secret),
        lambda: store.revoke(Actor("alice"), secret_part),
        lambda: store.token_access(Actor("alice"), new.secret),
        lambda: store.authenticate(new.secret + "x"),
        lambda: store.authenticate(forged),
        lambda: store.create_token(Actor("alice"), "Laptop", "read"),
    ]
    for attempt in attempts:
        with pytest.raises(StoreError) as caught:
            attempt()
        message = str(caught.value)
        assert leaked(secret_part, message) == [], message
        assert leaked(ts.parse(forged)[1], message) == [], message
    assert store.get_token(Actor("alice"), new.info.id).revoked_at is None


def test_new_token_repr_hides_the_secret() -> None:
    _, _, secret = ts.generate()
    now = datetime.now(UTC)
    info = TokenInfo("abcdefABCDEF", "alice", "Laptop", Scope.READ, now, None, None, None, None)
    new = NewToken(info=info, secret=secret)
    assert secret not in repr(new)
    assert "abcdefABCDEF" in repr(new)


def test_token_info_has_no_field_for_a_secret_or_a_hash() -> None:
    names = {f.name for f in dataclasses.fields(TokenInfo)}
    assert not {n for n in names if "secret" in n or "hash" in n}, names
    now = datetime.now(UTC)
    info = TokenInfo("abcdefABCDEF", "alice", "Laptop", Scope.READ, now, None, None, None, None)
    assert not {k for k in info.as_dict() if "secret" in k or "hash" in k}


# ----------------------------------------------------------------------------- list and get


def test_list_is_newest_first(store, clock) -> None:  # type: ignore[no-untyped-def]
    made = []
    for label in ("Oldest", "Middle", "Newest"):
        made.append(store.create_token(Actor("alice"), label, "read").info)
        clock.advance(seconds=1)
    assert [t.label for t in store.list_tokens(Actor("alice"))] == ["Newest", "Middle", "Oldest"]


def test_list_hides_revoked_tokens_unless_asked(store, clock) -> None:  # type: ignore[no-untyped-def]
    keep = store.create_token(Actor("alice"), "Keep", "read")
    clock.advance(seconds=1)
    gone = store.create_token(Actor("alice"), "Gone", "read")
    store.revoke(Actor("alice"), gone.info.id)
    assert [t.id for t in store.list_tokens(Actor("alice"))] == [keep.info.id]
    listed = store.list_tokens(Actor("alice"), include_revoked=True)
    assert [t.id for t in listed] == [gone.info.id, keep.info.id]
    assert listed[0].revoked_at is not None and listed[0].revoked_by == "alice"


def test_list_shows_expired_tokens_as_expired(store, clock) -> None:  # type: ignore[no-untyped-def]
    new = store.create_token(Actor("alice"), "Laptop", "read", expires_at=clock.now + timedelta(days=1))
    clock.advance(days=2)
    [info] = store.list_tokens(Actor("alice"))
    assert info.id == new.info.id
    assert info.status(clock.now).value == "expired"
    assert not info.is_active(clock.now)


def test_list_shows_only_the_accounts_own_tokens(store) -> None:  # type: ignore[no-untyped-def]
    store.ensure_account("bob")
    store.create_token(Actor("bob"), "Bob's laptop", "read")
    mine = store.create_token(Actor("alice"), "Laptop", "read")
    assert store.list_tokens(Actor("alice")) == [mine.info]


def test_list_for_an_unknown_account_is_refused(store) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(UnknownAccount):
        store.list_tokens(Actor("nobody"))


def test_get_token_for_another_account_is_refused(store) -> None:  # type: ignore[no-untyped-def]
    store.ensure_account("bob")
    new = store.create_token(Actor("alice"), "Laptop", "read")
    assert store.get_token(Actor("alice"), new.info.id) == new.info
    with pytest.raises(TokenNotFound):
        store.get_token(Actor("bob"), new.info.id)


def test_an_administrator_may_read_any_token(store) -> None:  # type: ignore[no-untyped-def]
    store.ensure_account("root")
    store.set_admin(Actor("alice"), "root")
    new = store.create_token(Actor("alice"), "Laptop", "read")
    assert store.get_token(Actor("root"), new.info.id) == new.info


def test_get_token_with_an_unknown_id_is_refused_naming_the_id(store) -> None:  # type: ignore[no-untyped-def]
    missing = ts.new_token_id()
    with pytest.raises(TokenNotFound, match=missing):
        store.get_token(Actor("alice"), missing)
    with pytest.raises(TokenNotFound, match=missing):
        store.revoke(Actor("alice"), missing)


# ----------------------------------------------------------------------------- what an account can reach


def test_account_access_lists_each_granted_form_with_what_a_token_may_do(store, grant) -> None:  # type: ignore[no-untyped-def]
    survey = grant(store, {V, A, E}, database="Field Operations", form="Household survey")
    distributions = grant(store, {V}, database="Field Operations", form="Distributions")
    grant(store, set(), database="Field Operations", form="Staff records")
    visits = grant(store, {V, A, E, D}, database="Monitoring & Evaluation", form="Site visits")

    assert store.account_access(Actor("alice"), "read_write") == [
        FormAccess(distributions, "Field Operations", "Distributions", frozenset({V}), frozenset({V})),
        FormAccess(survey, "Field Operations", "Household survey", frozenset({V, A, E}), frozenset({V, A, E})),
        FormAccess(visits, "Monitoring & Evaluation", "Site visits", frozenset({V, A, E, D}), frozenset({V, A, E, D})),
    ]
    assert [(a.form, a.effective) for a in store.account_access(Actor("alice"), Scope.READ)] == [
        ("Distributions", frozenset({V})),
        ("Household survey", frozenset({V})),
        ("Site visits", frozenset({V})),
    ]


def test_account_access_is_per_account(store, grant) -> None:  # type: ignore[no-untyped-def]
    store.ensure_account("bob")
    grant(store, {V, E}, account="bob")
    assert store.account_access(Actor("alice")) == []
    assert [a.granted for a in store.account_access(Actor("bob"))] == [frozenset({V, E})]


def test_token_access_follows_the_tokens_scope(store, grant) -> None:  # type: ignore[no-untyped-def]
    form_id = grant(store, {V, A, E})
    reader = store.create_token(Actor("alice"), "Reader", "read")
    writer = store.create_token(Actor("alice"), "Writer", "read_write")
    assert [(a.form_id, a.effective) for a in store.token_access(Actor("alice"), reader.info.id)] == [(form_id, frozenset({V}))]
    assert [(a.form_id, a.effective) for a in store.token_access(Actor("alice"), writer.info.id)] == [(form_id, frozenset({V, A, E}))]


# ----------------------------------------------------------------------------- accounts and the demo


def test_ensure_account_creates_once_and_trims(store) -> None:  # type: ignore[no-untyped-def]
    assert store.ensure_account("  bob ") == "bob"
    assert store.ensure_account("bob") == "bob"
    store.create_token(Actor("bob"), "Laptop", "read")
    assert len(store.list_tokens(Actor("bob"))) == 1


def test_unusable_account_names_are_refused(store) -> None:  # type: ignore[no-untyped-def]
    for name in ["", "   ", "two words", "tab\tname", "esc\x1b", "x" * 101]:
        with pytest.raises(InvalidInput):
            store.ensure_account(name)
    with pytest.raises(UnknownAccount):
        store.list_tokens(Actor("two words"))


def _table_counts(s) -> dict[str, int]:  # type: ignore[no-untyped-def]
    from sqlalchemy import text

    with s._engine.connect() as connection:
        return {
            table: connection.execute(text(f'SELECT COUNT(*) FROM "{table}"')).scalar_one()
            for table in ("account", "database", "form", "grant", "token", "audit_event")
        }


def test_the_demo_shows_that_a_token_can_only_limit(store) -> None:  # type: ignore[no-untyped-def]
    added = store.seed_demo(Actor("alice"))
    assert len(added) >= 3
    tokens = store.list_tokens(Actor("alice"), include_revoked=True)
    assert {t.label for t in tokens} == set(added)
    assert {t.scope for t in tokens} == {Scope.READ, Scope.READ_WRITE}
    assert any(t.revoked_at is not None for t in tokens)

    access = store.account_access(Actor("alice"), Scope.READ_WRITE)
    assert len({a.database for a in access}) >= 2
    assert any(E in a.granted for a in access), "one form the account can edit"
    assert any(a.granted == {V} for a in access), "one form the account can only view"
    assert all(a.effective == {V} for a in store.account_access(Actor("alice"), Scope.READ))


def test_the_demo_is_idempotent(store) -> None:  # type: ignore[no-untyped-def]
    store.seed_demo(Actor("alice"))
    before = _table_counts(store)
    listed = store.list_tokens(Actor("alice"), include_revoked=True)
    assert store.seed_demo(Actor("alice")) == []
    assert _table_counts(store) == before
    assert store.list_tokens(Actor("alice"), include_revoked=True) == listed


def test_the_demo_keeps_labels_unique_among_active_tokens(store) -> None:  # type: ignore[no-untyped-def]
    mine = store.create_token(Actor("alice"), "backup job – nas", "read")
    store.seed_demo(Actor("alice"))
    active = [t for t in store.list_tokens(Actor("alice")) if t.is_active()]
    assert [t.id for t in active if t.label.casefold() == "backup job – nas"] == [mine.info.id]
    assert len({t.label.casefold() for t in active}) == len(active)


def test_token_access_answers_only_the_owner_when_asked_for_one(store) -> None:  # type: ignore[no-untyped-def]
    from store import TokenNotFound

    store.ensure_account("bob")
    new = store.create_token(Actor("alice"), "Laptop", "read")
    assert store.token_access(Actor("alice"), new.info.id) == store.account_access(Actor("alice"), "read")
    with pytest.raises(TokenNotFound):
        store.token_access(Actor("bob"), new.info.id)


def test_asking_whether_an_account_exists_creates_nothing(store) -> None:  # type: ignore[no-untyped-def]
    assert store.has_account("alice")
    assert not store.has_account("nobody")
    assert not store.has_account("nobody")

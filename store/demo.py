"""A small, realistic data set so a newcomer sees the "a token can only limit" rule at work."""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING

from sqlmodel import select

from . import tokenstring
from .models import Token
from .types import Action, Scope

if TYPE_CHECKING:
    from .store import TokenStore

V, A, E, D = Action.VIEW, Action.ADD, Action.EDIT, Action.DELETE

#: (database, form, what the account may do there). "Staff records" is granted nothing.
FORMS = (
    ("Field Operations", "Household survey", {V, A, E}),
    ("Field Operations", "Distributions", {V}),
    ("Field Operations", "Staff records", set()),
    ("Monitoring & Evaluation", "Site visits", {V, A, E, D}),
    ("Monitoring & Evaluation", "Indicators", {V}),
)

#: (label, scope, created days ago, expires in days or None, last used minutes ago or None, revoked days ago)
TOKENS = (
    ("Power BI – office laptop", Scope.READ, 40, 50, 120, None),
    ("Sync script – field server", Scope.READ_WRITE, 10, 5, 3, None),
    ("Backup job – NAS", Scope.READ_WRITE, 2, None, None, None),
    ("Excel – home PC", Scope.READ, 120, None, 60 * 24 * 31, 30),
)


def seed(store: TokenStore, account: str) -> list[str]:
    now = store._now()
    added: list[str] = []
    # Argon2 first, outside the transaction; the secrets are thrown away.
    hashes = [store._hasher.hash(tokenstring.generate()[1]) for _ in TOKENS]
    with store._tx(write=True) as session:
        owner = store._account(session, account, lock=True)
        for database, form, actions in FORMS:
            form_id = store._add_form(session, database, form)
            store._set_grant(session, owner.id, form_id, set(actions))  # type: ignore[arg-type]
        # Labels compare ignoring case, as create_token does, so the demo never adds a second
        # active token under a label the account already uses.
        have = {label.casefold() for label in session.exec(select(Token.label).where(Token.account_id == owner.id))}
        for (label, scope, age, expires_in, used_ago, revoked_ago), secret_hash in zip(TOKENS, hashes, strict=True):
            if label.casefold() in have:
                continue
            token_id = tokenstring.new_token_id()
            created = now - timedelta(days=age)
            session.add(
                Token(
                    id=token_id,
                    account_id=owner.id,  # type: ignore[arg-type]
                    label=label,
                    scope=scope.value,
                    secret_hash=secret_hash,
                    created_at=created,
                    expires_at=now + timedelta(days=expires_in) if expires_in is not None else None,
                    last_used_at=now - timedelta(minutes=used_ago) if used_ago is not None else None,
                    revoked_at=now - timedelta(days=revoked_ago) if revoked_ago is not None else None,
                    revoked_by_id=owner.id if revoked_ago is not None else None,
                )
            )
            session.flush()
            store._audit(session, owner.id, "token.create", token_id, label=label, scope=scope.value, demo=True)
            if revoked_ago is not None:
                store._audit(session, owner.id, "token.revoke", token_id, label=label, demo=True)
            added.append(label)
    return added

"""A small, realistic data set so a newcomer sees the "a token can only limit" rule at work.

Built through the store's public API only.
"""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING

from .types import Action, Actor, Scope, TokenSeed
from .validation import label_key

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

#: Days of use (``store/usage.py``), newest day rightmost: office days, every day since created.
OFFICE_DAYS = int("0011111" * 5, 2) & ((1 << 30) - 1)
EVERY_DAY_FOR_10 = (1 << 10) - 1

#: (label, scope, created days ago, expires in days or None, last used minutes ago or None, revoked
#: days ago, days of use)
TOKENS = (
    ("Power BI – office laptop", Scope.READ, 40, 50, 120, None, OFFICE_DAYS),
    ("Sync script – field server", Scope.READ_WRITE, 10, 5, 3, None, EVERY_DAY_FOR_10),
    ("Backup job – NAS", Scope.READ_WRITE, 2, None, None, None, 0),
    ("Excel – home PC", Scope.READ, 120, None, 60 * 24 * 31, 30, 0),
)


def seed_demo(db: TokenStore, actor: Actor) -> list[str]:
    """Fill in demo forms, grants and tokens for the actor's account (an administrator: it sets
    grants); safe to run again. Returns the labels added."""
    for database, form, actions in FORMS:
        db.set_grant(actor, actor.account, db.add_form(actor, database, form), actions)
    # Labels compare as create_token compares them, so the demo never adds a second token under a
    # label the account already uses.
    have = {label_key(t.label) for t in db.list_tokens(actor, include_revoked=True)}
    now = db.now()
    seeds = [
        TokenSeed(
            label=label,
            scope=scope,
            created_at=now - timedelta(days=age),
            expires_at=now + timedelta(days=expires_in) if expires_in is not None else None,
            last_used_at=now - timedelta(minutes=used_ago) if used_ago is not None else None,
            revoked_at=now - timedelta(days=revoked_ago) if revoked_ago is not None else None,
            usage_days=usage,
        )
        for label, scope, age, expires_in, used_ago, revoked_ago, usage in TOKENS
        if label_key(label) not in have
    ]
    return [t.label for t in db.seed_tokens(actor, seeds)] if seeds else []

"""The one place that decides who may see, create and revoke what.

A token is visible to its owner and to administrators; to anyone else it reads as no token at
all, whether or not the asker exists.
"""

from __future__ import annotations

from sqlmodel import Session, select

from .models import Account


def may_see(session: Session, owner: str, account: str | None) -> bool:
    """Whether ``account`` may see a token of ``owner`` (no account: the caller is trusted)."""
    if account is None or account == owner:
        return True
    viewer = session.exec(select(Account).where(Account.name == account)).first()
    return viewer is not None and viewer.is_admin


def may_revoke(actor: Account, owner_id: int) -> bool:
    """An account revokes its own tokens; an administrator anyone's."""
    return owner_id == actor.id or actor.is_admin

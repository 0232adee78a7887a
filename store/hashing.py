"""Argon2id parameters. Only the hash of a secret is ever stored."""

from __future__ import annotations

import os

from argon2 import PasswordHasher, Type, profiles

ENV_PROFILE = "TOKENS_ARGON2_PROFILE"

#: OWASP's minimum for Argon2id (m=19 MiB, t=2, p=1): the default.
OWASP = profiles.Parameters(
    type=Type.ID, version=19, salt_len=16, hash_len=32, time_cost=2, memory_cost=19 * 1024, parallelism=1
)

PROFILES = {
    "OWASP": OWASP,
    "RFC_9106_LOW_MEMORY": profiles.RFC_9106_LOW_MEMORY,
    "RFC_9106_HIGH_MEMORY": profiles.RFC_9106_HIGH_MEMORY,
    # For tests only: fast, and far too weak for real secrets.
    "CHEAPEST": profiles.CHEAPEST,
}


def hasher_from_profile(name: str | None = None) -> PasswordHasher:
    """A hasher for the named profile (``$TOKENS_ARGON2_PROFILE``, default ``OWASP``).

    Verification reads the parameters from each stored hash, so changing the profile only
    changes how new tokens are hashed.
    """
    from .errors import InvalidInput

    name = (name or os.environ.get(ENV_PROFILE) or "OWASP").strip().upper()
    try:
        return PasswordHasher.from_parameters(PROFILES[name])
    except KeyError:
        raise InvalidInput(
            f"unknown Argon2 profile {name!r}: use one of {', '.join(sorted(PROFILES))}"
        ) from None

"""Argon2id parameters. Only the hash of a secret is ever stored."""

from __future__ import annotations

import os

from argon2 import PasswordHasher, Type, profiles

ENV_PROFILE = "TOKENS_ARGON2_PROFILE"
#: Set to 1 to allow the ``CHEAPEST`` profile, which only a test suite should ever use.
ENV_ALLOW_INSECURE = "TOKENS_ALLOW_INSECURE_HASHING"

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
    if name not in PROFILES:
        offered = ", ".join(sorted(p for p in PROFILES if p != "CHEAPEST"))
        raise InvalidInput(f"unknown Argon2 profile {name!r} in {ENV_PROFILE}: use one of {offered}")
    if name == "CHEAPEST" and os.environ.get(ENV_ALLOW_INSECURE) != "1":
        # A secret hashed this way falls to a brute-force search in moments; refuse it rather
        # than let a setting copied from a test run protect real tokens.
        raise InvalidInput(
            f"{ENV_PROFILE}=CHEAPEST is for tests only and too weak for real secrets: "
            f"unset it (the default is OWASP's minimum), or set {ENV_ALLOW_INSECURE}=1 in a test suite"
        )
    return PasswordHasher.from_parameters(PROFILES[name])

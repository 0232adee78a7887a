"""Argon2 profiles: the weak one is for test suites only."""

from __future__ import annotations

import pytest

from store import InvalidInput
from store.hashing import hasher_from_profile


def test_the_cheapest_profile_is_refused_without_the_test_switch(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.delenv("TOKENS_ALLOW_INSECURE_HASHING", raising=False)
    monkeypatch.setenv("TOKENS_ARGON2_PROFILE", "cheapest")
    with pytest.raises(InvalidInput, match="for tests only"):
        hasher_from_profile()


@pytest.mark.parametrize("switch", ["0", "", "yes"])
def test_only_the_exact_switch_allows_it(monkeypatch, switch: str) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("TOKENS_ALLOW_INSECURE_HASHING", switch)
    with pytest.raises(InvalidInput, match="for tests only"):
        hasher_from_profile("CHEAPEST")


def test_with_the_switch_the_cheapest_profile_works(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("TOKENS_ALLOW_INSECURE_HASHING", "1")
    hasher = hasher_from_profile("CHEAPEST")
    assert hasher.verify(hasher.hash("s"), "s")


def test_an_unknown_profile_names_the_ones_to_use(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("TOKENS_ARGON2_PROFILE", "FAST")
    with pytest.raises(InvalidInput, match="OWASP, RFC_9106_HIGH_MEMORY, RFC_9106_LOW_MEMORY$"):
        hasher_from_profile()


def test_the_default_is_owasps_minimum(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.delenv("TOKENS_ARGON2_PROFILE", raising=False)
    hasher = hasher_from_profile()
    assert (hasher.memory_cost, hasher.time_cost, hasher.parallelism) == (19 * 1024, 2, 1)

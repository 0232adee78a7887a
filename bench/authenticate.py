"""How fast is ``TokenStore.authenticate``? Prints JSON.

One run, one database holding ``--tokens`` tokens (10,000 by default), five measurements:

``row_read``          a primary-key read of the token row through the store's own engine (a
                      connection from its pool and a Core ``select``), nothing else
``raw_row_read``      the barest baseline: the same read on a DBAPI connection from the same
                      engine's pool, the way authenticate reads (no result processing)
``warm``              authenticate a token this process has already verified (cache warm)
``first_seen``        authenticate a token this process has not verified yet: one Argon2 verify with
                      the store's default parameters (a second store with its cache turned off)
``malformed``         authenticate a string with a bad checksum (refused before any database read)
``argon2_every_call`` what the cache saves: the row read plus an Argon2 verify on every call

For each: calls per second, p50 and p99 latency in microseconds, and the number of calls. Then the
two ratios the store is held to: warm ≤ 2× the bare row read (judged against the stricter,
raw one), and warm ≥ 500× faster than Argon2 on every call.

    python bench/authenticate.py                      # a temporary SQLite file
    python bench/authenticate.py --db postgresql+psycopg://user@host/db   # an empty database

Filler rows are inserted in bulk through SQLAlchemy Core with a fixed, never-verified hash; only
the tokens that are presented are created through the store, with real Argon2id hashes.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import platform
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

# Nothing below may run with a weakened test profile: measure the parameters users get.
os.environ.pop("TOKENS_ARGON2_PROFILE", None)

from sqlalchemy import func, insert, select  # noqa: E402

from store import Actor, InvalidToken, TokenStore, tokenstring  # noqa: E402
from store.hashing import hasher_from_profile  # noqa: E402
from store.models import Account, Token  # noqa: E402

BENCH_ACCOUNTS = 100
#: Never verified: the filler rows exist only so that the index has a realistic size.
FILLER_HASH = "$argon2id$v=19$m=19456,t=2,p=1$ZmlsbGVyLXNhbHQtMTY$ZmlsbGVyLWhhc2gtZmlsbGVyLWhhc2gtZmlsbGVyIQ"


def seed(store: TokenStore, count: int) -> tuple[str, str]:
    """Fill the store with ``count`` tokens; return (warm token, first-seen token)."""
    engine = store._engine
    now = datetime.now(UTC)
    with engine.begin() as connection:
        if connection.execute(select(func.count()).select_from(Token)).scalar_one():
            raise SystemExit("bench: the database already holds tokens; give an empty one")
        connection.execute(
            insert(Account),
            [{"name": f"bench-{i:03d}", "is_admin": False, "created_at": now} for i in range(BENCH_ACCOUNTS)],
        )
        account_ids = connection.execute(select(Account.id).order_by(Account.id)).scalars().all()
    presented = []
    for label in ("warm", "first seen"):
        presented.append(store.create_token(Actor("bench-000"), f"bench {label}", "read_write").secret)
    rows = []
    for i in range(count - len(presented)):
        rows.append(
            {
                "id": tokenstring.new_token_id(),
                "account_id": account_ids[i % len(account_ids)],
                "label": f"filler {i}",
                "scope": "read" if i % 3 else "read_write",
                "secret_hash": FILLER_HASH,
                "created_at": now - timedelta(minutes=i),
                "expires_at": None if i % 4 else now + timedelta(days=90),
                "last_used_at": None,
                "revoked_at": None,
                "revoked_by_id": None,
            }
        )
    with store._write_engine.begin() as connection:
        for start in range(0, len(rows), 2000):
            connection.execute(insert(Token), rows[start : start + 2000])
    with engine.connect() as connection:
        total = connection.execute(select(func.count()).select_from(Token)).scalar_one()
    assert total == count, total
    return presented[0], presented[1]


def measure(
    scenarios: dict[str, Callable[[], object]], *, warmup: int, calls: int, budget: float, rounds: int = 20
) -> dict[str, dict[str, Any]]:
    """Time each scenario ``calls`` times, or for about ``budget`` seconds in all, whichever ends first.

    The scenarios take turns in ``rounds`` short blocks, so that a drift of the machine (another
    process, a CPU clock change) touches all of them alike instead of favouring whichever ran last.
    """
    clock = time.perf_counter_ns
    for call in scenarios.values():
        for _ in range(warmup):
            call()
    gc.collect()
    timings: dict[str, list[int]] = {name: [] for name in scenarios}
    spent: dict[str, int] = dict.fromkeys(scenarios, 0)
    block = max(1, calls // rounds)
    deadline = clock() + int(budget * 1e9)
    while any(len(t) < calls for t in timings.values()) and clock() < deadline:
        for name, call in scenarios.items():
            mine = timings[name]
            started = clock()
            for _ in range(min(block, calls - len(mine))):
                before = clock()
                call()
                mine.append(clock() - before)
            spent[name] += clock() - started
    return {name: _summary(timings[name], spent[name]) for name in scenarios}


def _summary(timings: list[int], spent_ns: int) -> dict[str, Any]:
    timings = sorted(timings)

    def percentile(q: float) -> float:
        # Nearest rank.
        return timings[min(len(timings) - 1, max(0, round(q * len(timings)) - 1))] / 1000

    return {
        "calls": len(timings),
        "calls_per_second": round(len(timings) / (spent_ns / 1e9), 1),
        "p50_us": round(percentile(0.50), 1),
        "p99_us": round(percentile(0.99), 1),
    }


def run(db: str, count: int, fast_calls: int, slow_calls: int, budget: float) -> dict[str, Any]:
    hasher = hasher_from_profile()
    seed_started = time.perf_counter()
    store = TokenStore(db, hasher=hasher)
    cold_store = TokenStore(db, hasher=hasher, cache_size=0)
    try:
        warm_token, first_seen_token = seed(store, count)
        seed_seconds = time.perf_counter() - seed_started
        warm_id, warm_secret = tokenstring.parse(warm_token)
        malformed = warm_token[:-1] + ("a" if warm_token[-1] != "a" else "b")
        row_select = store._authn.row_select

        def row_read() -> object:
            with store._engine.connect() as connection:
                return connection.execute(row_select, {"token_id": warm_id}).first()

        raw_sql = str(row_select.compile(dialect=store._engine.dialect))
        raw_positional = row_select.compile(dialect=store._engine.dialect).positional

        def raw_row_read() -> object:
            connection = store._engine.raw_connection()
            try:
                cursor = connection.cursor()
                cursor.execute(raw_sql, (warm_id,) if raw_positional else {"token_id": warm_id})
                row = cursor.fetchone()
                cursor.close()
                return row
            finally:
                connection.close()

        def warm() -> object:
            return store.authenticate(warm_token)

        def first_seen() -> object:
            return cold_store.authenticate(first_seen_token)

        def refused() -> object:
            try:
                store.authenticate(malformed)
            except InvalidToken:
                return None
            raise AssertionError("a malformed token was accepted")

        def argon2_every_call() -> object:
            row = row_read()
            return hasher.verify(row[2], warm_secret)  # type: ignore[index]

        results = measure(
            {"row_read": row_read, "raw_row_read": raw_row_read, "warm": warm, "malformed": refused},
            warmup=500, calls=fast_calls, budget=budget,
        )
        results |= measure(
            {"first_seen": first_seen, "argon2_every_call": argon2_every_call},
            warmup=3, calls=slow_calls, budget=budget, rounds=10,
        )
        dialect = store.dialect
        server = _server_version(store)
        location = store.location
    finally:
        store.close()
        cold_store.close()

    warm_p50 = results["warm"]["p50_us"]
    ratios = {
        "warm_vs_row_read_p50": round(warm_p50 / results["row_read"]["p50_us"], 2),
        "warm_vs_raw_row_read_p50": round(warm_p50 / results["raw_row_read"]["p50_us"], 2),
        "warm_vs_row_read_throughput": round(
            results["row_read"]["calls_per_second"] / results["warm"]["calls_per_second"], 2
        ),
        "argon2_every_call_vs_warm_p50": round(results["argon2_every_call"]["p50_us"] / warm_p50, 1),
        "argon2_every_call_vs_warm_throughput": round(
            results["warm"]["calls_per_second"] / results["argon2_every_call"]["calls_per_second"], 1
        ),
    }
    return {
        "database": {"dialect": dialect, "server": server, "location": location, "tokens": count},
        "argon2": {
            "type": hasher.type.name.lower(),
            "memory_kib": hasher.memory_cost,
            "time_cost": hasher.time_cost,
            "parallelism": hasher.parallelism,
        },
        "platform": {
            "python": platform.python_version(),
            "machine": platform.machine(),
            "cpus": os.cpu_count(),
        },
        "seed_seconds": round(seed_seconds, 2),
        "results": results,
        "ratios": ratios,
        "goals": {
            "warm_within_2x_of_bare_row_read": ratios["warm_vs_raw_row_read_p50"] <= 2,
            "warm_500x_faster_than_argon2_every_call": ratios["argon2_every_call_vs_warm_p50"] >= 500,
        },
    }


def _server_version(store: TokenStore) -> str:
    with store._engine.connect() as connection:
        if store.dialect == "sqlite":
            return "SQLite " + connection.exec_driver_sql("select sqlite_version()").scalar_one()
        return connection.exec_driver_sql("show server_version").scalar_one()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", metavar="URL", help="an empty database (default: a temporary SQLite file)")
    parser.add_argument("--tokens", type=int, default=10_000, help="tokens in the table (default 10000)")
    parser.add_argument("--calls", type=int, default=20_000, help="calls per fast measurement (default 20000)")
    parser.add_argument("--slow-calls", type=int, default=100,
                        help="calls per Argon2 measurement (default 100)")
    parser.add_argument("--budget", type=float, default=15.0,
                        help="seconds at most for the fast measurements, and again for the slow ones (default 15)")
    args = parser.parse_args(argv)
    if args.tokens < 2:
        parser.error("--tokens must be at least 2")
    if args.db:
        report = run(args.db, args.tokens, args.calls, args.slow_calls, args.budget)
    else:
        with tempfile.TemporaryDirectory(prefix="tokens-bench-") as directory:
            report = run(str(Path(directory) / "bench.db"), args.tokens, args.calls, args.slow_calls, args.budget)
        report["database"]["location"] = "a temporary file"
    json.dump(report, sys.stdout, indent=2)
    sys.stdout.write("\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())

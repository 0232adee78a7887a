"""Administrators at scale: what the store and the command line cost at 100,000 tokens.

Prints JSON. Goals (issue 6, "Fast at 100,000 tokens"):
- create_token (Argon2 excluded: the cheapest parameters) at 100k tokens in the account ≤ 1.2× its
  cost at 1k;
- list_all_tokens, first page and filtered by account or by label, over 100k tokens in 1,000
  accounts ≤ 1.5× the same over 1k tokens in 10 accounts (100 tokens an account in both);
- ``tokens list --json`` of 10k tokens within 2× of a raw sqlite3 fetch of the same rows plus the
  interpreter's start-up.

Seeds through Core in bulk; runs in about half a minute. The two sizes (and the command line and its
raw baseline) are measured in turn, call by call, so that load from elsewhere on the machine moves
both sides of a ratio alike.  Usage: python bench/admin_scale.py [--only cli_list] [WORKDIR]
(``--only cli_list`` measures the command line alone, in a few seconds.)
"""

from __future__ import annotations

import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from argon2 import PasswordHasher, profiles  # noqa: E402
from report import emit, machine  # noqa: E402

from store import Actor, TokenStore, label_key, tokenstring, utcnow  # noqa: E402
from store.models import Account, Token  # noqa: E402

CHEAPEST = PasswordHasher.from_parameters(profiles.CHEAPEST)
FILLER_HASH = "$argon2id$v=19$m=8,t=1,p=1$c2FsdHNhbHRzYWx0$aGFzaGhhc2hoYXNoaGFzaA"
WORDS = ("laptop", "server", "phone", "NAS", "Power BI", "sync", "backup", "Excel")


def seed(path: Path, accounts: int, per_account: int) -> TokenStore:
    """A fresh database: ``admin`` (the administrator) and ``accounts`` accounts of ``per_account`` tokens."""
    from sqlalchemy import insert, select

    store = TokenStore(path, hasher=CHEAPEST)
    store.ensure_account("admin")
    now = utcnow()
    rng = random.Random(6)
    with store._write_engine.begin() as connection:
        connection.execute(
            insert(Account.__table__),  # type: ignore[attr-defined]
            [{"name": f"user{i:04d}", "is_admin": False, "created_at": now} for i in range(accounts)],
        )
        ids = connection.execute(select(Account.__table__.c.id).where(Account.__table__.c.name != "admin")).scalars().all()  # type: ignore[attr-defined]
        rows = []
        for n in range(accounts * per_account):
            label = f"{rng.choice(WORDS)} {n:06d}"
            created = now - timedelta(minutes=n + 1)
            rows.append({
                "id": tokenstring.new_token_id(), "account_id": ids[n % len(ids)], "label": label,
                "label_key": label_key(label), "scope": "read" if n % 2 else "read_write",
                "secret_hash": FILLER_HASH, "created_at": created,
                "expires_at": None if n % 3 else created + timedelta(days=365),
                "last_used_at": None if n % 4 == 0 else now - timedelta(minutes=rng.randint(1, 90_000)),
                "revoked_at": None, "revoked_by_id": None,
            })
            if len(rows) == 5000:
                connection.execute(insert(Token.__table__), rows)  # type: ignore[attr-defined]
                rows = []
        if rows:
            connection.execute(insert(Token.__table__), rows)  # type: ignore[attr-defined]
    return store


def timed_pair(small, large, repeat: int) -> tuple[float, float]:  # type: ignore[no-untyped-def]
    """Median milliseconds of ``repeat`` calls of each, after one warm-up each. The two are
    called in turn, so that a burst of load from elsewhere on the machine lands on both rather
    than on whichever happened to run during it: the ratio is what the goals are about."""
    small()
    large()
    values: tuple[list[float], list[float]] = ([], [])
    for _ in range(repeat):
        for call, into in ((small, values[0]), (large, values[1])):
            started = time.perf_counter()
            call()
            into.append((time.perf_counter() - started) * 1000)
    return round(statistics.median(values[0]), 3), round(statistics.median(values[1]), 3)


def create_costs(work: Path) -> tuple[float, float]:
    """``create_token`` at 1k and at 100k tokens in the account."""
    stores = seed(work / "create-1k.db", 1, 1_000), seed(work / "create-100k.db", 1, 100_000)
    actor = Actor("user0000")
    counter = iter(range(10**6))
    try:
        small, large = (lambda s=s: s.create_token(actor, f"bench new {next(counter)}", "read") for s in stores)
        return timed_pair(small, large, 40)
    finally:
        for store in stores:
            store.close()


def listing_costs(work: Path) -> tuple[dict[str, float], dict[str, float]]:
    """The All tokens view's queries over 1k tokens in 10 accounts and 100k in 1,000."""
    stores = {accounts: seed(work / f"list-{accounts}.db", accounts, 100) for accounts in (10, 1_000)}
    admin = Actor("admin")
    queries = {
        "first_page_ms": (lambda store, accounts: store.list_all_tokens(admin), 20),
        "by_account_ms": (lambda store, accounts: store.list_all_tokens(admin, account=f"user{accounts // 2:04d}"), 20),
        "by_label_common_ms": (lambda store, accounts: store.list_all_tokens(admin, label_contains="laptop"), 20),
        "by_label_rare_ms": (lambda store, accounts: store.list_all_tokens(admin, label_contains="000042"), 20),
        "count_all_ms": (lambda store, accounts: store.count_tokens(admin), 5),
    }
    small: dict[str, float] = {}
    large: dict[str, float] = {}
    try:
        for key, (query, repeat) in queries.items():
            small[key], large[key] = timed_pair(
                *(lambda store=store, accounts=accounts: query(store, accounts) for accounts, store in stores.items()),
                repeat,
            )
        return small, large
    finally:
        for store in stores.values():
            store.close()


def cli_list(work: Path) -> dict[str, float]:
    path = work / "cli-10k.db"
    seed(path, 1, 10_000).close()
    env = {**os.environ, "LOGNAME": "user0000"}
    # Measure what people get: Python caches the compiled modules, so from the second run on
    # nothing is compiled. With this set, every run would compile the command line's modules again
    # (the raw fetch has none to compile), and the comparison would measure that.
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    program = str(Path(sys.executable).with_name("tokens"))
    raw = (
        "import sqlite3, sys; c = sqlite3.connect(sys.argv[1]); "
        "c.execute('SELECT t.id, a.name, t.label, t.scope, t.created_at, t.expires_at, t.last_used_at, t.revoked_at "
        "FROM token t JOIN account a ON a.id = t.account_id WHERE a.name = ? AND t.revoked_at IS NULL "
        "ORDER BY t.created_at DESC', ('user0000',)).fetchall()"
    )

    commands = {
        "tokens": [program, "--db", str(path), "list", "--json"],
        "raw": [sys.executable, "-c", raw, str(path)],
        "bare": [sys.executable, "-c", "pass"],
    }
    values: dict[str, list[float]] = {name: [] for name in commands}
    for round_ in range(10):  # in turn, so that load from elsewhere lands on all three alike
        for name, argv in commands.items():
            started = time.perf_counter()
            subprocess.run(argv, env=env, check=True, capture_output=True, timeout=120)
            if round_:  # the first round caches bytecode
                values[name].append((time.perf_counter() - started) * 1000)
    tokens_ms, raw_ms, bare_ms = (round(statistics.median(values[name]), 1) for name in commands)
    return {"tokens_list_json_ms": tokens_ms, "raw_sqlite3_fetch_ms": raw_ms, "bare_interpreter_ms": bare_ms,
            "ratio": round(tokens_ms / raw_ms, 2), "goal_ratio": 2.0}


def main() -> None:
    started = time.perf_counter()
    argv = sys.argv[1:]
    only = None
    if argv[:1] == ["--only"]:
        only, argv = argv[1], argv[2:]
        if only != "cli_list":
            sys.exit("--only takes cli_list")
    with tempfile.TemporaryDirectory(prefix="tokens-admin-bench-", dir=argv[0] if argv else None) as tmp:
        work = Path(tmp)
        if only == "cli_list":
            emit({"machine": machine(), "cli_list_json_10k": cli_list(work),
                  "seconds": round(time.perf_counter() - started, 1)})
            return
        create_1k, create_100k = create_costs(work)
        small, large = listing_costs(work)
        cli = cli_list(work)
    ratios = {key: round(large[key] / small[key], 2) for key in small}
    emit({
        "machine": machine(),
        "create_token_ms": {"at_1k": create_1k, "at_100k": create_100k, "ratio": round(create_100k / create_1k, 2),
                            "goal_ratio": 1.2, "argon2": "CHEAPEST"},
        "list_all_tokens": {"1k_tokens_10_accounts": small, "100k_tokens_1000_accounts": large,
                            "ratios": ratios, "goal_ratio": 1.5},
        "cli_list_json_10k": cli,
        "seconds": round(time.perf_counter() - started, 1),
    })


if __name__ == "__main__":
    main()

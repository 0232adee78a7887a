"""Several processes creating, listing, authenticating and revoking against one store. Prints JSON.

Each worker process acts as its own account and runs a fixed mix of operations until it has done
``--ops`` of them or ``--seconds`` have passed, whichever comes first:

    create 25 %   list 20 %   authenticate 45 % (its own tokens and other processes')   revoke 10 %

Every token a worker creates is published to the others, so a token is presented in one process
while another revokes it. At the end the report says, per backend:

``ops_per_second``       all operations of all processes over the wall-clock time of the run
``by_operation``         count and p50/p99 latency (ms) of each kind
``errors``               operations that failed in any unexpected way (must be 0)
``tokens_lost``          tokens a worker was told were created that the store does not list, or
                         whose revocation it does not show (must be 0)
``revoked_then_accepted`` authentications that began after the token's revoke had committed in
                         another (or the same) process and still succeeded (must be 0); all
                         processes share the system's monotonic clock

    python bench/stress.py                              # SQLite in a temporary folder
    python bench/stress.py --postgres postgresql+psycopg://postgres@127.0.0.1:5432/test
                                                        # and PostgreSQL, in a schema made and dropped here

Argon2id runs with the parameters users get (OWASP's minimum) unless ``--cheap`` is given.
"""

from __future__ import annotations

import argparse
import multiprocessing as mp
import os
import random
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any
from urllib.parse import quote

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.report import emit, machine  # noqa: E402

MIX = (("create", 25), ("list", 20), ("authenticate", 45), ("revoke", 10))


def _worker(url: str, index: int, ops: int, seconds: float, seed: int, shared, revoked, go, results) -> None:  # type: ignore[no-untyped-def]
    from store import Actor, InvalidToken, StoreError, TokenStore, tokenstring

    rng = random.Random(seed)
    account = f"stress{index}"
    store = TokenStore(url)
    store.ensure_account(account)
    mine: list[str] = []
    latencies: dict[str, list[float]] = {name: [] for name, _ in MIX}
    errors: list[str] = []
    created: list[tuple[str, str]] = []  # (token id, account)
    revokes: list[tuple[str, int]] = []  # (token id, monotonic ns when the revoke had committed)
    accepted: list[tuple[str, int]] = []  # (token id, monotonic ns when the authenticate began)
    refused: list[str] = []
    kinds = [name for name, weight in MIX for _ in range(weight)]
    go.wait()
    deadline = time.monotonic() + seconds
    for n in range(ops):
        if time.monotonic() > deadline:
            break
        kind = rng.choice(kinds) if mine else "create"
        began = time.perf_counter()
        try:
            if kind == "create":
                new = store.create_token(Actor(account), f"Stress {index}-{n}", rng.choice(["read", "read_write"]))
                mine.append(new.secret)
                shared.append(new.secret)
                created.append((new.info.id, account))
            elif kind == "list":
                store.list_tokens(Actor(account), include_revoked=True)
            elif kind == "authenticate":
                pool = list(shared)
                token = rng.choice(pool if pool and rng.random() < 0.6 else mine)
                started = time.monotonic_ns()
                try:
                    principal = store.authenticate(token)
                    accepted.append((principal.token_id, started))
                except InvalidToken:
                    # Judged at the end: the revoke may have committed a moment before its
                    # process could announce it.
                    refused.append(tokenstring.parse(token)[0])
            else:
                token = mine.pop(rng.randrange(len(mine)))
                token_id = tokenstring.parse(token)[0]
                store.revoke(Actor(account), token_id)
                committed = time.monotonic_ns()
                revoked[token_id] = committed
                revokes.append((token_id, committed))
        except StoreError as exc:
            errors.append(f"{kind}: {type(exc).__name__}: {exc}")
        except Exception as exc:  # noqa: BLE001 - counted, and the run goes on
            errors.append(f"{kind}: unexpected {type(exc).__name__}: {exc}")
        latencies[kind].append(time.perf_counter() - began)
    store.close()
    results.put({"latencies": latencies, "errors": errors, "created": created, "revokes": revokes, "accepted": accepted,
                 "refused": refused})


def _percentile(values: list[float], q: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def run(url: str, backend: str, processes: int, ops: int, seconds: float) -> dict[str, Any]:
    from store import Actor, TokenStore

    TokenStore(url).close()  # the schema, made once before the workers start
    context = mp.get_context("spawn")
    with context.Manager() as manager:
        shared = manager.list()
        revoked = manager.dict()
        go = manager.Event()
        results = manager.Queue()
        workers = [
            context.Process(target=_worker, args=(url, i, ops, seconds, 1000 + i, shared, revoked, go, results))
            for i in range(processes)
        ]
        for w in workers:
            w.start()
        time.sleep(1.0)  # let every worker open its store; the clock starts at "go"
        started = time.perf_counter()
        go.set()
        reports = [results.get(timeout=seconds + 120) for _ in workers]
        elapsed = time.perf_counter() - started
        for w in workers:
            w.join(timeout=30)

    latencies: dict[str, list[float]] = {name: [] for name, _ in MIX}
    errors: list[str] = []
    created: list[tuple[str, str]] = []
    revoke_at: dict[str, int] = {}
    accepted: list[tuple[str, int]] = []
    for report in reports:
        for name, values in report["latencies"].items():
            latencies[name].extend(values)
        errors += report["errors"]
        created += report["created"]
        revoke_at.update(dict(report["revokes"]))
        accepted += report["accepted"]
    for report in reports:
        errors += [f"authenticate refused a token never revoked: {tid}" for tid in report["refused"] if tid not in revoke_at]

    with TokenStore(url) as check:
        listed = {}
        for account in {a for _, a in created}:
            listed.update({t.id: t for t in check.list_tokens(Actor(account), include_revoked=True)})
    lost = [tid for tid, _ in created if tid not in listed]
    lost += [tid for tid in revoke_at if tid in listed and listed[tid].revoked_at is None]
    late = [tid for tid, began in accepted if tid in revoke_at and began > revoke_at[tid]]
    total = sum(len(v) for v in latencies.values())
    return {
        "backend": backend,
        "processes": processes,
        "ops_per_process_limit": ops,
        "seconds": round(elapsed, 2),
        "operations": total,
        "ops_per_second": round(total / elapsed, 1),
        "by_operation": {
            name: {
                "count": len(values),
                "p50_ms": round(statistics.median(values) * 1000, 2) if values else None,
                "p99_ms": round(_percentile(values, 0.99) * 1000, 2) if values else None,
            }
            for name, values in latencies.items()
        },
        "tokens_created": len(created),
        "tokens_revoked": len(revoke_at),
        "errors": len(errors),
        "error_samples": errors[:5],
        "tokens_lost": len(lost),
        "revoked_then_accepted": len(late),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--processes", type=int, default=4)
    parser.add_argument("--ops", type=int, default=150, help="operations per process at most")
    parser.add_argument("--seconds", type=float, default=60.0, help="time limit per backend")
    parser.add_argument("--postgres", metavar="URL", default=os.environ.get("TOKENS_TEST_POSTGRES_URL"),
                        help="also run on PostgreSQL (a schema is made for the run and dropped after)")
    parser.add_argument("--cheap", action="store_true", help="Argon2 at its cheapest, to stress the database alone")
    args = parser.parse_args()
    os.environ.pop("TOKENS_ARGON2_PROFILE", None)
    if args.cheap:
        os.environ["TOKENS_ARGON2_PROFILE"] = "CHEAPEST"
        os.environ["TOKENS_ALLOW_INSECURE_HASHING"] = "1"

    runs = []
    with tempfile.TemporaryDirectory(prefix="tokens-stress-") as folder:
        runs.append(run(str(Path(folder) / "tokens.db"), "sqlite", args.processes, args.ops, args.seconds))
    if args.postgres:
        from sqlalchemy import create_engine, text

        schema = f"stress_{uuid.uuid4().hex[:12]}"
        admin = create_engine(args.postgres)
        with admin.begin() as connection:
            connection.execute(text(f'CREATE SCHEMA "{schema}"'))
        separator = "&" if "?" in args.postgres else "?"
        try:
            url = f"{args.postgres}{separator}options={quote(f'-csearch_path={schema}')}"
            runs.append(run(url, "postgresql", args.processes, args.ops, args.seconds))
        finally:
            with admin.begin() as connection:
                connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
            admin.dispose()
    emit({
        "benchmark": "stress",
        "argon2": "CHEAPEST" if args.cheap else "OWASP (m=19 MiB, t=2, p=1)",
        "runs": runs,
        "machine": machine(),
    })
    if any(r["errors"] or r["tokens_lost"] or r["revoked_then_accepted"] for r in runs):
        sys.exit(1)


if __name__ == "__main__":
    main()

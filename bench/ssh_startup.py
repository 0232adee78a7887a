"""Start-up over SSH: from starting ``ssh -t`` to the token list on the screen, against a bare
Textual app of the same layout reached over the same SSH server.

A throwaway sshd (the one the end-to-end tests use, ``tests/ssh/sshd.py``: 127.0.0.1, its own host
key and configuration, ``AuthorizedKeysCommand`` → ``tokens ssh authorized-keys %t %k``) serves two
client keys: one stored with ``tokens ssh add-key`` (its forced command is ``tokens ssh session``),
and one whose forced command runs ``bench/bare_app.py``. Both connections pay the same handshake
and the same key lookup. Launches alternate, after one unmeasured warm-up of each, on a 100×30
pseudo-terminal this script opens (``startup.run_in_pty``):

* ``tokens``: until a label seeded for this purpose is on the screen (the list is visible);
* ``bare``: until its first frame (the header) is on the screen.

Goal: the list visible within 1.3× of the bare app's first paint. Needs root and OpenSSH's server
(as the end-to-end tests do). Usage: ``python bench/ssh_startup.py [-n 7]``; prints JSON.
"""

from __future__ import annotations

import argparse
import shlex
import shutil
import statistics
import subprocess
import sys
from pathlib import Path

from report import emit, machine  # bench/ is on the path when a script runs
from startup import ACCOUNT, NEEDLE, environment, run_in_pty, summary, tokens_command

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "tests" / "ssh"))
sys.path.insert(0, str(HERE.parent))

import sshd as throwaway  # noqa: E402

GOAL_RATIO = 1.3


def seed(db_path: Path) -> None:
    from store import Actor, Scope, TokenStore

    with TokenStore(db_path) as db:
        db.ensure_account(ACCOUNT)  # the first account: the administrator, who adds the key
        db.seed_demo(Actor(ACCOUNT))
        db.create_token(Actor(ACCOUNT), NEEDLE, Scope.READ)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", "--runs", type=int, default=7)
    options = parser.parse_args()
    why_not = throwaway.sshd_available()
    if why_not:
        sys.exit(f"ssh_startup.py: {why_not}")

    folder = throwaway.private_folder()
    server = None
    try:
        database = folder / "tokens.db"
        env = environment(folder / "xdg-data")
        seed(database)
        throwaway.keygen(folder / "user", "bench-user")
        bare_public = throwaway.keygen(folder / "bare", "bench-bare")
        added = subprocess.run(
            [tokens_command(), "--db", str(database), "ssh", "add-key", ACCOUNT, str(folder / "user.pub")],
            capture_output=True, text=True, env={**env, "USER": ACCOUNT, "LOGNAME": ACCOUNT},
        )
        if added.returncode != 0:
            sys.exit(f"ssh_startup.py: could not add the key: {added.stderr.strip()}")
        bare_command = f"{shlex.quote(sys.executable)} {shlex.quote(str(HERE / 'bare_app.py'))}"
        extra = f'command="{bare_command}",restrict,pty {" ".join(bare_public.split()[:2])}\n'
        server = throwaway.Sshd(folder, database, extra_keys=extra)
        server.start()
        real = server.ssh_command(folder / "user", tty=True)
        bare = server.ssh_command(folder / "bare", tty=True)

        run_in_pty(real, env, NEEDLE)  # warm-up: caches, the first connection's work
        run_in_pty(bare, env, None)
        list_visible, bare_paint, real_paint = [], [], []
        for _ in range(options.runs):
            marks = run_in_pty(real, env, NEEDLE)
            list_visible.append(marks["list_filled"])
            real_paint.append(marks["first_paint"])
            bare_paint.append(run_in_pty(bare, env, None)["first_paint"])
        server.wait_no_leftovers()
        ratio = statistics.median(list_visible) / statistics.median(bare_paint)
        emit({
            "benchmark": "ssh_startup",
            "method": "ssh -tt on a 100x30 pseudo-terminal; time from starting ssh to the text on screen",
            "runs": options.runs,
            "tokens_list_visible_ms": summary(list_visible),
            "tokens_first_paint_ms": summary(real_paint),
            "bare_first_paint_ms": summary(bare_paint),
            "ratio_list_visible_to_bare_paint_median": round(ratio, 2),
            "goal_ratio": GOAL_RATIO,
            "goal_met": ratio <= GOAL_RATIO,
            "processes_left": 0,
            "machine": machine(),
        })
    finally:
        if server is not None:
            server.stop()
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()

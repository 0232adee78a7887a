"""How long the app lives on after its terminal goes away (issue: within 2 seconds).

The real ``tokens`` runs on a pseudo-terminal that is its controlling terminal, as under sshd.
Once its list is drawn, the terminal goes away one of three ways — the master side is closed (a
dropped SSH connection: SIGHUP and then read errors), SIGHUP alone, or end of input on a terminal
that is not the controlling one — and the time until the process has ended is measured. Prints
JSON.  Usage: python bench/terminal_gone.py [RUNS]
"""

from __future__ import annotations

import os
import pty
import select
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from report import emit, machine  # noqa: E402

PROGRAM = str(Path(sys.executable).with_name("tokens"))
GOAL_S = 2.0


def _env() -> dict[str, str]:
    env = dict(os.environ, TERM="xterm-256color", COLUMNS="100", LINES="30", LOGNAME="alice")
    env.pop("TEXTUAL", None)
    return env


def _drain_until(fd: int, wanted: bytes, timeout: float = 60.0) -> None:
    seen, deadline = b"", time.monotonic() + timeout
    while time.monotonic() < deadline:
        if select.select([fd], [], [], 0.1)[0]:
            try:
                chunk = os.read(fd, 65536)
            except OSError:
                break
            if not chunk:
                break
            seen += chunk
            if wanted in seen:
                return
    raise RuntimeError(f"{wanted!r} never appeared")


def _ended(pid: int, timeout: float = 30.0) -> float:
    start = time.monotonic()
    while time.monotonic() - start < timeout:
        if os.waitpid(pid, os.WNOHANG)[0] == pid:
            return time.monotonic() - start
        time.sleep(0.005)
    os.kill(pid, signal.SIGKILL)
    os.waitpid(pid, 0)
    return float("inf")


def one(db: str, how: str) -> float:
    pid, master = pty.fork()
    if pid == 0:
        os.execve(PROGRAM, [PROGRAM, "--db", db], _env())
    try:
        _drain_until(master, b"Backup job")
        if how == "close":
            os.close(master)
            master = -1
        else:
            os.kill(pid, signal.SIGHUP)
        return _ended(pid)
    finally:
        if master >= 0:
            os.close(master)


def main() -> None:
    runs = int(sys.argv[1]) if len(sys.argv) > 1 else 5
    with tempfile.TemporaryDirectory(prefix="tokens-gone-") as tmp:
        os.chmod(tmp, 0o700)
        db = str(Path(tmp) / "tokens.db")
        subprocess.run([PROGRAM, "--db", db, "demo"], env=_env(), check=True, capture_output=True)
        results = {}
        for how in ("close", "sighup"):
            times = [one(db, how) for _ in range(runs)]
            results[how] = {"median_s": round(statistics.median(times), 3), "max_s": round(max(times), 3),
                            "runs": len(times), "within_goal": max(times) <= GOAL_S}
    emit({"machine": machine(), "goal_s": GOAL_S, "terminal_went_away": results,
          "note": "from the terminal going away until the process has ended"})


if __name__ == "__main__":
    main()

"""The administrators' app at scale: prints JSON.

Measures, on SQLite, with 1,000 accounts holding 1,000 and then 100,000 tokens (seeded through
Core, as ``admin_scale.py`` does):

- **All tokens ready**: from asking the All tokens section to read to its first page on screen
  (the app in ``run_test`` at 120×40, headless; median of several reads). Goal: at 100k ≤ 1.5× 1k.
- **Filter by account / by label**: from a changed filter to its matches on screen. Same goal.
- **Live change**: another store commits a new token; time until the open app's All tokens
  shows it. Goal ≤ 2 s.
- **Idle CPU**: the real ``tokens`` program in a pseudo-terminal on All tokens, nothing changing:
  its process CPU time over 10 s of wall time. Goal ≤ 1 %.

Run: ``python bench/admin_app.py`` (about two minutes).
"""

from __future__ import annotations

import asyncio
import os
import pty
import select
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from admin_scale import CHEAPEST, seed  # noqa: E402
from report import emit, machine  # noqa: E402

from store import Actor, TokenStore  # noqa: E402

ACCOUNTS = 1000
REPEAT = 7
IDLE_SECONDS = 10.0


async def _until(pilot, condition, timeout: float = 30.0) -> None:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise TimeoutError("the app never got there")
        await pilot.pause(0.001)


async def measure_app(path: Path) -> dict[str, float]:
    from tui.app import TokensApp

    app = TokensApp(db=str(path), login="admin")
    results: dict[str, float] = {}
    async with app.run_test(size=(120, 40)) as pilot:
        await _until(pilot, lambda: app.is_admin and "tokens" in app.sections)  # the store is open, the rights known
        started = time.perf_counter()
        await app.run_action("show_page('all')")
        await _until(pilot, lambda: "all" in app.sections and app.sections["all"].loaded)
        results["all_tokens_first_open_ms"] = (time.perf_counter() - started) * 1000
        screen = app.sections["all"]

        ready = []
        for _ in range(REPEAT):
            screen.loaded = False
            started = time.perf_counter()
            screen.read_again()
            await _until(pilot, lambda: screen.loaded and bool(screen.rows))
            ready.append((time.perf_counter() - started) * 1000)
            await _until(pilot, lambda: screen.count is not None)  # the count follows the page
        results["all_tokens_ready_ms"] = statistics.median(ready)

        for name, input_id, values, matches in (
            ("filter_by_account_ms", "#filter-account", [f"user{n:04d}" for n in (7, 123, 500, 871, 999, 42, 640)],
             lambda value, token: token.account == value),
            ("filter_by_label_ms", "#filter-label", ["backup 00", "server 00", "laptop 00", "sync 00", "nas 00", "excel 00", "phone 00"],
             lambda value, token: value.casefold() in token.label.casefold()),
        ):
            times = []
            field = screen.query_one(input_id)
            for value in values:
                field.value = value
                started = time.perf_counter()
                screen.apply_filters()  # what the pause in typing, or enter, does
                await _until(pilot, lambda: bool(screen.rows) and all(matches(value, t) for t in screen.rows))
                times.append((time.perf_counter() - started) * 1000)
                await _until(pilot, lambda: screen.count is not None)
            results[name] = statistics.median(times)
            field.value = ""
            screen.apply_filters()
            await _until(pilot, lambda: not screen.filters and bool(screen.rows))

        live = []
        with TokenStore(path, hasher=CHEAPEST) as other:
            for n in range(3):
                label = f"live change {n} {time.time_ns()}"
                other.create_token(Actor("admin"), label, "read")
                committed = time.perf_counter()
                await _until(pilot, lambda: any(t.label == label for t in screen.rows), timeout=10)
                live.append((time.perf_counter() - committed) * 1000)
        results["live_change_ms_max"] = max(live)
        results["live_change_ms_median"] = statistics.median(live)
    return results


def idle_cpu(path: Path) -> dict[str, float]:
    """CPU time of the real program in a pseudo-terminal, on All tokens, nothing changing."""
    program = shutil.which("tokens") or str(Path(sys.executable).with_name("tokens"))
    env = {**os.environ, "LOGNAME": "admin", "USER": "admin", "TERM": "xterm-256color", "COLUMNS": "120", "LINES": "40"}
    env.pop("TOKENS_DB", None)
    main, child = pty.openpty()
    import fcntl
    import struct
    import termios

    fcntl.ioctl(child, termios.TIOCSWINSZ, struct.pack("HHHH", 40, 120, 0, 0))
    process = subprocess.Popen([program, "--db", str(path)], stdin=child, stdout=child, stderr=child, env=env,
                               start_new_session=True)
    os.close(child)

    def drain(seconds: float) -> None:
        end = time.monotonic() + seconds
        while time.monotonic() < end:
            ready, _, _ = select.select([main], [], [], 0.1)
            if ready:
                try:
                    os.read(main, 65536)
                except OSError:
                    return

    def cpu_seconds() -> float:
        fields = Path(f"/proc/{process.pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    try:
        drain(6.0)  # start, open the store, first list
        for key in (b"\x10", b"go to all", b"\r"):  # ctrl+p, "go to all", enter
            os.write(main, key)
            drain(1.0)
        drain(3.0)
        before, started = cpu_seconds(), time.monotonic()
        drain(IDLE_SECONDS)
        used, wall = cpu_seconds() - before, time.monotonic() - started
    finally:
        process.terminate()
        try:
            process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        os.close(main)
    return {"idle_cpu_percent": round(100 * used / wall, 3), "idle_seconds": round(wall, 1)}


def main() -> None:
    work = Path(tempfile.mkdtemp(prefix="tokens-admin-app-"))
    try:
        report: dict[str, object] = {"benchmark": "admin_app", "accounts": ACCOUNTS}
        for total in (1_000, 100_000):
            path = work / f"tokens-{total}.db"
            seeding = time.perf_counter()
            seed(path, ACCOUNTS, total // ACCOUNTS).close()
            report[f"seed_{total}_s"] = round(time.perf_counter() - seeding, 1)
            if total == 1_000:
                asyncio.run(measure_app(path))  # a warm-up: the first run pays for imports and caches
            report[f"tokens_{total}"] = {k: round(v, 1) for k, v in asyncio.run(measure_app(path)).items()}
        small, large = report["tokens_1000"], report["tokens_100000"]
        assert isinstance(small, dict) and isinstance(large, dict)
        report["ratios_100k_to_1k"] = {
            key: round(large[key] / small[key], 2)
            for key in ("all_tokens_ready_ms", "filter_by_account_ms", "filter_by_label_ms")
        }
        report.update(idle_cpu(work / "tokens-100000.db"))
        report["goals"] = {
            "all tokens ready at 100k <= 1.5x 1k": report["ratios_100k_to_1k"]["all_tokens_ready_ms"] <= 1.5,  # type: ignore[index]
            "filter by account at 100k <= 1.5x 1k": report["ratios_100k_to_1k"]["filter_by_account_ms"] <= 1.5,  # type: ignore[index]
            "filter by label at 100k <= 1.5x 1k": report["ratios_100k_to_1k"]["filter_by_label_ms"] <= 1.5,  # type: ignore[index]
            "live change <= 2 s": max(small["live_change_ms_max"], large["live_change_ms_max"]) <= 2000,
            "idle cpu <= 1 %": report["idle_cpu_percent"] <= 1.0,  # type: ignore[operator]
        }
        report["machine"] = machine()
        emit(report)
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()

"""The app under faults and hostile input: a clear message, nothing half-written, and it keeps
running and recovers without a restart."""

from __future__ import annotations

import functools
import sqlite3
import sys

import pytest
from textual import events

import store
from store import Actor, TokenStore
from tui.app import TokensApp
from tui.widgets.token_table import TokenTable

from tui_helpers import screen_text, settle, wait_for


@pytest.fixture
def db_path(tmp_path) -> str:  # type: ignore[no-untyped-def]
    folder = tmp_path / "data"
    folder.mkdir(mode=0o700)
    path = str(folder / "tokens.db")
    with TokenStore(path) as s:
        s.ensure_account("alice")
        s.seed_demo(Actor("alice"))
    return path


def messages(app: TokensApp) -> list[str]:
    return [n.message for n in app._notifications]


def labels(app: TokensApp) -> list[str]:
    return [t.label for t in app.query_one(TokenTable).rows]


def stored_labels(path: str) -> list[str]:
    with TokenStore(path) as s:
        return [t.label for t in s.list_tokens(Actor("alice"), include_revoked=True)]


async def add(pilot, label: str) -> None:  # type: ignore[no-untyped-def]
    await pilot.press("a")
    await wait_for(pilot, lambda: pilot.app.screen.query("#label"))
    await pilot.press(*label, "enter")
    await settle(pilot)


# ----------------------------------------------------------------------------- faults


async def test_a_database_locked_too_long_is_a_message_and_the_next_try_works(db_path, monkeypatch) -> None:
    # A short busy timeout, so the test need not wait the default five seconds.
    monkeypatch.setattr(store, "TokenStore", functools.partial(TokenStore, busy_timeout=0.3), raising=False)
    app = TokensApp(db=db_path, account="alice")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        holder = sqlite3.connect(db_path, isolation_level=None)
        holder.execute("BEGIN EXCLUSIVE")
        try:
            await add(pilot, "While locked")
            await wait_for(pilot, lambda: any("locked by another program" in m for m in messages(app)))
            assert app.is_running
            assert not any(m for m in messages(app) if "unexpected" in m)
        finally:
            holder.rollback()
            holder.close()
        await pilot.press("escape")  # the form comes back with what was typed; close it
        await settle(pilot)
        await add(pilot, "After the lock")
        await wait_for(pilot, lambda: "tkn_" in screen_text(app))  # the reveal
    assert "While locked" not in stored_labels(db_path)
    assert "After the lock" in stored_labels(db_path)


async def test_a_full_disk_is_a_message_nothing_half_written_and_then_adding_works(db_path) -> None:
    from sqlalchemy import event

    app = TokensApp(db=db_path, account="alice")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        engine = app.store._engine  # noqa: SLF001 - the test makes the disk "full" under the store

        def no_room(dbapi_connection, _record) -> None:  # type: ignore[no-untyped-def]
            # SQLite's own words for a full disk, at the second write of the transaction (the
            # audit event, after the token's row): nothing of the first may remain. A real file
            # size limit is tested on the store, in a process of its own.
            dbapi_connection.execute(
                "CREATE TEMP TRIGGER no_room BEFORE INSERT ON main.audit_event "
                "BEGIN SELECT RAISE(ABORT, 'database or disk is full'); END"
            )

        event.listen(engine, "connect", no_room)
        engine.dispose()
        before = stored_labels(db_path)
        await add(pilot, "No room " + "x" * 90)
        await wait_for(pilot, lambda: any("writing to the disk failed" in m for m in messages(app)))
        assert app.is_running
        assert stored_labels(db_path) == before

        event.remove(engine, "connect", no_room)
        engine.dispose()
        await pilot.press("escape")
        await settle(pilot)
        await add(pilot, "Room again")
        await wait_for(pilot, lambda: "tkn_" in screen_text(app))
    assert "Room again" in stored_labels(db_path)


async def test_a_damaged_file_is_a_message_and_ctrl_r_recovers_once_it_is_replaced(db_path, tmp_path) -> None:
    from pathlib import Path

    good = Path(db_path).read_bytes()
    Path(db_path).write_bytes(b"this is not a database\n" * 200)
    app = TokensApp(db=db_path, account="alice")
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_for(pilot, lambda: any("not a tokens database" in m for m in messages(app)))
        assert "Cannot open the tokens database" in screen_text(app)
        assert app.is_running
        Path(db_path).write_bytes(good)  # restored from a backup
        await pilot.press("ctrl+r")
        await wait_for(pilot, lambda: "Backup job – NAS" in labels(app))


async def test_a_stopped_server_is_a_message_and_the_app_recovers_when_it_is_back(postgres_behind_proxy) -> None:
    url, server = postgres_behind_proxy
    with TokenStore(url) as s:
        s.ensure_account("alice")
        s.create_token(Actor("alice"), "Laptop", "read")
    app = TokensApp(db=url, account="alice")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        assert labels(app) == ["Laptop"]
        server.stop()
        await pilot.press("ctrl+r")
        await wait_for(pilot, lambda: any("Cannot read your tokens" in m for m in messages(app)))
        await add(pilot, "While down")
        await wait_for(pilot, lambda: any("The token was not created" in m for m in messages(app)))
        assert app.is_running
        await pilot.press("escape")
        server.start()
        await pilot.press("ctrl+r")
        await settle(pilot)
        await add(pilot, "After the restart")
        await wait_for(pilot, lambda: "tkn_" in screen_text(app))
    with TokenStore(url) as s:
        assert {t.label for t in s.list_tokens(Actor("alice"))} == {"Laptop", "After the restart"}


async def test_a_folder_others_can_read_is_a_warning_and_the_list_still_shows(db_path) -> None:
    from pathlib import Path

    Path(db_path).parent.chmod(0o755)
    app = TokensApp(db=db_path, account="alice")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        assert any("can be read by other users" in m for m in messages(app))
        assert "Backup job – NAS" in labels(app)


# ----------------------------------------------------------------------------- hostile input


async def test_a_pasted_label_over_the_limit_says_so(db_path) -> None:
    app = TokensApp(db=db_path, account="alice")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("a")
        await wait_for(pilot, lambda: app.screen.query("#label"))
        app.screen.query_one("#label").post_message(events.Paste("x" * 150))
        await wait_for(pilot, lambda: "150 characters long; the limit is 100" in screen_text(app))
        await pilot.press("enter")
        await settle(pilot)
        assert "150 characters long" in screen_text(app)  # still the form, still saying why
    assert "x" * 100 not in " ".join(stored_labels(db_path))


async def test_a_far_date_in_the_add_dialog_is_refused_in_words(db_path) -> None:
    from tui.screens.add_token import date_problem

    assert date_problem("9999-12-31") == "The expiry may be at most 10 years ahead."
    app = TokensApp(db=db_path, account="alice")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("a")
        await wait_for(pilot, lambda: app.screen.query("#label"))
        await pilot.press(*"Far")
        app.screen.query_one("#expiry-date").value = True  # "On a date…"
        await wait_for(pilot, lambda: app.screen.query_one("#date-row").has_class("-shown"))
        app.screen.query_one("#date").value = "9999-12-31"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.is_running
        assert "at most 10 years ahead" in screen_text(app)
    assert "Far" not in stored_labels(db_path)


def test_the_date_hint_names_the_local_time_zone(local_zone) -> None:
    from tui.screens.add_token import date_hint

    local_zone("Europe/Paris")
    assert date_hint() in ("The token works until the end of that day (CET).",
                           "The token works until the end of that day (CEST).")


# ----------------------------------------------------------------------------- crashes and upgrades


async def test_installing_a_new_release_while_the_app_runs_still_reveals_the_secret(db_path, monkeypatch) -> None:
    # The dialogs are loaded after the first frame; from then on no file of the old release is
    # needed to show a secret. Forget any earlier test's import, then refuse every new import
    # of the app's modules, as when the files on disk have been replaced.
    for name in [m for m in sys.modules if m == "tui.screens" or m.startswith("tui.screens.")]:
        monkeypatch.delitem(sys.modules, name)

    class Replaced:
        def find_spec(self, name, path=None, target=None):  # type: ignore[no-untyped-def]
            if name.startswith(("tui.", "textual.")):
                raise ModuleNotFoundError(f"No module named {name!r}")
            return None

    app = TokensApp(db=db_path, account="alice")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await wait_for(pilot, lambda: "tui.screens.reveal_secret" in sys.modules)
        monkeypatch.setattr(sys, "meta_path", [Replaced(), *sys.meta_path])
        await add(pilot, "Installed over")
        await wait_for(pilot, lambda: "tkn_" in screen_text(app))
        assert app.is_running


async def test_if_the_dialogs_cannot_be_loaded_no_token_is_made(db_path, monkeypatch) -> None:
    import tui.app

    def replaced() -> None:
        raise ModuleNotFoundError("No module named 'tui.screens.reveal_secret'")

    app = TokensApp(db=db_path, account="alice")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        monkeypatch.setattr(tui.app, "_preload_dialogs", replaced)
        await add(pilot, "Never made")
        await wait_for(pilot, lambda: any("updated while it was running" in m for m in messages(app)))
        assert app.is_running
    assert "Never made" not in stored_labels(db_path)


def test_the_app_exits_non_zero_with_the_message_after_an_unhandled_error(db_path, monkeypatch, capsys) -> None:
    import tui.app

    real_run = TokensApp.run

    def headless_run(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        return real_run(self, headless=True, size=(80, 24))

    def broken(self) -> None:  # type: ignore[no-untyped-def]
        raise RuntimeError("a bug in a screen")

    import tui.terminal

    monkeypatch.setattr(tui.terminal, "has_terminal", lambda: True)
    monkeypatch.setattr(TokensApp, "run", headless_run)
    monkeypatch.setattr(TokensApp, "on_mount", broken)
    code = tui.app.run(db=db_path, account="alice")
    err = capsys.readouterr().err
    assert code == 1
    assert "a bug in a screen" in err
    assert "tokens: the app stopped after an unexpected error" in err


async def test_the_cycle_collector_is_back_on_once_the_first_frame_is_shown(db_path) -> None:
    """`tokens` turns the collector off while it starts (all it makes then is kept); a long
    session must not run without it."""
    import gc

    gc.disable()
    try:
        app = TokensApp(db=db_path, login="alice")
        async with app.run_test(size=(100, 30)) as pilot:
            await wait_for(pilot, lambda: app.store is not None)
            assert gc.isenabled()
            assert gc.get_freeze_count() > 0  # what start-up made is left out of later collections
    finally:
        gc.unfreeze()
        gc.enable()


def test_the_command_turns_the_collector_back_on_when_the_app_ends(monkeypatch) -> None:
    import gc

    import tui.app
    from tui.cli import main

    seen = []
    monkeypatch.setattr(tui.app, "run", lambda **kwargs: seen.append(gc.isenabled()) or 0)
    assert main([]) == 0
    assert seen == [False]  # off while the app starts
    assert gc.isenabled()

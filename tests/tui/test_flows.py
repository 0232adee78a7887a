"""The flows people use: add → reveal → copy → close, duplicate labels, revoke → confirm or cancel."""

from __future__ import annotations

import pytest

from store import Actor, TokenStatus, TokenStore
from tui.app import TokensApp
from tui.screens.add_token import AddTokenScreen
from tui.screens.confirm_revoke import ConfirmRevokeScreen
from tui.screens.reveal_secret import RevealSecretScreen
from tui.widgets.token_table import TokenTable

from tui_helpers import screen_text, settle, wait_for

ALICE = Actor("alice")



def holders_of(secret: str) -> list[str]:
    """Every live container or object that still refers to the secret."""
    import gc

    gc.collect()
    found = []
    for obj in gc.get_objects():
        try:
            values = obj.values() if isinstance(obj, dict) else obj if isinstance(obj, list | tuple | set) else ()
            if any(value == secret for value in values if isinstance(value, str)):
                found.append(type(obj).__name__ + ": " + repr(obj)[:120])
        except Exception:
            continue
    return found


def palette_titles(app: TokensApp) -> list[str]:
    return [command.title for command in app.get_system_commands(app.screen)]


async def test_add_reveal_copy_close(demo_db) -> None:
    app = TokensApp(db=demo_db, login="alice")
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press("a")
        assert isinstance(app.screen, AddTokenScreen)
        await pilot.press(*"Reporting script")
        await pilot.press("enter")
        await settle(pilot)
        reveal = app.screen
        assert isinstance(reveal, RevealSecretScreen)
        shown = screen_text(app)
        secret = next(word for word in shown.split() if word.startswith("tkn_"))
        assert "can never be shown again" in " ".join(shown.replace("│", " ").split())  # however it wraps
        # The store accepts exactly what was shown, with the chosen (default) scope.
        with TokenStore(demo_db) as check:
            principal = check.authenticate(secret)
            assert principal.scope.value == "read"
        assert "Screenshot" not in palette_titles(app)

        await pilot.press("c")
        assert app.clipboard == secret
        assert "Copy sent to your terminal" in screen_text(app)

        await pilot.press("escape")  # asks "Have you copied it?" once
        assert app.screen is reveal
        assert "Have you copied it?" in screen_text(app)
        await pilot.pause(0.6)
        await pilot.press("escape")
        await settle(pilot)
        assert not isinstance(app.screen, RevealSecretScreen)

        shown = screen_text(app)
        assert "Reporting script" in shown
        assert secret not in shown
        assert secret[4:16] in shown  # its public id, in the detail panel
        assert app.clipboard == ""
        assert app.query_one(TokenTable).highlighted.label == "Reporting script"
        assert "Screenshot" in palette_titles(app)
        assert holders_of(secret) == []


async def test_secret_never_reaches_a_notification(demo_db) -> None:
    app = TokensApp(db=demo_db, login="alice")
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press("a", *"Notify check", "enter")
        await settle(pilot)
        secret = next(w for w in screen_text(app).split() if w.startswith("tkn_"))
        await pilot.press("escape")
        await pilot.pause(0.6)
        await pilot.press("escape")
        await settle(pilot)
        for notification in app._notifications:
            assert secret not in notification.message


async def test_a_duplicate_label_is_refused_inline(demo_db) -> None:
    with TokenStore(demo_db) as s:
        s.create_token(ALICE, "Power BI desktop", "read")
    app = TokensApp(db=demo_db, login="alice")
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press("a", *"power bi DESKTOP", "enter")
        await settle(pilot)
        assert isinstance(app.screen, AddTokenScreen)
        assert "You already have an active token with this label." in screen_text(app)
        await pilot.press("escape")
        await settle(pilot)
    with TokenStore(demo_db) as check:
        assert len(check.list_tokens(ALICE, include_revoked=True)) == 5


async def test_a_duplicate_the_store_finds_reopens_the_form_with_the_reason(demo_db) -> None:
    app = TokensApp(db=demo_db, login="alice")
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press("a")
        # Another session takes the label while this form is open.
        with TokenStore(demo_db) as other:
            other.create_token(ALICE, "Race label", "read")
        await pilot.press(*"Race label", "enter")
        await settle(pilot)
        assert isinstance(app.screen, AddTokenScreen)
        shown = screen_text(app)
        assert "already labelled" in shown
        assert "Race label" in shown


async def test_a_change_made_here_is_read_back_once_and_stays_selected(demo_db) -> None:
    app = TokensApp(db=demo_db, login="alice")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        reads = []
        real_list = app.store.list_tokens

        def counted(*args, **kwargs):  # type: ignore[no-untyped-def]
            reads.append(1)
            return real_list(*args, **kwargs)

        app.store.list_tokens = counted  # type: ignore[method-assign]
        table = app.query_one(TokenTable)
        table.action_cursor_down()
        target = table.highlighted
        assert target is not None and target.revoked_at is None
        await pilot.press("r", "y")
        await wait_for(pilot, lambda: table.highlighted is not None and table.highlighted.revoked_at is not None)
        assert table.highlighted.id == target.id
        polls = app.polls
        await wait_for(pilot, lambda: app.polls >= polls + 2)  # later looks find nothing more to read
        assert len(reads) == 1


async def test_revoke_then_confirm(demo_db) -> None:
    app = TokensApp(db=demo_db, login="alice")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        table = app.query_one(TokenTable)
        target = table.highlighted
        assert target is not None and target.revoked_at is None
        await pilot.press("r")
        assert isinstance(app.screen, ConfirmRevokeScreen)
        assert target.label in screen_text(app)
        await pilot.press("tab")  # from Cancel (the default) to "Revoke token"? follow the focus
        if app.focused is not None and app.focused.id != "revoke":
            await pilot.press("shift+tab")
        assert app.focused is not None and app.focused.id == "revoke"
        await pilot.press("enter")
        await settle(pilot)
        assert not isinstance(app.screen, ConfirmRevokeScreen)
        row = next(t for t in table.rows if t.id == target.id)
        assert row.status() is TokenStatus.REVOKED
        assert table.highlighted.id == target.id
        assert "Nothing: the token is revoked." in screen_text(app)
    with TokenStore(demo_db) as check:
        assert check.get_token(ALICE, target.id).revoked_at is not None


async def test_revoke_from_the_panel_button(demo_db) -> None:
    app = TokensApp(db=demo_db, login="alice")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        target = app.query_one(TokenTable).highlighted
        await pilot.click("#revoke-button")
        assert isinstance(app.screen, ConfirmRevokeScreen)
        await pilot.press("y")
        await settle(pilot)
    with TokenStore(demo_db) as check:
        assert check.get_token(ALICE, target.id).revoked_at is not None


@pytest.mark.parametrize("keys", [("escape",), ("enter",), ("n",)])
async def test_revoke_then_cancel_changes_nothing(demo_db, keys) -> None:
    app = TokensApp(db=demo_db, login="alice")
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        target = app.query_one(TokenTable).highlighted
        await pilot.press("r")
        assert isinstance(app.screen, ConfirmRevokeScreen)
        await pilot.press(*keys)  # enter presses the focused default: Cancel
        await settle(pilot)
        assert not isinstance(app.screen, ConfirmRevokeScreen)
    with TokenStore(demo_db) as check:
        assert check.get_token(ALICE, target.id).revoked_at is None


async def test_store_refusal_during_revoke_is_a_message(demo_db) -> None:
    app = TokensApp(db=demo_db, login="alice")
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        target = app.query_one(TokenTable).highlighted
        with TokenStore(demo_db) as other:
            other.revoke(ALICE, target.id)  # revoked elsewhere meanwhile
        await pilot.press("r", "y")
        await settle(pilot)
        assert app.is_running
        messages = [n.message for n in app._notifications]
        assert any("already revoked" in m for m in messages)
        # and the list now shows what is true
        row = next(t for t in app.query_one(TokenTable).rows if t.id == target.id)
        assert row.status() is TokenStatus.REVOKED


async def test_the_list_catches_up_with_changes_made_elsewhere(demo_db) -> None:
    app = TokensApp(db=demo_db, login="alice")
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        target = app.query_one(TokenTable).highlighted
        with TokenStore(demo_db) as other:
            other.revoke(ALICE, target.id)
            other.create_token(ALICE, "Made in another session", "read")
        await wait_for(pilot, lambda: any(t.label == "Made in another session" for t in app.query_one(TokenTable).rows))
        await settle(pilot)
        rows = {t.label: t for t in app.query_one(TokenTable).rows}
        assert "Made in another session" in rows
        assert rows[target.label].status() is TokenStatus.REVOKED


async def test_a_slow_read_is_not_cancelled_by_changes_seen_meanwhile(demo_db, monkeypatch) -> None:
    import threading

    app = TokensApp(db=demo_db, login="alice")
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        release = threading.Event()
        reads = []
        real_list = app.store.list_tokens

        def slow_list(*args, **kwargs):  # type: ignore[no-untyped-def]
            reads.append(1)
            release.wait(30)  # a database far slower than the app's look for changes each second
            return real_list(*args, **kwargs)

        monkeypatch.setattr(app.store, "list_tokens", slow_list)
        with TokenStore(demo_db) as other:
            other.create_token(ALICE, "Made while reading", "read")
            try:
                await wait_for(pilot, lambda: bool(reads))
                polls = app.polls
                other.create_token(ALICE, "Made while still reading", "read")
                await wait_for(pilot, lambda: app.polls >= polls + 2)
                assert len(reads) == 1, "a change seen while reading started another read"
            finally:
                release.set()
        await wait_for(pilot, lambda: {"Made while reading", "Made while still reading"} <= {t.label for t in app.query_one(TokenTable).rows})
        # The read going on finishes (it may already show both) and exactly one more follows it.
        await wait_for(pilot, lambda: len(reads) >= 2)
        polls = app.polls
        await wait_for(pilot, lambda: app.polls >= polls + 2)
        assert len(reads) == 2, "the read going on should finish and be followed by exactly one more"


@pytest.mark.parametrize("label", ["[/foo]", "[link=https://example.org]x[/link]", "[$primary]x"])
async def test_revoking_a_token_with_markup_in_its_label_shows_it_literally(tmp_path, label) -> None:
    path = str(tmp_path / "tokens.db")
    with TokenStore(path) as s:
        s.ensure_account("alice")
        s.create_token(ALICE, label, "read")
    app = TokensApp(db=path, login="alice")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("r")
        assert isinstance(app.screen, ConfirmRevokeScreen)
        assert f"Revoke “{label}”?" in screen_text(app)
        await pilot.press("y")
        await settle(pilot)
        assert app.is_running
        messages = [n.message for n in app._notifications]
        assert f"Revoked “{label}”. Applications using it are refused from now on." in messages
        assert label in screen_text(app)

"""A token's life in the app: rotate behind a confirmation that states the overlap, rename and
note, the add dialog's databases, preview and policy, and the expiry warnings."""

from __future__ import annotations

from datetime import timedelta

import pytest

from store import Actor, InvalidToken, TokenStore
from tui.app import TokensApp
from tui.screens.add_token import AddTokenScreen
from tui.screens.confirm_rotate import ConfirmRotateScreen
from tui.screens.edit_token import EditTokenScreen
from tui.screens.reveal_secret import RevealSecretScreen
from tui.widgets.token_table import TokenTable

from tui_helpers import screen_text, settle, wait_for

ALICE = Actor("alice")



@pytest.fixture
def known(demo_db) -> tuple[str, str]:  # type: ignore[no-untyped-def]
    """(id, secret) of a token the test can present."""
    with TokenStore(demo_db) as s:
        new = s.create_token(ALICE, "Reporting script", "read", s.now() + timedelta(days=90))
    return new.info.id, new.secret


def _tokens_screen(app: TokensApp):  # type: ignore[no-untyped-def]
    return app.sections["tokens"]


def _select(app: TokensApp, token_id: str) -> None:
    _tokens_screen(app).select_token(token_id)


@pytest.fixture
def no_leave_guard(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """The reveal screen takes a second escape at once, so leaving it needs no pause."""
    monkeypatch.setattr(RevealSecretScreen, "LEAVE_GUARD", 0.0)


async def _leave_reveal(pilot, app: TokensApp) -> None:  # type: ignore[no-untyped-def]
    """Leave the reveal screen: it asks "Have you copied it?" once, then a second escape leaves
    (its guard against a too-quick second escape is off: the ``no_leave_guard`` fixture)."""
    await pilot.press("escape")
    await wait_for(pilot, lambda: "Have you copied it?" in screen_text(app))
    await pilot.press("escape")
    await wait_for(pilot, lambda: not isinstance(app.screen, RevealSecretScreen))


def _messages(app: TokensApp) -> list[str]:
    return [n.message for n in app._notifications]


# ----------------------------------------------------------------------------- rotate


async def test_rotate_asks_stating_the_overlap_then_reveals_the_new_secret_once(demo_db, known, no_leave_guard) -> None:  # type: ignore[no-untyped-def]
    token_id, old_secret = known
    app = TokensApp(db=demo_db, login="alice")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        _select(app, token_id)
        await pilot.press("o")
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmRotateScreen))
        text = screen_text(app)
        assert "Rotate “Reporting script”?" in text
        assert "keeps working for 1 day" in text
        # Cancel has the focus: enter keeps the token as it is.
        await pilot.press("shift+tab", "shift+tab", "down")  # to the overlaps; choose the next: 7 days
        await wait_for(pilot, lambda: "keeps working for 1 week" in screen_text(app))
        await pilot.press("y")
        await wait_for(pilot, lambda: isinstance(app.screen, RevealSecretScreen))
        shown = screen_text(app)
        new_secret = next(word for word in shown.split() if word.startswith("tkn_"))
        assert new_secret != old_secret
        await _leave_reveal(pilot, app)
        await settle(pilot)
        table = app.query_one(TokenTable)
        assert table.highlighted is not None and table.highlighted.replaces == token_id
        assert any("Rotated “Reporting script”" in m for m in _messages(app))
        assert all(new_secret not in m for m in _messages(app))
    with TokenStore(demo_db) as s:
        # Both work during the overlap; the old one stops seven days on.
        assert s.authenticate(new_secret).token_id != token_id
        assert s.authenticate(old_secret).token_id == token_id
        old = s.get_token(ALICE, token_id)
        assert old.expires_at is not None and old.expires_at - s.now() <= timedelta(days=7)
        assert old.expires_at - s.now() > timedelta(days=6, hours=23)
    # The notification says when the old token stops.
    from tui import format as fmt

    assert any(f"stops at {fmt.when(old.expires_at)}" in m for m in _messages(app))


async def test_cancelling_a_rotation_changes_nothing(demo_db, known) -> None:  # type: ignore[no-untyped-def]
    token_id, secret = known
    app = TokensApp(db=demo_db, login="alice")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        _select(app, token_id)
        await pilot.press("o")
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmRotateScreen))
        await pilot.press("enter")  # on Cancel
        await wait_for(pilot, lambda: not isinstance(app.screen, ConfirmRotateScreen))
        await settle(pilot)
    with TokenStore(demo_db) as s:
        assert s.get_token(ALICE, token_id).replaced_by is None
        assert len([t for t in s.list_tokens(ALICE) if t.label == "Reporting script"]) == 1


async def test_rotate_with_no_overlap_stops_the_old_token_and_the_list_says_rotated(demo_db, known, no_leave_guard) -> None:  # type: ignore[no-untyped-def]
    token_id, old_secret = known
    app = TokensApp(db=demo_db, login="alice")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        _select(app, token_id)
        await pilot.press("o")
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmRotateScreen))
        await pilot.press("shift+tab", "shift+tab", "up", "up")  # 24 hours → 1 hour → at once
        await wait_for(pilot, lambda: "stops working at once" in screen_text(app))
        await pilot.press("y")
        await wait_for(pilot, lambda: isinstance(app.screen, RevealSecretScreen))
        await _leave_reveal(pilot, app)
        await settle(pilot)
        # A rotated token no longer offers Rotate.
        _select(app, token_id)
        await settle(pilot)
        assert _tokens_screen(app).check_action("rotate_token", ()) is None
    with TokenStore(demo_db) as s, pytest.raises(InvalidToken):
        s.authenticate(old_secret)


async def test_rotate_is_in_the_palette(demo_db, known) -> None:  # type: ignore[no-untyped-def]
    token_id, _ = known
    app = TokensApp(db=demo_db, login="alice")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        _select(app, token_id)
        await pilot.press("ctrl+p")
        await pilot.press(*"rotate")
        await wait_for(pilot, lambda: "Rotate token" in screen_text(app))
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmRotateScreen))


# ----------------------------------------------------------------------------- edit


async def test_rename_and_note_from_the_keyboard(demo_db, known) -> None:  # type: ignore[no-untyped-def]
    token_id, _ = known
    app = TokensApp(db=demo_db, login="alice")
    async with app.run_test(size=(150, 40)) as pilot:
        await settle(pilot)
        _select(app, token_id)
        await pilot.press("e")
        await wait_for(pilot, lambda: isinstance(app.screen, EditTokenScreen))
        await pilot.press("end", *" v2", "tab", *"[b]runs at 6[/b]", "enter")
        await wait_for(pilot, lambda: not isinstance(app.screen, EditTokenScreen))
        await settle(pilot)
        await wait_for(pilot, lambda: "[b]runs at 6[/b]" in screen_text(app))
        assert "Reporting script v2" in screen_text(app)
    with TokenStore(demo_db) as s:
        info = s.get_token(ALICE, token_id)
        assert (info.label, info.note) == ("Reporting script v2", "[b]runs at 6[/b]")


# ----------------------------------------------------------------------------- expiry warnings


async def test_expiring_tokens_are_counted_listed_and_announced_once(demo_db) -> None:  # type: ignore[no-untyped-def]
    app = TokensApp(db=demo_db, login="alice")
    async with app.run_test(size=(150, 40)) as pilot:
        await settle(pilot)
        await wait_for(pilot, lambda: "⚠ 1 expiring" in screen_text(app))
        text = screen_text(app)
        assert "expires in 5 days" in text
        warnings = [m for m in _messages(app) if "within 7 days" in m]
        assert len(warnings) == 1 and "Sync script – field server" in warnings[0]
        await pilot.press("ctrl+r")
        await settle(pilot)
        assert len([m for m in _messages(app) if "within 7 days" in m]) == 1


async def test_no_warning_when_nothing_expires_soon(tmp_path) -> None:  # type: ignore[no-untyped-def]
    path = str(tmp_path / "quiet.db")
    with TokenStore(path) as s:
        s.ensure_account("alice")
        s.create_token(ALICE, "Long", "read", s.now() + timedelta(days=60))
    app = TokensApp(db=path, login="alice")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        assert _tokens_screen(app).loaded
        assert "expire" not in " ".join(_messages(app))
        assert "expires soon" not in screen_text(app)


# ----------------------------------------------------------------------------- add: databases, preview, policy


async def test_the_add_dialog_previews_access_as_scope_and_databases_change(demo_db, no_leave_guard) -> None:  # type: ignore[no-untyped-def]
    app = TokensApp(db=demo_db, login="alice")
    async with app.run_test(size=(120, 50)) as pilot:
        await settle(pilot)
        await pilot.press("a")
        await wait_for(pilot, lambda: isinstance(app.screen, AddTokenScreen))
        screen = app.screen
        await wait_for(pilot, lambda: "What the new token will be able to do" in screen_text(app))
        assert "Monitoring & Evaluation / Site visits  ✓view ✗add ✗edit ✗delete" in screen_text(app)
        await pilot.press(*"Field sync", "tab", "down")  # scope: Read & Write
        await wait_for(pilot, lambda: "Site visits  ✓view ✓add ✓edit ✓delete" in screen_text(app))
        await pilot.press("tab", "enter")  # databases: leave out the highlighted one (Field Operations)
        await wait_for(pilot, lambda: screen.chosen_databases == ["Monitoring & Evaluation"])
        await wait_for(pilot, lambda: "Household survey  ✗view ✗add ✗edit" in screen_text(app))
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: isinstance(app.screen, RevealSecretScreen))
        await _leave_reveal(pilot, app)
        await settle(pilot)
    with TokenStore(demo_db) as s:
        (made,) = [t for t in s.list_tokens(ALICE) if t.label == "Field sync"]
        assert made.databases == ("Monitoring & Evaluation",) and made.scope.value == "read_write"


async def test_the_add_dialog_offers_only_what_the_policy_allows(demo_db) -> None:  # type: ignore[no-untyped-def]
    with TokenStore(demo_db) as s:
        s.set_lifetime_policy(ALICE, max_lifetime=timedelta(days=90))
    app = TokensApp(db=demo_db, login="alice")
    async with app.run_test(size=(120, 50)) as pilot:
        await settle(pilot)
        await pilot.press("a")
        await wait_for(pilot, lambda: isinstance(app.screen, AddTokenScreen))
        text = screen_text(app)
        assert "30 days" in text and "90 days" in text
        assert "1 year" not in text and "No expiry" not in text
        assert "Policy: tokens must expire within 90 days of their creation." in text


# ----------------------------------------------------------------------------- snapshots

from pathlib import Path  # noqa: E402

APPS = Path(__file__).parent / "snapshot_apps"


THREE_SIZES = pytest.mark.parametrize("size", [(60, 20), (80, 24), (120, 40)], ids=["60x20", "80x24", "120x40"])


@THREE_SIZES
def test_snapshot_confirm_rotate(snap_compare, size: tuple[int, int]) -> None:  # type: ignore[no-untyped-def]
    assert snap_compare(APPS / "confirm_rotate_app.py", terminal_size=size)


def test_snapshot_confirm_rotate_at_once(snap_compare) -> None:  # type: ignore[no-untyped-def]
    # From Cancel back to the overlaps, and up twice: "At once".
    keys = ["shift+tab", "shift+tab", "up", "up"]
    assert snap_compare(APPS / "confirm_rotate_app.py", terminal_size=(80, 24), press=keys)


@THREE_SIZES
def test_snapshot_edit_token(snap_compare, size: tuple[int, int]) -> None:  # type: ignore[no-untyped-def]
    assert snap_compare(APPS / "edit_token_app.py", terminal_size=size)


@pytest.mark.parametrize(
    "size",
    [(60, 20), (80, 24), (80, 40), (120, 40), (120, 50)],
    ids=["60x20", "80x24", "80x40", "120x40", "120x50"],
)
def test_snapshot_add_token_with_databases_and_policy(snap_compare, size: tuple[int, int]) -> None:  # type: ignore[no-untyped-def]
    assert snap_compare(APPS / "add_token_limits_app.py", terminal_size=size)


def test_snapshot_add_token_limited_to_one_database(snap_compare) -> None:  # type: ignore[no-untyped-def]
    # Read & Write, then leave "Field Operations" out: the preview follows.
    keys = ["tab", "down", "tab", "space"]
    assert snap_compare(APPS / "add_token_limits_app.py", terminal_size=(80, 40), press=keys)

"""The command line and the app share one set of defaults, and ``--read-only`` changes nothing."""

from __future__ import annotations

import pytest

from tui import defaults


def test_revoked_tokens_are_listed_unless_hidden_as_in_the_app(tokens, create, id_of) -> None:
    kept = id_of(create("Kept", "read"))
    gone = id_of(create("Gone", "read"))
    assert tokens("revoke", gone, "--yes").code == 0

    shown = tokens("list")
    hidden = tokens("list", "--hide-revoked")

    assert defaults.SHOW_REVOKED is True
    assert gone in shown.out and "revoked" in shown.out and kept in shown.out
    assert gone not in hidden.out and kept in hidden.out
    assert tokens("list", "--all", "--hide-revoked").code == 64  # contradictory: refused


async def test_the_app_starts_with_the_same_defaults(tmp_path) -> None:
    from tui.app import TokensApp
    from tui.screens.add_token import AddTokenScreen

    app = TokensApp(db=str(tmp_path / "t.db"), account="alice")
    assert app.show_revoked is defaults.SHOW_REVOKED
    async with app.run_test(size=(100, 30)) as pilot:
        from tui_helpers import settle, wait_for

        await settle(pilot)
        await pilot.press("a")
        await wait_for(pilot, lambda: isinstance(app.screen, AddTokenScreen))
        assert app.screen.query_one("#expiry-90d").value  # the 90-day choice is the selected one


@pytest.mark.parametrize("command", [["create", "--label", "L", "--scope", "read"], ["revoke", "abc", "--yes"], ["demo"]])
def test_read_only_refuses_every_changing_command(tokens, listed, command) -> None:
    result = tokens("--read-only", *command)

    result.assert_one_error_line()
    assert result.code == 64
    assert "--read-only" in result.err
    assert listed() == []


def test_read_only_still_lists(tokens, create) -> None:
    create("Seen", "read")
    result = tokens("--read-only", "list")
    assert result.code == 0 and "Seen" in result.out

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


@pytest.mark.parametrize("command", [["create", "--label", "L", "--scope", "read"], ["revoke", "abc", "--yes"], ["demo"],
                                     ["db", "upgrade"], ["account", "add", "bob"], ["grant", "bob", "X", "view"],
                                     ["ssh", "remove-key", "SHA256:abc"]])
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
    assert tokens("--read-only", "db", "status").code == 0


def test_a_broken_config_file_is_one_line_on_stderr_and_the_app_still_opens(cli, monkeypatch, tmp_path) -> None:
    path = tmp_path / "config.toml"
    path.write_text("[keymap\nadd-token = 'n'\n")
    monkeypatch.setenv("TOKENS_CONFIG", str(path))
    opened: dict[str, object] = {}

    def run(**kwargs: object) -> int:
        opened.update(kwargs)
        return 0

    monkeypatch.setattr("tui.app.run", run)
    result = cli("--read-only")

    assert result.code == 0
    assert result.err.count("\n") == 1 and result.err.startswith("tokens: config file")
    assert str(path) in result.err and "not valid TOML" in result.err
    assert opened["read_only"] is True
    assert opened["config"].keymap == {}  # type: ignore[attr-defined]

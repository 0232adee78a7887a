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


def test_read_only_shows_and_checks_the_lifetime_policy(tokens, create) -> None:
    create("Forever", "read", "--expires", "never")
    assert tokens("policy", "set", "--max-lifetime", "90d").code == 0

    shown = tokens("--read-only", "policy", "show", "--json")
    checked = tokens("--read-only", "policy", "check")

    assert shown.code == 0 and shown.json["max_lifetime_seconds"] == 90 * 24 * 3600
    assert checked.code == 1 and "Forever" in checked.out  # exit 1: a token outlives the policy
    assert "--read-only" not in shown.err + checked.err


def test_read_only_refuses_to_set_the_lifetime_policy(tokens) -> None:
    result = tokens("--read-only", "policy", "set", "--max-lifetime", "30d")

    result.assert_one_error_line()
    assert result.code == 64 and "'policy set'" in result.err
    assert tokens("policy", "show", "--json").json["max_lifetime_seconds"] is None

"""A command line that names its command is read by that command group's parser alone; whatever
it prints — help, usage errors — is exactly what the parser of every command prints."""

from __future__ import annotations

import argparse
import contextlib
import io

import pytest

from tui.cli import COMMANDS, GROUPS, build_parser


def _subcommands(parser: argparse.ArgumentParser) -> dict[str, argparse.ArgumentParser]:
    [action] = [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)]
    return dict(action.choices)


def _full(argv: list[str]) -> tuple[int, str, str]:
    """What the parser of every command prints for ``argv`` (it exits on help and errors)."""
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err), pytest.raises(SystemExit) as exited:
        build_parser().parse_args(argv)
    return exited.value.code, out.getvalue(), err.getvalue()  # type: ignore[return-value]


def _every_command_line() -> list[list[str]]:
    lines = []
    for name, sub in _subcommands(build_parser()).items():
        lines.append([name])
        nested = [a for a in sub._actions if isinstance(a, argparse._SubParsersAction)]
        lines += [[name, action] for group in nested for action in group.choices]
    return lines


def test_every_command_is_known_with_its_group() -> None:
    every = _subcommands(build_parser())
    assert set(COMMANDS) == set(every)
    for command, group in COMMANDS.items():
        assert group in GROUPS
        assert command in _subcommands(build_parser([group]))


@pytest.mark.parametrize("words", _every_command_line(), ids=" ".join)
def test_help_of_each_command_is_the_full_parsers(cli, words) -> None:  # type: ignore[no-untyped-def]
    result = cli(*words, "--help")
    assert (result.code, result.out, result.err) == _full([*words, "--help"])
    assert result.out.startswith(f"usage: tokens {' '.join(words)} ")


@pytest.mark.parametrize(
    "argv",
    [
        ["list", "--bogus"],
        ["create", "--label", "L"],
        ["create", "--scope", "read"],
        ["revoke", "--unused-days", "soon"],
        ["--db", "x.db", "account"],
        ["account", "set-admin", "bob", "maybe"],
        ["verify", "tkn_0123456789abcdefghijklmnopqrstuvwxyz"],
        ["--acc", "bob", "lits"],
        ["--db"],
        ["--read-only=yes", "list"],
        ["list", "--json", "extra"],
    ],
    ids=" ".join,
)
def test_a_command_line_that_cannot_be_read_gets_the_full_parsers_message(cli, argv) -> None:  # type: ignore[no-untyped-def]
    result = cli(*argv)
    assert (result.code, result.out, result.err) == _full(argv)
    assert result.code == 64 and "tokens" in result.err and "error:" in result.err


def test_abbreviated_options_before_the_command_still_work(cli, tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("LOGNAME", "alice")
    db = str(tmp_path / "t.db")
    assert cli("--d", db, "--acc", "alice", "create", "--label", "L", "--scope", "read").code == 0
    listed = cli(f"--db={db}", "--read", "list", "--json")
    assert listed.code == 0 and [t["label"] for t in listed.json] == ["L"]


def test_help_shows_sshds_placeholders_as_sshd_config_takes_them() -> None:
    """An administrator copies ``%t %k`` from this help into sshd_config; a doubled ``%%`` would break it."""
    code, out, _ = _full(["ssh", "authorized-keys", "--help"])
    assert code == 0
    assert "(sshd's %t %k)" in " ".join(out.split())
    assert "%%" not in out


@pytest.mark.parametrize("argv", [
    ["ssh", "authorized-keys", "--db", "x.db", "ssh-ed25519", "AAAA"],  # sshd runs it on every connection
    ["ssh", "session", "--db", "x.db", "SHA256:abc"],
    ["grant", "--db", "x.db", "bob", "Field Operations", "view"],
    ["list", "--db", "x.db"],
])
def test_a_command_given_its_database_does_not_look_for_the_default_one(argv) -> None:  # type: ignore[no-untyped-def]
    # The default path is found only when a help text shows it (platformdirs, a few ms).
    import json
    import subprocess
    import sys

    script = f"import json, sys\nfrom tui.cli import parse\nparse({argv!r})\nprint(json.dumps('platformdirs' in sys.modules))"
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60, check=True)
    assert json.loads(done.stdout) is False

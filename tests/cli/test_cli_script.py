"""The installed ``tokens`` script, end to end in a subprocess: the contract other tools rely on."""

from __future__ import annotations

import json

from store import tokenstring


def test_create_then_verify(run_script, tmp_path) -> None:
    db = str(tmp_path / "tokens.db")

    created = run_script("--db", db, "--account", "alice", "create", "--label", "CI job", "--scope", "read",
                         "--expires", "never")

    assert created.returncode == 0, created.stderr
    secret = created.stdout[:-1]
    assert created.stdout == secret + "\n"  # exactly the secret and a newline
    token_id, _ = tokenstring.parse(secret)
    assert token_id in created.stderr and secret not in created.stderr

    verified = run_script("--db", db, "verify", stdin=created.stdout)

    assert verified.returncode == 0, verified.stderr
    answer = json.loads(verified.stdout)
    assert answer == {"active": True, "account": "alice", "token_id": token_id, "scope": "read", "exp": None}
    assert verified.stderr == ""


def test_inactive_token_and_token_on_the_command_line(run_script, tmp_path) -> None:
    db = str(tmp_path / "tokens.db")
    garbage = "tkn_" + "A" * 50

    inactive = run_script("--db", db, "verify", stdin=garbage + "\n")
    from_argv = run_script("--db", db, "verify", garbage)

    assert (inactive.returncode, inactive.stdout) == (1, '{"active": false}\n')
    assert from_argv.returncode == 64
    assert from_argv.stdout == "" and garbage not in from_argv.stderr


def test_corrupt_database_is_one_line_without_traceback(run_script, tmp_path) -> None:
    db = tmp_path / "tokens.db"
    db.write_bytes(b"not a database\n" * 100)

    result = run_script("--db", str(db), "--account", "alice", "list")

    assert result.returncode == 1
    assert result.stdout == ""
    assert result.stderr.startswith("tokens:") and result.stderr.count("\n") == 1
    assert "Traceback" not in result.stderr

"""``tokens list``: the account's tokens, never a secret or a hash."""

from __future__ import annotations

import sqlite3
from datetime import datetime

import pytest

both_backends = pytest.mark.parametrize("db", ["sqlite", "postgresql"], indirect=True)

FIELDS = {"id", "label", "scope", "created", "expires", "last_used", "status"}


def test_table(tokens, create, id_of) -> None:
    read = create("Power BI – laptop", "read")
    write = create("Sync script", "read_write", "--expires", "30d")

    result = tokens("list")

    assert result.code == 0, result
    header, *rows = result.out.splitlines()
    assert header.split() == ["ID", "LABEL", "SCOPE", "CREATED", "EXPIRES", "LAST", "USED", "STATUS"]
    assert len(rows) == 2
    # Newest first.
    assert rows[0].startswith(id_of(write)) and "Sync script" in rows[0] and "Read & Write" in rows[0]
    assert rows[1].startswith(id_of(read)) and "Power BI – laptop" in rows[1] and "Read-only" in rows[1]
    assert rows[1].rstrip().endswith("active")
    assert "never" in rows[1]


@both_backends
def test_json_fields_and_hiding_revoked(tokens, create, id_of) -> None:
    kept = create("Kept", "read", "--expires", "90d")
    gone = create("Gone", "read_write")
    assert tokens("revoke", id_of(gone), "--yes").code == 0

    active = tokens("list", "--json", "--hide-revoked")
    everything = tokens("list", "--json")

    assert active.code == everything.code == 0
    assert tokens("list", "--json", "--all").json == everything.json  # what scripts passed before
    [only] = active.json
    assert FIELDS <= set(only)
    assert only["id"] == id_of(kept)
    assert (only["label"], only["scope"], only["status"], only["last_used"]) == ("Kept", "read", "active", None)
    assert datetime.fromisoformat(only["expires"]) > datetime.fromisoformat(only["created"])
    by_id = {t["id"]: t for t in everything.json}
    assert set(by_id) == {id_of(kept), id_of(gone)}
    assert by_id[id_of(gone)]["status"] == "revoked"
    assert by_id[id_of(gone)]["scope"] == "read_write"


def test_last_used_shows_after_verify(tokens, create, listed) -> None:
    secret = create()
    assert tokens("verify", stdin=secret + "\n").code == 0

    [token] = listed()
    assert token["last_used"] is not None
    assert "just now" in tokens("list").out


def test_never_a_secret_or_a_hash(tokens, create, id_of) -> None:
    secrets = [create("One", "read"), create("Two", "read_write", "--expires", "1y")]
    assert tokens("revoke", id_of(secrets[1]), "--yes").code == 0

    outputs = [tokens("list"), tokens("list", "--all"), tokens("list", "--json"), tokens("list", "--json", "--all")]

    for result in outputs:
        text = result.out + result.err
        assert "$argon2" not in text
        for secret in secrets:
            assert secret not in text
            assert secret[16:48] not in text  # the secret part alone


def test_only_the_accounts_own_tokens(cli, db, tokens, create) -> None:
    create("Alice's")
    assert cli("--db", db, "--account", "bob", "create", "--label", "Bob's", "--scope", "read").code == 0

    labels = [t["label"] for t in tokens("list", "--json").json]

    assert labels == ["Alice's"]


def test_empty_list_says_so_on_stderr(tokens) -> None:
    result = tokens("list", "--hide-revoked")

    assert result.code == 0
    assert result.out == ""
    assert "No tokens" in result.err and "--hide-revoked" in result.err
    assert tokens("list", "--json").json == []


def test_control_characters_never_reach_the_terminal(tokens, create, db, id_of) -> None:
    # Labels are validated on the way in; a row changed behind the store's back is still shown safely.
    secret = create("Plain")
    with sqlite3.connect(db) as connection:
        connection.execute(
            "UPDATE token SET label = ? WHERE id = ?", ("x\x1b]52;c;aGk=\x07\x1b[2Jy", id_of(secret))
        )

    result = tokens("list")

    assert result.code == 0
    assert "\x1b" not in result.out and "\x07" not in result.out
    assert "x]52;c;aGk=[2Jy" in result.out


def test_a_token_valid_through_a_date_lists_that_date(cli, tmp_path) -> None:  # type: ignore[no-untyped-def]
    db = str(tmp_path / "t.db")
    created = cli("create", "--label", "Dated", "--scope", "read", "--expires", "2030-12-31", "--db", db)
    assert created.code == 0
    assert "valid through 2030-12-31" in created.err
    listed = cli("list", "--db", db)
    assert "2030-12-31" in listed.out and "2031-01-01" not in listed.out


def test_columns_stay_aligned_with_wide_and_combining_characters(tokens, create) -> None:
    from rich.cells import cell_len

    labels = ["日本語のラベル", "Family 👨\u200d👩\u200d👧 tablet", "cafe\u0301 laptop", "Ｄup fullwidth", "plain"]
    for label in labels:
        create(label)

    result = tokens("list")

    assert result.code == 0, result
    lines = result.out.splitlines()
    header = lines[0]
    scope_at = cell_len(header[: header.index("SCOPE")])
    for line in lines[1:]:
        label_end = next(label for label in labels if label in line)
        before_scope = line[: line.index(label_end) + len(label_end)]
        rest = line[len(before_scope):]
        # Whatever the label's characters, the scope column starts at the same terminal cell.
        assert cell_len(before_scope) + (len(rest) - len(rest.lstrip(" "))) == scope_at, line


def test_a_warning_about_the_folder_goes_to_stderr_and_the_command_still_works(cli, tmp_path) -> None:
    folder = tmp_path / "shared"
    folder.mkdir()
    folder.chmod(0o755)
    db = str(folder / "t.db")
    assert cli("--db", db, "--account", "alice", "create", "--label", "L", "--scope", "read").code == 0

    result = cli("--db", db, "--account", "alice", "list", "--json")

    assert result.code == 0
    assert [t["label"] for t in result.json] == ["L"]
    assert result.err.startswith("tokens: warning: the folder ") and "can be read by other users" in result.err

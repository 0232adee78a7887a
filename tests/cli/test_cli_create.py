"""``tokens create``: the secret alone on stdout, everything else on stderr."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from store import tokenstring

both_backends = pytest.mark.parametrize("db", ["sqlite", "postgresql"], indirect=True)


@both_backends
def test_create_prints_the_secret_alone_on_stdout(tokens, listed) -> None:
    result = tokens("create", "--label", "Power BI – laptop", "--scope", "read")

    assert result.code == 0, result
    secret = result.out[:-1]
    assert result.out == secret + "\n"
    token_id, _ = tokenstring.parse(secret)
    assert secret not in result.err
    assert token_id in result.err and "Power BI – laptop" in result.err
    assert "only time" in result.err
    [token] = listed()
    assert token["id"] == token_id
    assert token["label"] == "Power BI – laptop"
    assert token["scope"] == "read"
    assert token["status"] == "active"


def test_without_expires_a_token_lasts_90_days_as_in_the_app(tokens, listed) -> None:
    from tui import defaults

    before = datetime.now(UTC)
    assert tokens("create", "--label", "L", "--scope", "read").code == 0
    after = datetime.now(UTC)
    [token] = listed()
    assert defaults.EXPIRY == "90d"
    expires = datetime.fromisoformat(token["expires"])
    assert before + timedelta(days=90) <= expires <= after + timedelta(days=90)


def test_create_read_write_and_scope_spelling(tokens, listed) -> None:
    assert tokens("create", "--label", "Sync", "--scope", "read_write").code == 0
    assert tokens("create", "--label", "Sync 2", "--scope", "Read-Write").code == 0

    assert {t["scope"] for t in listed()} == {"read_write"}


def test_label_is_trimmed(tokens, listed) -> None:
    assert tokens("create", "--label", "  Excel – home PC  ", "--scope", "read").code == 0

    assert listed()[0]["label"] == "Excel – home PC"


@pytest.mark.parametrize(("choice", "days"), [("30d", 30), ("90d", 90), ("1y", 365)])
def test_relative_expiry(tokens, listed, choice, days) -> None:
    before = datetime.now(UTC)
    assert tokens("create", "--label", "L", "--scope", "read", "--expires", choice).code == 0
    after = datetime.now(UTC)

    expires = datetime.fromisoformat(listed()[0]["expires"])
    assert before + timedelta(days=days) <= expires <= after + timedelta(days=days)


def test_never_expires(tokens, listed) -> None:
    assert tokens("create", "--label", "L", "--scope", "read", "--expires", "never").code == 0

    assert listed()[0]["expires"] is None


def test_a_date_means_through_the_end_of_that_day_utc(tokens, listed) -> None:
    day = (datetime.now(UTC) + timedelta(days=10)).date()
    result = tokens("create", "--label", "L", "--scope", "read", "--expires", day.isoformat())

    assert result.code == 0, result
    expires = datetime.fromisoformat(listed()[0]["expires"])
    assert expires == datetime.combine(day + timedelta(days=1), datetime.min.time(), tzinfo=UTC)


@pytest.mark.parametrize(
    ("argv", "words"),
    [
        (["--scope", "admin"], "unknown scope"),
        (["--scope", "read", "--expires", "tomorrow"], "cannot read expiry"),
        (["--scope", "read", "--expires", "2024-02-30"], "no such date"),
        (["--scope", "read", "--expires", "2027-02-30"], "no such date"),
        (["--scope", "read", "--expires", "2001-01-01"], "in the past"),
        (["--scope", "read", "--expires", "0d"], "in the future"),
        (["--scope", "read", "--expires", "9999-12-31"], "at most 10 years ahead"),
        (["--scope", "read", "--expires", "0001-01-01"], "in the past"),
    ],
)
def test_bad_input_is_a_usage_error_in_one_line_and_creates_nothing(tokens, listed, argv, words) -> None:
    # A value the command line alone shows to be wrong is a command line that cannot be
    # understood: exit 64, as for an unknown option.
    result = tokens("create", "--label", "L", *argv)

    assert result.code == 64
    result.assert_one_error_line()
    assert words in result.err
    assert result.out == ""
    assert listed("--all") == []


@pytest.mark.parametrize(
    "label", ["", "   ", "x" * 101, "evil\x1b]52;c;aGk=\x07", "\u200b", "\u3164", "Dup\u200bLabel", "a\u202eb", "x\udcff"]
)
def test_bad_label(tokens, listed, label) -> None:
    result = tokens("create", "--label", label, "--scope", "read")

    assert result.code == 64
    result.assert_one_error_line()
    assert "\x1b" not in result.err
    assert result.out == ""
    assert listed("--all") == []


def test_duplicate_label_among_active_tokens(tokens, create, listed) -> None:
    create("Power BI – laptop")

    result = tokens("create", "--label", "power bi – LAPTOP", "--scope", "read_write")

    assert result.code == 1
    result.assert_one_error_line()
    assert "already labelled" in result.err
    assert result.out == ""
    assert len(listed("--all")) == 1


def test_a_revoked_tokens_label_can_be_used_again(tokens, create, id_of, listed) -> None:
    old = create("Backup job")
    assert tokens("revoke", id_of(old), "--yes").code == 0

    assert tokens("create", "--label", "Backup job", "--scope", "read").code == 0
    assert [t["status"] for t in listed("--all")].count("active") == 1


def test_missing_options_are_a_usage_error(tokens) -> None:
    result = tokens("create", "--label", "L")

    assert result.code == 64
    assert "--scope" in result.err
    assert result.out == ""


def test_the_help_names_the_time_zone_dates_are_read_in(cli, local_zone) -> None:
    local_zone("Pacific/Auckland")
    result = cli("create", "--help")
    assert result.code == 0
    help_text = " ".join(result.out.split())
    assert "time zone (NZDT)" in help_text or "time zone (NZST)" in help_text
    assert "UTC" not in help_text

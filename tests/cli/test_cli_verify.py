"""``tokens verify``: a token on stdin in, RFC 7662-style JSON out; exit 0 / 1 / 2."""

from __future__ import annotations

from store import Actor

import json
from datetime import UTC, datetime, timedelta

import pytest

from store import TokenStore, tokenstring

both_backends = pytest.mark.parametrize("db", ["sqlite", "postgresql"], indirect=True)

INACTIVE = '{"active": false}\n'


@both_backends
def test_active_token(tokens, create, id_of) -> None:
    secret = create("Sync script", "read_write", "--expires", "30d")
    expires = datetime.fromisoformat(tokens("list", "--json").json[0]["expires"])

    result = tokens("verify", stdin=secret + "\n")

    assert result.code == 0, result
    assert result.out.endswith("\n") and result.out.count("\n") == 1
    assert json.loads(result.out) == {
        "active": True,
        "account": "alice",
        "token_id": id_of(secret),
        "scope": "read_write",
        "exp": int(expires.timestamp()),
    }


def test_no_expiry_gives_null_exp(tokens, create) -> None:
    result = tokens("verify", stdin=create("No expiry", "read", "--expires", "never"))

    assert result.code == 0
    assert result.json["exp"] is None
    assert result.json["scope"] == "read"


def _wrong_secret(secret: str) -> str:
    token_id, real = tokenstring.parse(secret)
    other = ("A" if real[0] != "A" else "B") + real[1:]
    body = tokenstring.PREFIX + token_id + other
    return body + tokenstring.checksum(body)


@pytest.mark.parametrize(
    "presented",
    [
        "",
        "\n",
        "garbage\n",
        "tkn_" + "A" * 50 + "\n",  # right shape, bad checksum
        "wrong secret",
        "bad checksum",
        "unknown id",
    ],
)
def test_inactive_is_exactly_active_false(tokens, create, presented) -> None:
    secret = create()
    if presented == "wrong secret":
        presented = _wrong_secret(secret)
    elif presented == "bad checksum":
        presented = secret[:-1] + ("a" if secret[-1] != "a" else "b")
    elif presented == "unknown id":
        presented = tokenstring.generate()[2]

    result = tokens("verify", stdin=presented)

    assert (result.code, result.out) == (1, INACTIVE)
    assert json.loads(result.out) == {"active": False}


@both_backends
def test_revoked_token_is_inactive_at_once(tokens, create, id_of) -> None:
    secret = create()
    assert tokens("verify", stdin=secret).code == 0
    assert tokens("revoke", id_of(secret), "--yes").code == 0

    result = tokens("verify", stdin=secret)

    assert (result.code, result.out) == (1, INACTIVE)


def test_expired_token_is_inactive(tokens, db) -> None:
    # Created "two days ago" to expire "yesterday".
    past = datetime.now(UTC) - timedelta(days=2)
    with TokenStore(db, clock=lambda: past) as store:
        store.ensure_account("alice")
        secret = store.create_token(Actor("alice"), "Old", "read", past + timedelta(days=1)).secret

    result = tokens("verify", stdin=secret)

    assert (result.code, result.out) == (1, INACTIVE)
    assert tokens("list", "--json").json[0]["status"] == "expired"


@both_backends
@pytest.mark.parametrize(
    ("scope", "can", "code"),
    [
        ("read_write", "edit:Household survey", 0),
        ("read_write", "view:Distributions", 0),
        ("read_write", "edit:Distributions", 2),
        ("read", "view:Household survey", 0),
        ("read", "edit:Household survey", 2),
    ],
)
def test_can(tokens, create, forms, scope, can, code) -> None:
    secret = create("T", scope)

    result = tokens("verify", "--can", can, stdin=secret)

    assert result.code == code, result
    assert result.json["active"] is True
    assert result.json["allowed"] is (code == 0)


def test_can_names_a_form_by_id_or_database_and_name(tokens, create, forms) -> None:
    secret = create("T", "read_write")
    survey = forms["Household survey"]

    for ref in (str(survey), "Field Operations/Household survey", " EDIT : Household survey "):
        can = ref if ":" in ref else f"edit:{ref}"
        result = tokens("verify", "--can", can, stdin=secret)
        assert (result.code, result.json["allowed"]) == (0, True), (ref, result)


@pytest.mark.parametrize("form", ["Distributions", "Nope", "Field Operations/Nope", "999"])
@pytest.mark.parametrize("presented", ["garbage", "tkn_" + "A" * 50, "revoked", "wrong secret"])
def test_without_a_valid_token_verify_reveals_nothing_about_forms(tokens, create, forms, id_of, form, presented) -> None:
    # Whether the form exists or not, a bad token gets the same answer: forms cannot be probed.
    secret = create()
    if presented == "revoked":
        assert tokens("revoke", id_of(secret), "--yes").code == 0
        presented = secret
    elif presented == "wrong secret":
        from store import tokenstring

        token_id = id_of(secret)
        presented = tokenstring.generate(token_id)[2]
    result = tokens("verify", "--can", f"view:{form}", stdin=presented)

    assert (result.code, result.out, result.err) == (1, INACTIVE, "")


@pytest.mark.parametrize(
    ("can", "words"),
    [
        ("edit:No such form", "no form"),
        ("edit", "ACTION:FORM"),
        ("edit:", "ACTION:FORM"),
        ("fly:Household survey", "unknown action"),
    ],
)
def test_unknown_form_or_bad_can_is_a_usage_error(tokens, create, forms, can, words) -> None:
    result = tokens("verify", "--can", can, stdin=create())

    assert result.code == 64
    result.assert_one_error_line()
    assert words in result.err
    assert result.out == ""


def test_the_token_is_never_taken_from_the_command_line(tokens, create) -> None:
    secret = create()

    result = tokens("verify", secret)

    assert result.code == 64
    assert result.out == ""
    assert secret not in result.err and secret[16:48] not in result.err
    assert "stdin" in result.err


def test_only_the_first_line_is_read(tokens, create) -> None:
    secret = create()

    assert tokens("verify", stdin=f"  {secret}  \nsomething else\n").code == 0

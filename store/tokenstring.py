"""The token string: prefix, public id, secret and checksum.

Modelled on GitHub's format: a recognisable prefix so scanners can find leaked tokens, base62 so
the whole string selects with a double click, and a CRC32 checksum so that a typo or garbage is
rejected offline, before any database read or Argon2 work.

    tkn_ <id: 12 base62> <secret: 32 base62> <crc32 of everything before: 6 base62>

32 base62 characters carry 190 bits from :mod:`secrets`. The public id is what lists, logs and
the audit trail show; the secret exists only in the return value of ``TokenStore.create_token``.
"""

from __future__ import annotations

import hashlib
import secrets
import string
import zlib

from .errors import InvalidToken

PREFIX = "tkn_"
ID_LENGTH = 12
SECRET_LENGTH = 32
CHECKSUM_LENGTH = 6
TOKEN_LENGTH = len(PREFIX) + ID_LENGTH + SECRET_LENGTH + CHECKSUM_LENGTH

BASE62 = string.digits + string.ascii_letters
_BASE62_SET = frozenset(BASE62)


def _random_base62(length: int) -> str:
    return "".join(secrets.choice(BASE62) for _ in range(length))


def _base62_fixed(number: int, length: int) -> str:
    digits = []
    for _ in range(length):
        number, rest = divmod(number, 62)
        digits.append(BASE62[rest])
    return "".join(reversed(digits))


def checksum(body: str) -> str:
    return _base62_fixed(zlib.crc32(body.encode("ascii")), CHECKSUM_LENGTH)


def new_token_id() -> str:
    return _random_base62(ID_LENGTH)


def generate(token_id: str | None = None) -> tuple[str, str, str]:
    """A fresh ``(token_id, secret, token_string)``."""
    token_id = token_id or new_token_id()
    secret = _random_base62(SECRET_LENGTH)
    body = PREFIX + token_id + secret
    return token_id, secret, body + checksum(body)


def parse(token: object) -> tuple[str, str]:
    """Split a presented token into ``(token_id, secret)`` or raise :class:`InvalidToken`.

    Surrounding white space (a pasted newline) is forgiven; anything else that is not a
    well-formed token with a matching checksum is refused without saying which part was wrong.
    """
    if not isinstance(token, str):
        raise InvalidToken()
    token = token.strip()
    if (
        len(token) != TOKEN_LENGTH
        or not token.isascii()
        or not token.startswith(PREFIX)
        or not _BASE62_SET.issuperset(token[len(PREFIX) :])
    ):
        raise InvalidToken()
    body, check = token[:-CHECKSUM_LENGTH], token[-CHECKSUM_LENGTH:]
    if not secrets.compare_digest(checksum(body), check):
        raise InvalidToken()
    start = len(PREFIX)
    return token[start : start + ID_LENGTH], token[start + ID_LENGTH : -CHECKSUM_LENGTH]


def looks_like_token_id(value: str) -> bool:
    return len(value) == ID_LENGTH and value.isascii() and _BASE62_SET.issuperset(value)


def fingerprint(secret: str) -> bytes:
    """A fast digest of the secret for the in-process cache (never stored, never shown)."""
    return hashlib.sha256(secret.encode("ascii")).digest()

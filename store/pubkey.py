"""SSH public keys as people paste them: checked, and reduced to what the store keeps.

No database here and nothing heavy: the command line uses it to refuse a bad key before opening
the store, and ``authorized-keys`` to fingerprint the key sshd asks about.

A key line is ``TYPE BASE64 [COMMENT]``. A line that starts with ``authorized_keys`` options
(``command="…"``, ``no-pty``, …) is refused: the store writes each key's options itself, and a
person adding a key must not choose them. So is a comment holding quotes, backslashes, line
breaks or other control characters, which could otherwise end a line that sshd reads.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import re
import struct
from dataclasses import dataclass
from datetime import datetime

from .errors import InvalidInput

#: Key types sshd accepts from people today. DSA is gone from OpenSSH; certificates are signed by
#: a certificate authority, which is another set-up than keys kept per account.
KEY_TYPES = frozenset(
    {
        "ssh-ed25519",
        "ssh-rsa",
        "ecdsa-sha2-nistp256",
        "ecdsa-sha2-nistp384",
        "ecdsa-sha2-nistp521",
        "sk-ssh-ed25519@openssh.com",
        "sk-ecdsa-sha2-nistp256@openssh.com",
    }
)
#: The decoded key: an Ed25519 key is 51 bytes, a 16384-bit RSA key about 2 KiB.
BLOB_MIN = 32
BLOB_MAX = 4096
RSA_MIN_BITS = 2048
COMMENT_MAX = 200
#: A pasted file holds one line; anything far longer than the largest key is not one.
LINE_MAX = 8192

_UNSAFE_COMMENT = re.compile(r'["\\`\x00-\x1f\x7f-\x9f\u2028\u2029]')
_FINGERPRINT = re.compile(r"SHA256:[A-Za-z0-9+/]{43}")


class InvalidKey(InvalidInput):
    """A public key that is not accepted; the message says what is wrong with it."""


@dataclass(frozen=True, slots=True)
class PublicKey:
    type: str
    blob: str
    comment: str
    fingerprint: str

    def line(self) -> str:
        return f"{self.type} {self.blob}" + (f" {self.comment}" if self.comment else "")


def fingerprint_of(blob: bytes) -> str:
    """The SHA256 fingerprint, written as ``ssh-keygen -l`` writes it."""
    return "SHA256:" + base64.b64encode(hashlib.sha256(blob).digest()).decode().rstrip("=")


def check_fingerprint(text: str) -> str:
    """A fingerprint as typed (``SHA256:…``), or :class:`InvalidKey`."""
    text = text.strip()
    if not _FINGERPRINT.fullmatch(text):
        raise InvalidKey("a key's fingerprint looks like SHA256:… (43 characters); 'tokens ssh keys' lists them")
    return text


def _strings(blob: bytes) -> list[bytes]:
    """The SSH wire format: a run of length-prefixed strings (RFC 4251)."""
    out = []
    at = 0
    while at < len(blob):
        if at + 4 > len(blob):
            raise ValueError("truncated")
        (size,) = struct.unpack(">I", blob[at : at + 4])
        at += 4
        if size > len(blob) - at:
            raise ValueError("truncated")
        out.append(blob[at : at + size])
        at += size
    return out


def decode_blob(key_type: str, text: str) -> bytes:
    """The key's bytes, checked: valid base64, a sane size, and the type it declares inside."""
    if key_type not in KEY_TYPES:
        known = ", ".join(sorted(KEY_TYPES))
        raise InvalidKey(f"unsupported key type {key_type[:40]!r}: use one of {known}")
    try:
        blob = base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError):
        raise InvalidKey("the key is not valid base64 (was it cut or wrapped when copied?)") from None
    if not BLOB_MIN <= len(blob) <= BLOB_MAX:
        raise InvalidKey(f"the key is {len(blob)} bytes long: not a real {key_type} key")
    try:
        parts = _strings(blob)
    except ValueError:
        raise InvalidKey("the key's data is cut short (was it cut when copied?)") from None
    if not parts or parts[0] != key_type.encode():
        raise InvalidKey(f"the key's data is not a {key_type} key (the type written before it does not match)")
    if key_type == "ssh-rsa":
        modulus = parts[2] if len(parts) >= 3 else b""
        bits = int.from_bytes(modulus, "big").bit_length()
        if bits < RSA_MIN_BITS:
            raise InvalidKey(f"the RSA key has {bits} bits; at least {RSA_MIN_BITS} are needed (ed25519 is better)")
    return blob


def parse_public_key(text: str) -> PublicKey:
    """One public key, as found in ``id_ed25519.pub`` (or pasted), checked. Raises :class:`InvalidKey`."""
    if len(text) > LINE_MAX:
        raise InvalidKey("that is far too long for one public key")
    lines = [line for line in text.splitlines() if line.strip() and not line.lstrip().startswith("#")]
    if not lines:
        raise InvalidKey("no public key found (expected a line like 'ssh-ed25519 AAAA… name@host')")
    if len(lines) > 1:
        raise InvalidKey("add one key at a time: found more than one line")
    line = lines[0].strip()
    if "\r" in line or "\x00" in line:
        raise InvalidKey("the key line holds control characters")
    fields = line.split(None, 2)
    key_type = fields[0]
    if key_type not in KEY_TYPES:
        if "=" in key_type or "," in key_type or '"' in key_type or key_type in _OPTIONS:
            raise InvalidKey("authorized_keys options are not accepted: give only the key ('TYPE KEY comment')")
        if key_type.startswith("-----BEGIN"):
            raise InvalidKey("that is a private key or a PEM file: give the public key (the .pub file)")
        if key_type.endswith("-cert-v01@openssh.com"):
            raise InvalidKey("certificates are not accepted: give the plain public key")
    if len(fields) < 2:
        raise InvalidKey("the key line has a type but no key")
    blob = decode_blob(key_type, fields[1])
    comment = fields[2].strip() if len(fields) > 2 else ""
    if _UNSAFE_COMMENT.search(comment):
        raise InvalidKey("the key's comment may not hold quotes, backslashes, line breaks or control characters")
    if len(comment) > COMMENT_MAX:
        raise InvalidKey(f"the key's comment is longer than {COMMENT_MAX} characters")
    return PublicKey(key_type, base64.b64encode(blob).decode(), comment, fingerprint_of(blob))


_OPTIONS = frozenset(
    {
        "agent-forwarding", "cert-authority", "no-agent-forwarding", "no-port-forwarding", "no-pty",
        "no-user-rc", "no-x11-forwarding", "port-forwarding", "pty", "restrict", "user-rc",
        "x11-forwarding", "no-touch-required", "verify-required",
    }
)


@dataclass(frozen=True, slots=True)
class SshKeyInfo:
    """A stored SSH key: which account it opens, and how it was added. Public, not secret."""

    fingerprint: str
    account: str
    type: str
    blob: str
    comment: str
    created_at: datetime
    created_by: str | None
    read_only: bool = False

    def as_dict(self) -> dict[str, object]:
        return {
            "fingerprint": self.fingerprint,
            "account": self.account,
            "type": self.type,
            "comment": self.comment,
            "created": self.created_at.isoformat(),
            "created_by": self.created_by,
            "read_only": self.read_only,
        }

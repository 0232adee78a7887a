"""Checking an SSH public key before it is stored: what is accepted, and what is refused and why."""

from __future__ import annotations

import base64
import shutil
import struct
import subprocess
from pathlib import Path

import pytest

from store.pubkey import InvalidKey, check_fingerprint, parse_public_key

ED25519 = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAINOM4mEb6LDTYCODZKFf0uJfYch1vfQMCK1uyE3QmW3i alice@laptop"
#: ``ssh-keygen -lf`` of the key above.
ED25519_FP = "SHA256:dLLv1wOt0lVTujVTy/ogCqaJ1Gq6FDzVf1kGBEHnNm8"
RSA_1024 = (
    "ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAAAgQDwO5wIR+TrDMQAIJf4+BDi9ioz6JPt+CA2xGRoXET+jquUZtc7r1VU/WsYp13R9hy/Ml+6oV"
    "Y7jD8jZr/t9toeCLr9h+3DUNrxjE1lw7NM2ZCyPWHZCwOf+cKNurASnJCfC/nIthPZd9HjozCWc4Ke/PHJZYgN3HQ/uKjycawN7Q== old"
)
TYPE, BLOB, _ = ED25519.split(" ", 2)


def test_a_public_key_file_is_accepted_with_its_fingerprint_and_comment() -> None:
    key = parse_public_key(ED25519 + "\n")
    assert (key.type, key.blob, key.comment, key.fingerprint) == (TYPE, BLOB, "alice@laptop", ED25519_FP)


def test_the_comment_is_optional() -> None:
    assert parse_public_key(f"{TYPE} {BLOB}").comment == ""


@pytest.mark.skipif(shutil.which("ssh-keygen") is None, reason="ssh-keygen is not installed")
@pytest.mark.parametrize("kind", ["ed25519", "ecdsa", "rsa"])
def test_fingerprints_match_ssh_keygen(tmp_path: Path, kind: str) -> None:
    subprocess.run(["ssh-keygen", "-q", "-t", kind, "-N", "", "-C", "me@host", "-f", str(tmp_path / "k")], check=True)
    shown = subprocess.run(["ssh-keygen", "-lf", str(tmp_path / "k.pub")], capture_output=True, text=True, check=True)
    assert parse_public_key((tmp_path / "k.pub").read_text()).fingerprint == shown.stdout.split()[1]


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        (f'command="/bin/sh" {TYPE} {BLOB}', "options are not accepted"),
        (f"no-pty,restrict {TYPE} {BLOB}", "options are not accepted"),
        (f"restrict {TYPE} {BLOB}", "options are not accepted"),
        (f'{TYPE} {BLOB} me" ,command="/bin/sh', "comment may not hold quotes"),
        (f"{TYPE} {BLOB} me\\", "comment may not hold quotes"),
        (f"{TYPE} {BLOB} me\x1b]52;c;aGk=\x07", "control characters"),
        (f"{TYPE} {BLOB} me\ncommand=\"/bin/sh\" {TYPE} {BLOB}", "one key at a time"),
        (f"{TYPE} {BLOB} me\r{TYPE} {BLOB}", "one key at a time"),
        (f"{TYPE} {BLOB}\n{TYPE} {BLOB}", "one key at a time"),
        (f"{TYPE} {BLOB} " + "x" * 300, "longer than"),
        (f"ssh-dss {BLOB}", "unsupported key type"),
        (f"ssh-ed25519-cert-v01@openssh.com {BLOB}", "certificates are not accepted"),
        ("-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAA\n", "one key at a time"),
        ("-----BEGIN OPENSSH PRIVATE KEY-----", "private key"),
        (f"{TYPE} {BLOB[:-3]}", "not valid base64"),
        (f"{TYPE} not*base64", "not valid base64"),
        (f"{TYPE} {BLOB[:20]}", "bytes long"),
        (f"ssh-rsa {BLOB}", "not a ssh-rsa key"),
        (f"{TYPE} " + base64.b64encode(b"A" * 5000).decode(), "bytes long"),
        (f"{TYPE} " + base64.b64encode(struct.pack(">I", 200) + b"ssh-ed25519" + b"\0" * 40).decode(), "cut short"),
        (RSA_1024, "at least 2048"),
        (TYPE, "no key"),
        ("", "no public key found"),
        ("# only a comment\n", "no public key found"),
    ],
)
def test_bad_keys_are_refused_with_a_reason(text: str, reason: str) -> None:
    with pytest.raises(InvalidKey, match=reason):
        parse_public_key(text)


def test_fingerprints_are_checked_before_any_lookup() -> None:
    assert check_fingerprint(f" {ED25519_FP} ") == ED25519_FP
    for bad in ("SHA256:short", "MD5:aa:bb", ED25519_FP + "x", ED25519_FP.replace("SHA256", "sha256")):
        with pytest.raises(InvalidKey, match="fingerprint"):
            check_fingerprint(bad)

"""Ed25519 keys as Multikey values and PEM files.

API:

- ``generate_key()``: a new Ed25519 private key.
- ``encode_public_key(key)`` / ``decode_public_key(text)``: ``publicKeyMultibase`` ("z6Mk…",
  multicodec ed25519-pub 0xed01 + 32 bytes, base58btc with the multibase prefix "z").
- ``encode_secret_key(key)`` / ``decode_secret_key(text)``: ``secretKeyMultibase`` ("z3u2…",
  multicodec ed25519-priv 0x8026 + the 32-byte seed).
- ``verification_method(key, key_id=…, controller=…)``: the key as a Multikey verification method.
- ``private_key_to_pem`` / ``private_key_from_pem``, ``save_private_key`` / ``load_private_key``:
  unencrypted PKCS#8 PEM, the file written readable by its owner only.
- ``MultikeyError``: a malformed or foreign multibase key.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import base58
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

_BASE58BTC = "z"
_ED25519_PUB = b"\xed\x01"
_ED25519_PRIV = b"\x80\x26"
_KEY_SIZE = 32


class MultikeyError(ValueError):
    """A multibase key that is malformed or not an Ed25519 key of the expected kind."""


def generate_key() -> Ed25519PrivateKey:
    """Return a new random Ed25519 private key."""
    return Ed25519PrivateKey.generate()


def encode_public_key(key: Ed25519PublicKey) -> str:
    """Return the public key as a Multikey publicKeyMultibase string."""
    raw = key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return _encode(_ED25519_PUB + raw)


def decode_public_key(text: str) -> Ed25519PublicKey:
    """Parse a Multikey publicKeyMultibase string into an Ed25519 public key."""
    return Ed25519PublicKey.from_public_bytes(_decode(text, _ED25519_PUB, "ed25519-pub"))


def encode_secret_key(key: Ed25519PrivateKey) -> str:
    """Return the private key as a Multikey secretKeyMultibase string."""
    raw = key.private_bytes(
        serialization.Encoding.Raw, serialization.PrivateFormat.Raw, serialization.NoEncryption()
    )
    return _encode(_ED25519_PRIV + raw)


def decode_secret_key(text: str) -> Ed25519PrivateKey:
    """Parse a Multikey secretKeyMultibase string into an Ed25519 private key."""
    return Ed25519PrivateKey.from_private_bytes(_decode(text, _ED25519_PRIV, "ed25519-priv"))


def verification_method(key: Ed25519PublicKey, *, key_id: str, controller: str) -> dict[str, Any]:
    """Return the public key as a Multikey verification method object."""
    return {
        "id": key_id,
        "type": "Multikey",
        "controller": controller,
        "publicKeyMultibase": encode_public_key(key),
    }


def private_key_to_pem(key: Ed25519PrivateKey) -> bytes:
    """Return the private key as unencrypted PKCS#8 PEM."""
    return key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )


def private_key_from_pem(data: bytes) -> Ed25519PrivateKey:
    """Parse an unencrypted PKCS#8 PEM private key, which must be Ed25519."""
    key = serialization.load_pem_private_key(data, password=None)
    if not isinstance(key, Ed25519PrivateKey):
        raise MultikeyError(f"expected an Ed25519 private key, got {type(key).__name__}")
    return key


def save_private_key(key: Ed25519PrivateKey, path: Path) -> None:
    """Write the private key as PEM to a new file that only its owner can read."""
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "wb") as file:
        file.write(private_key_to_pem(key))


def load_private_key(path: Path) -> Ed25519PrivateKey:
    """Read a PEM private key file written by save_private_key."""
    return private_key_from_pem(Path(path).read_bytes())


def _encode(data: bytes) -> str:
    """Encode bytes as multibase base58btc."""
    return _BASE58BTC + base58.b58encode(data).decode("ascii")


def _decode(text: str, prefix: bytes, codec: str) -> bytes:
    """Decode a multibase base58btc key and strip its multicodec prefix."""
    if not isinstance(text, str) or not text.startswith(_BASE58BTC):
        raise MultikeyError(
            "a Multikey value must be a base58btc multibase string starting with 'z'"
        )
    try:
        data = base58.b58decode(text[1:])
    except ValueError as error:
        raise MultikeyError(f"invalid base58btc in Multikey value: {error}") from None
    if not data.startswith(prefix) or len(data) != len(prefix) + _KEY_SIZE:
        raise MultikeyError(f"not an {codec} Multikey (multicodec 0x{prefix.hex()} + 32 bytes)")
    return data[len(prefix) :]

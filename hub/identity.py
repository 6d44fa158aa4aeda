"""The node's Ed25519 key: created once by init_node, kept in a 0600 file under the data directory."""

from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path

import base58
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from django.conf import settings

ED25519_PUB_MULTICODEC = b"\xed\x01"


class KeyFileError(Exception):
    """The node's key file is missing, unreadable or not an Ed25519 key."""


def key_path() -> Path:
    """Where this node keeps its private key."""
    return Path(settings.HUB_NODE_KEY_PATH)


def key_create(path: Path) -> Ed25519PrivateKey:
    """Create a new key and write it to ``path`` readable by the owner only; never overwrite one."""
    key = Ed25519PrivateKey.generate()
    pem = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as handle:
        handle.write(pem)
    return key


def key_load(path: Path | None = None) -> Ed25519PrivateKey:
    """Load the node's private key, cached for the life of the process."""
    path = path or key_path()
    return _key_load(str(path), path.stat().st_mtime_ns if path.exists() else 0)


@lru_cache(maxsize=4)
def _key_load(path: str, _mtime: int) -> Ed25519PrivateKey:
    try:
        key = serialization.load_pem_private_key(Path(path).read_bytes(), password=None)
    except FileNotFoundError:
        raise KeyFileError(
            f"The node's key file {path} is missing. Restore it from your backup; "
            "a new key would make this node a stranger to its peers."
        ) from None
    except ValueError as error:
        raise KeyFileError(f"The node's key file {path} cannot be read: {error}") from None
    if not isinstance(key, Ed25519PrivateKey):
        raise KeyFileError(f"The node's key file {path} does not hold an Ed25519 key.")
    return key


def public_key_multibase(key: Ed25519PrivateKey | Ed25519PublicKey) -> str:
    """The public key as a Multikey ``publicKeyMultibase`` value (``z6Mk…``)."""
    public = key.public_key() if isinstance(key, Ed25519PrivateKey) else key
    raw = public.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return "z" + base58.b58encode(ED25519_PUB_MULTICODEC + raw).decode("ascii")

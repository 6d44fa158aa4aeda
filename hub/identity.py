"""The node's Ed25519 key: created once by init_node, kept in a 0600 file under the data directory."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from django.conf import settings

from hub.multikey import (
    MultikeyError,
    encode_public_key,
    generate_key,
    load_private_key,
    save_private_key,
)


class KeyFileError(Exception):
    """The node's key file is missing, unreadable or not an Ed25519 key."""


def key_path() -> Path:
    """Where this node keeps its private key."""
    return Path(settings.HUB_NODE_KEY_PATH)


def key_create(path: Path) -> Ed25519PrivateKey:
    """Create a new key and write it to ``path`` readable by the owner only; never overwrite one."""
    key = generate_key()
    path.parent.mkdir(parents=True, exist_ok=True)
    save_private_key(key, path)
    return key


def key_load(path: Path | None = None) -> Ed25519PrivateKey:
    """Load the node's private key, cached for the life of the process."""
    path = path or key_path()
    return _key_load(str(path), path.stat().st_mtime_ns if path.exists() else 0)


@lru_cache(maxsize=4)
def _key_load(path: str, _mtime: int) -> Ed25519PrivateKey:
    try:
        return load_private_key(Path(path))
    except FileNotFoundError:
        raise KeyFileError(
            f"The node's key file {path} is missing. Restore it from your backup; "
            "a new key would make this node a stranger to its peers."
        ) from None
    except (ValueError, MultikeyError) as error:
        raise KeyFileError(f"The node's key file {path} cannot be read as an Ed25519 key: {error}") from None


def public_key_multibase(key: Ed25519PrivateKey | Ed25519PublicKey) -> str:
    """The public key as a Multikey ``publicKeyMultibase`` value (``z6Mk…``)."""
    return encode_public_key(key.public_key() if isinstance(key, Ed25519PrivateKey) else key)

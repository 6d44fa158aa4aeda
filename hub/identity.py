"""The node's Ed25519 keys: created by init_node, kept in 0600 files under the data directory.

The key the node signs with is ``node-key.pem``. A rotation (``manage.py rotate_key``) writes the new
key to ``node-key.next.pem`` first, keeps a copy of the old one as ``retired-keys/<fragment>.pem``
(``key-1.pem`` for ``{base}/#key-1``), and only after the database names the new key moves it to
``node-key.pem``. Key files are never deleted: a retired key still signs the node's descriptor, so
that peers which pinned it follow the rotation. Whatever state a crash leaves, ``key_for`` finds the
private half of a public key among these files.
"""

from __future__ import annotations

import os
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


def next_key_path() -> Path:
    """Where a rotation writes the new key until the database names it."""
    path = key_path()
    return path.with_name(f"{path.stem}.next{path.suffix}")


def retired_key_path(fragment: str) -> Path:
    """Where a key that is no longer the current one is kept, by its id's fragment (``key-1``)."""
    if not fragment or "/" in fragment or fragment.startswith("."):
        raise KeyFileError(f"{fragment!r} cannot name a key file")
    return key_path().parent / "retired-keys" / f"{fragment}.pem"


def key_for(public_key: str, fragment: str = "") -> Ed25519PrivateKey:
    """The private key whose public half is ``public_key``: the current file, a retired one, or a rotation's new one."""
    candidates = [key_path(), next_key_path()]
    if fragment:
        candidates.insert(0, retired_key_path(fragment))
    for path in candidates:
        if path.exists():
            key = key_load(path)
            if public_key_multibase(key) == public_key:
                return key
    raise KeyFileError(
        f"No key file under {key_path().parent} holds the private key of {public_key[:16]}… ({fragment or 'current'}). "
        "Restore node-key.pem and retired-keys/ from your backup."
    )


def key_next() -> Ed25519PrivateKey:
    """The new key of a rotation: the one an interrupted rotation left, or a new one (mode 0600)."""
    path = next_key_path()
    return key_load(path) if path.exists() else key_create(path)


def key_keep(fragment: str) -> Path:
    """Keep a copy of the current key file as the retired key ``fragment``; never overwrite another key."""
    source, target = key_path(), retired_key_path(fragment)
    if target.exists():
        if target.read_bytes() != source.read_bytes():
            raise KeyFileError(f"{target} holds another key than {source}; nothing was changed.")
        return target
    target.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    descriptor = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "wb") as file:
        file.write(source.read_bytes())
        file.flush()
        os.fsync(file.fileno())
    return target


def key_promote(public_key: str) -> bool:
    """Make the rotation's new key the current key file, if it is the one named ``public_key``; say whether it did.

    The old current key must have been kept (``key_keep``) before: this replaces ``node-key.pem``.
    """
    path = next_key_path()
    if not path.exists() or public_key_multibase(key_load(path)) != public_key:
        return False
    os.replace(path, key_path())
    return True

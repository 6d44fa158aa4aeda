"""The keys of one origin as this node trusts them, and the rules of key rotation (protocol section 3).

A descriptor lists its node's keys: the current one, and the earlier ones as ``retired`` or
``revoked``. Its proof is a chain (``federation.proofs``): every key retired since the node's last
revocation signs, oldest first, and the current key signs last. So a node that pinned any of those
keys follows the rotation, however many it missed; a descriptor whose chain does not hold the pinned
key is a forged rotation, or a revocation that an operator must confirm (``manage.py peer repin``).

What a key lets in: the current key and a retired key verify whatever they signed; a revoked key only
proofs created before its revocation (the CID specification's reading of ``revoked``); a key set
aside by an operator's re-pin nothing.
"""

from __future__ import annotations

import base64
import hashlib
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from federation.codecs import Decoded, DescribedKey, DocumentError
from federation.proofs import JCS, ProofError, PublicKeyLookup, verify_chain
from hub.multikey import MultikeyError, decode_public_key

CURRENT, RETIRED, REVOKED, SET_ASIDE = "current", "retired", "revoked", "set-aside"


@dataclass(frozen=True)
class KeyEntry:
    """One key of an origin: its id (empty while not known), its Multikey, its status."""

    key_id: str
    key: str
    status: str = CURRENT
    revoked_at: datetime | None = None

    def admits(self, created: datetime | None) -> str | None:
        """Why a proof by this key, created at ``created``, does not count; None when it counts."""
        if self.status == SET_ASIDE:
            return "an operator set this key aside when re-pinning the node's key"
        if self.status == REVOKED:
            if created is None:
                return f"the key was revoked at {self.revoked_at:%Y-%m-%d %H:%M:%S} and the proof has no created time"
            if created >= self.revoked_at:
                return (f"the key was revoked at {self.revoked_at:%Y-%m-%d %H:%M:%S}Z; the proof was created at or "
                        "after that time")
        return None


@dataclass(frozen=True)
class Keyring:
    """The keys this node holds for one origin; ``entries[0]`` is the current one."""

    origin: str
    entries: tuple[KeyEntry, ...]

    @property
    def current(self) -> KeyEntry:
        return self.entries[0]

    def lookup(self, created: datetime | None) -> PublicKeyLookup:
        """The public key a proof names, if that key counts for a proof created at ``created``."""
        def public(url: str) -> Ed25519PublicKey:
            entry = self._named(url)
            refusal = entry.admits(created)
            if refusal:
                raise LookupError(refusal)
            return _public(entry.key)
        return public

    def _named(self, url: str) -> KeyEntry:
        """The key with this id; the current key when its id is not known yet (pinned by an operator)."""
        for entry in self.entries:
            if entry.key_id == url and entry.status != SET_ASIDE:
                return entry
        if not self.current.key_id and url.startswith(self.origin + "#"):
            return self.current
        raise LookupError(f"{url} is not a key of {self.origin}")

    def holds(self, key: str) -> KeyEntry | None:
        """The entry for a Multikey, if this node holds it for the origin."""
        return next((entry for entry in self.entries if entry.key == key), None)


def keyring_described(origin: str, keys: list[DescribedKey]) -> Keyring:
    """The keyring a descriptor states for its node (its current key first)."""
    return Keyring(origin=origin, entries=tuple(
        KeyEntry(key_id=key.id, key=key.key, status=_status(key), revoked_at=key.revoked) for key in keys
    ))


def _status(key: DescribedKey) -> str:
    return REVOKED if key.revoked is not None else RETIRED if key.retired is not None else CURRENT


def proof_created(document: dict[str, Any]) -> datetime | None:
    """When the document's (single) proof says it was created, or None."""
    proof = document.get("proof")
    created = proof.get("created") if isinstance(proof, dict) else None
    try:
        return datetime.fromisoformat(created) if isinstance(created, str) else None
    except ValueError:
        return None


def descriptor_chain(document: dict[str, Any], decoded: Decoded) -> list[DescribedKey]:
    """The keys that signed a descriptor, in chain order, once the chain is checked against the keys it lists.

    Every proof must be ``eddsa-jcs-2022``, verify, and name a key the descriptor lists; the last is the
    current key and every earlier one a key it lists as retired (a revoked key vouches for nothing); no
    key signs twice. Raises DocumentError saying what is wrong.
    """
    keys = {key.id: key for key in decoded.related["keys"]}
    try:
        proofs = verify_chain(document, lambda url: _listed(keys, url))
    except ProofError as error:
        raise DocumentError(f"the descriptor's proof does not verify against the keys it lists: {error}") from None
    if any(proof.get("cryptosuite") != JCS for proof in proofs):
        raise DocumentError(f"a descriptor is signed with {JCS}")
    signers = [keys[proof["verificationMethod"]] for proof in proofs]
    if not signers[-1].is_current:
        raise DocumentError("the last proof of the descriptor's chain must be made by its current key "
                            "(a rotation is signed by the old key first, then the new one)")
    if any(signer.revoked is not None or signer.is_current for signer in signers[:-1]):
        raise DocumentError("only retired keys sign before the current key in a descriptor's chain")
    if len({signer.id for signer in signers}) != len(signers):
        raise DocumentError("a key signs a descriptor's chain once")
    return signers


def _listed(keys: dict[str, DescribedKey], url: str) -> Ed25519PublicKey:
    if url not in keys:
        raise LookupError(f"{url} is not a key the descriptor lists")
    return _public(keys[url].key)


def rotation_refusal(decoded: Decoded, signers: list[DescribedKey], pinned: Keyring) -> str | None:
    """Why a descriptor may not replace the key pinned for its node; None when the pinned key signed its chain."""
    current = pinned.current
    if any(signer.key == current.key for signer in signers):
        return None
    new = decoded.related["keys"][0]
    described = next((key for key in decoded.related["keys"] if key.key == current.key), None)
    offered = f"its key {new.id} ({fingerprint(new.key)})"
    if described is not None and described.revoked is not None:
        return (f"{offered} replaces the pinned key {described.id}, which it says was revoked at "
                f"{described.revoked:%Y-%m-%d %H:%M:%S}Z; a key that replaces a revoked one is not signed by it, so "
                "only an operator can pin it: compare the fingerprint with the node's operators, then run "
                f"`manage.py peer repin {decoded.iri} --key {new.key}`; the pinned key is kept until then")
    return (f"{offered} conflicts with the key pinned for this node ({current.key_id or 'its key'}, "
            f"{fingerprint(current.key)}): a new key is accepted only from a rotation that the pinned key signed "
            "(protocol section 3); the pinned key is kept")


def fingerprint(key_text: str) -> str:
    """A short fingerprint of a Multikey for comparing by voice or mail: SHA256 of the raw key, base64."""
    try:
        raw = decode_public_key(key_text).public_bytes_raw()
    except MultikeyError:
        return "(unreadable key)"
    return "SHA256:" + base64.b64encode(hashlib.sha256(raw).digest()).decode().rstrip("=")


_decoded_keys: dict[str, Ed25519PublicKey] = {}


def _public(key_text: str) -> Ed25519PublicKey:
    """A Multikey decoded once per process (a page checks many proofs of few keys)."""
    public = _decoded_keys.get(key_text)
    if public is None:
        try:
            public = decode_public_key(key_text)
        except MultikeyError as error:
            raise LookupError(f"the key cannot be read: {error}") from None
        if len(_decoded_keys) > 1000:
            _decoded_keys.clear()
        _decoded_keys[key_text] = public
    return public

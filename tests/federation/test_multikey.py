"""Tests for Ed25519 Multikey encoding and PEM key files."""

import stat

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec

from hub import multikey
from hub.multikey import MultikeyError

from .conftest import NODE, NODE_KEY_ID, read_vector


def test_w3c_vector_secret_key_gives_its_public_key():
    pair = read_vector("keyPair.json")
    key = multikey.decode_secret_key(pair["privateKeyMultibase"])
    assert multikey.encode_public_key(key.public_key()) == pair["publicKeyMultibase"]
    assert multikey.encode_secret_key(key) == pair["privateKeyMultibase"]


def test_public_key_round_trips_as_z6mk(node_key):
    encoded = multikey.encode_public_key(node_key.public_key())
    assert encoded.startswith("z6Mk")
    assert multikey.decode_public_key(encoded) == node_key.public_key()


def test_secret_key_round_trips_as_z3u2(node_key):
    encoded = multikey.encode_secret_key(node_key)
    assert encoded.startswith("z3u2")
    assert multikey.encode_secret_key(multikey.decode_secret_key(encoded)) == encoded


@pytest.mark.parametrize(
    "text",
    [
        "6MkrJVnaZkeFzdQyMZu1cgjg7k1pZZ6pvBQ7XJPt4swbTQ2",
        "z6MkrJVnaZkeFzdQyMZu1cgjg7k1pZZ6pvBQ7XJPt4swbTQ",
        "z0OIl",
        read_vector("keyPair.json")["privateKeyMultibase"],
    ],
    ids=["no-multibase-prefix", "truncated", "not-base58", "secret-key-as-public"],
)
def test_malformed_public_keys_are_refused(text):
    with pytest.raises(MultikeyError):
        multikey.decode_public_key(text)


def test_public_key_is_refused_as_secret_key():
    with pytest.raises(MultikeyError, match="ed25519-priv"):
        multikey.decode_secret_key(read_vector("keyPair.json")["publicKeyMultibase"])


def test_verification_method_is_a_multikey(node_key):
    method = multikey.verification_method(
        node_key.public_key(), key_id=NODE_KEY_ID, controller=NODE
    )
    assert method == {
        "id": NODE_KEY_ID,
        "type": "Multikey",
        "controller": NODE,
        "publicKeyMultibase": multikey.encode_public_key(node_key.public_key()),
    }


def test_private_key_file_round_trips_and_is_owner_only(tmp_path, node_key):
    path = tmp_path / "node.pem"
    multikey.save_private_key(node_key, path)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert path.read_bytes().startswith(b"-----BEGIN PRIVATE KEY-----")
    loaded = multikey.load_private_key(path)
    assert multikey.encode_secret_key(loaded) == multikey.encode_secret_key(node_key)


def test_saving_never_overwrites_an_existing_key(tmp_path, node_key):
    path = tmp_path / "node.pem"
    multikey.save_private_key(node_key, path)
    with pytest.raises(FileExistsError):
        multikey.save_private_key(multikey.generate_key(), path)


def test_pem_of_another_key_type_is_refused():
    other = ec.generate_private_key(ec.SECP256R1()).private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    with pytest.raises(MultikeyError, match="Ed25519"):
        multikey.private_key_from_pem(other)

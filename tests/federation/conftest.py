"""Fixtures for the federation tests: the W3C EdDSA test vectors and Stadtlabor-style documents."""

import fcntl
import json
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from federation.jsonld import BUNDLED, ContextLoader, read_manifest
from federation.proofs import sign_jcs
from hub import multikey

VECTORS = Path(__file__).resolve().parents[1] / "data" / "w3c-vc-di-eddsa"
NODE = "http://127.0.0.1:8001/"
NODE_KEY_ID = NODE + "#key-1"
ITEM_CONTEXT = ["https://w3id.org/stadtlabor/v1", "https://w3id.org/security/data-integrity/v2"]


def read_vector(name: str) -> Any:
    """Return one parsed JSON test vector file."""
    return json.loads((VECTORS / name).read_text(encoding="utf-8"))


@pytest.fixture(scope="session")
def vector_loader() -> ContextLoader:
    """A loader serving the bundled contexts plus the ones the W3C vectors name."""
    return BUNDLED.with_contexts(read_manifest(VECTORS / "ctx" / "contexts.json"))


@pytest.fixture(scope="session")
def vector_key() -> Ed25519PrivateKey:
    """The W3C test vectors' Ed25519 key."""
    return multikey.decode_secret_key(read_vector("keyPair.json")["privateKeyMultibase"])


@pytest.fixture
def vector_lookup(vector_key):
    """A verification method lookup that knows only the W3C vectors' did:key."""
    method = read_vector("proofConfigJCS.json")["verificationMethod"]
    return {method: vector_key.public_key()}.__getitem__


@pytest.fixture
def node_key() -> Ed25519PrivateKey:
    """A fresh key for the node at NODE."""
    return multikey.generate_key()


@pytest.fixture
def node_lookup(node_key):
    """A verification method lookup that knows only the node's key."""
    return {NODE_KEY_ID: node_key.public_key()}.__getitem__


@pytest.fixture
def event() -> dict[str, Any]:
    """An unsigned event document as a node serves it."""
    return {
        "@context": list(ITEM_CONTEXT),
        "id": NODE + "events/5b0f3c1e-6a43-4b8e-9d2c-0c3f6a1e2b7d",
        "type": "Event",
        "name": "Zukunftswerkstatt Innenstadt – Straßen für alle",
        "description": "Wir sammeln Ideen für die Fußgängerzone.\nAlle sind willkommen.",
        "startDate": "2025-05-14T18:00:00+02:00",
    }


@pytest.fixture
def signed_event(event, node_key) -> dict[str, Any]:
    """The event signed by the node with eddsa-jcs-2022."""
    return sign_jcs(event, node_key, NODE_KEY_ID, created="2025-04-01T09:30:00Z")


JS_DIR = Path(__file__).resolve().parent / "js"
CONTEXT_MANIFEST = Path(__file__).resolve().parents[2] / "federation" / "contexts" / "manifest.json"


@pytest.fixture(scope="session")
def node_modules() -> Path:
    """Install the JavaScript verifier's packages once (skip if Node.js or npm is missing)."""
    missing = [tool for tool in ("node", "npm") if shutil.which(tool) is None]
    if missing:
        pytest.skip(f"independent verification needs {' and '.join(missing)} on PATH")
    with open(JS_DIR / ".install.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not (JS_DIR / "node_modules" / ".package-lock.json").exists():
            command = ["npm", "ci", "--no-audit", "--no-fund", "--ignore-scripts"]
            subprocess.run(command, cwd=JS_DIR, check=True, capture_output=True, timeout=600)
    return JS_DIR / "node_modules"


def run_node(script: str, payload: dict[str, Any]) -> Any:
    """Run one of the JavaScript tools with a JSON payload and return its JSON answer."""
    result = subprocess.run(
        ["node", script],
        cwd=JS_DIR,
        input=json.dumps(payload),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def js_verify(document: dict[str, Any], controller: dict[str, Any]) -> dict[str, Any]:
    """Return jsonld-signatures' verdict on a signed document, offline."""
    payload = {
        "document": document,
        "controller": controller,
        "contexts": read_manifest(CONTEXT_MANIFEST),
    }
    return run_node("verify.mjs", payload)
